// What the remote modes of creg-audit ask a node (docs/protocol.md): its
// latest checkpoint, consistency proofs, and entries, paged or streamed.
// Nothing the node says is trusted here; the callers verify it.
//
// Errors: Unavailable when the node cannot be reached, the connection
// fails or an answer does not come in time; the node's own errors with
// their codes; DataLoss for answers that contradict the request (entries
// from another position, a proof of another size). Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "creg/wire.pb.h"
#include "ledger/checkpoint.h"
#include "ledger/status.h"
#include "client/client.h"

namespace creg::audit {

// Called with each entry's index and stored bytes, in log order. An error
// stops the transfer and is returned.
using EntryVisitor = std::function<Status(uint64_t index, std::string_view bytes)>;

class RemoteLog {
 public:
  // Connects to "HOST:PORT" (with TLS if `options` say so; the stream of
  // StreamEntries connects the same way).
  static StatusOr<RemoteLog> Connect(const std::string& address, ClientOptions options = {});

  const std::string& address() const { return address_; }

  // The node's latest signed checkpoint note.
  StatusOr<std::string> CheckpointNote();
  // The RFC 9162 consistency proof between the trees of size1 and size2 (raw
  // hashes, as sent: the verifier refuses any that is not 32 bytes).
  StatusOr<std::vector<std::string>> ConsistencyProof(uint64_t size1, uint64_t size2);
  // Entries [start, end) through GetEntries pages (a few requests in flight).
  Status PageEntries(uint64_t start, uint64_t end, const EntryVisitor& visit);
  // Entries [start, end) through a Subscribe stream on a connection of its
  // own, closed once `end` is reached.
  Status StreamEntries(uint64_t start, uint64_t end, const EntryVisitor& visit);

 private:
  RemoteLog(std::string address, ClientOptions options, std::unique_ptr<Client> client)
      : address_(std::move(address)), options_(std::move(options)), client_(std::move(client)) {}

  std::string address_;
  ClientOptions options_;
  std::unique_ptr<Client> client_;
};

// VerifyCheckpoint with the reason spelt out for people: "not validly signed
// by key K: ..." (or "is for registry X, not Y" when `expected_origin` is
// given and differs).
StatusOr<Checkpoint> VerifyNodeCheckpoint(std::string_view note, const NoteVerifier& verifier,
                                          std::string_view expected_origin = "");

}  // namespace creg::audit
