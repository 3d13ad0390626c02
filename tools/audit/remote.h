// What the remote modes of creg-audit ask a node (docs/protocol.md): its
// latest checkpoint, consistency proofs, and entries, paged or streamed;
// from the first of the members --node names that answers (a mirror serves
// them as well as the writer: every answer is checked against signed
// checkpoints).
// Nothing the node says is trusted here; the callers verify it. Given
// credentials, every connection signs in right after it connects
// (docs/protocol.md, "Signing in"), so that a node whose read policy keeps
// the log from the public serves it to an auditor or operator account.
//
// Errors: Unavailable when the node cannot be reached, the connection
// fails or an answer does not come in time; the node's own errors with
// their codes; DataLoss for answers that contradict the request (entries
// from another position, a proof of another size). A read the node's
// policy refuses is NotAuthorized with the node's reason and what to do:
// pass an auditor or operator account (kAccountFlagsHint) when none signed
// in. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/client.h"
#include "client/members.h"
#include "creg/wire.pb.h"
#include "ledger/checkpoint.h"
#include "ledger/status.h"
#include "tools/audit/account.h"

namespace creg::audit {

// Called with each entry's index and stored bytes, in log order. An error
// stops the transfer and is returned.
using EntryVisitor = std::function<Status(uint64_t index, std::string_view bytes)>;

class RemoteLog {
 public:
  // The first read, made on each member tried: an error passes the member
  // over. It keeps what it read (the checkpoint, a proof) for the caller.
  using FirstRead = std::function<Status(RemoteLog& member)>;

  // Connects to the members in turn (client/members.h), with TLS if
  // `options` say so, and signs in with `credentials` if there are any;
  // the first member whose connection, sign-in and `first_read` (if given)
  // succeed serves every later read, and the stream of StreamEntries
  // connects and signs in to it the same way. Each member passed over is
  // told to `skipped` while another is still to be tried. A refused
  // sign-in is PermissionDenied "cannot sign in as 'ID' at HOST:PORT: <the
  // node's reason>"; the other errors of SignIn (client/sign_in.h). With
  // several members and none answering, Members::Connect's error naming
  // each member and its failure.
  static StatusOr<RemoteLog> Connect(Members members, ClientOptions options = {},
                                     std::optional<Credentials> credentials = std::nullopt,
                                     const FirstRead& first_read = nullptr,
                                     const Members::SkipNote& skipped = nullptr);

  // The member that answered.
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
  // Reads through `client`, which it owns if `owned` holds it.
  RemoteLog(std::string address, ClientOptions options,
            std::shared_ptr<const Credentials> credentials, Client& client,
            std::unique_ptr<Client> owned = nullptr)
      : address_(std::move(address)),
        options_(std::move(options)),
        credentials_(std::move(credentials)),
        owned_(std::move(owned)),
        client_(&client) {}

  // Signs `client` in to the node at address_ if there are credentials.
  Status SignInIfGiven(Client& client) const;
  // A new connection to the node at address_, signed in if there are
  // credentials.
  StatusOr<std::unique_ptr<Client>> Open() const;
  Status FetchPages(uint64_t start, uint64_t end, const EntryVisitor& visit);
  Status FetchStream(uint64_t start, uint64_t end, const EntryVisitor& visit);
  // `status` with what to do about it when the read policy refused it.
  Status Explain(Status status) const;

  std::string address_;
  ClientOptions options_;
  std::shared_ptr<const Credentials> credentials_;  // null: read as the public
  std::unique_ptr<Client> owned_;
  Client* client_;  // owned_, or a member's connection while it is tried
};

// A first read that asks the member for its checkpoint note and keeps it
// in `note` (which must outlive the RemoteLog::Connect it is given to); a
// member that does not give it fails "cannot get the checkpoint: <error>".
RemoteLog::FirstRead ReadCheckpoint(StatusOr<std::string>& note);

// VerifyCheckpoint with the reason spelt out for people: "not validly signed
// by key K: ..." (or "is for registry X, not Y" when `expected_origin` is
// given and differs).
StatusOr<Checkpoint> VerifyNodeCheckpoint(std::string_view note, const NoteVerifier& verifier,
                                          std::string_view expected_origin = "");

}  // namespace creg::audit
