// WitnessClient: asks one C2SP tlog-witness (docs/witness.md) to cosign the
// node's checkpoints with POST <url>/add-checkpoint, remembering the size
// the witness last cosigned so the next request carries the consistency
// proof from there. A 409 answer with a text/x.tlog.size body tells the
// size the witness holds; the request is sent again once with that size.
//
// Every answer is hostile (client/http_client.h bounds time and bytes); a
// cosignature is returned only after it verified against the witness's key
// (type 0x04, ledger/cosignature.h) and the checkpoint's body.
//
// Thread-safety: one Cosign at a time per client (the publisher runs one
// per witness per round); cosigned_size() from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "ledger/cosignature.h"
#include "ledger/merkle_log.h"
#include "ledger/status.h"
#include "node/checkpointer.h"

namespace creg {

struct WitnessConfig {
  std::string url;      // As given: http://HOST:PORT[/PREFIX]
  std::string address;  // HOST:PORT
  std::string prefix;   // "" or "/PREFIX" (no trailing slash)
  CosignatureVerifier verifier;
};

// Parses one `--witness URL=VERIFIER_KEY` value. The URL is http://HOST:PORT
// with an optional path prefix (no query); the key is the witness's
// cosignature verifier key, as `creg-witness init` prints it.
// InvalidArgument naming what is wrong.
StatusOr<WitnessConfig> ParseWitnessFlag(std::string_view flag);

class WitnessClient {
 public:
  // `log` must outlive the client.
  WitnessClient(WitnessConfig config, const MerkleLog& log, std::chrono::milliseconds timeout);
  WitnessClient(const WitnessClient&) = delete;
  WitnessClient& operator=(const WitnessClient&) = delete;

  // The witness's cosignature line of `checkpoint` (newline included),
  // verified. Unavailable if the witness cannot be reached or does not
  // answer in time; FailedPrecondition if it refuses (the message names
  // its status and first line: 403 bad log signature, 404 unknown origin,
  // 409/422 inconsistent with what it cosigned, a fork); DataLoss if its
  // answer carries no valid cosignature.
  StatusOr<std::string> Cosign(const SignedCheckpoint& checkpoint);

  const WitnessConfig& config() const { return config_; }
  // The size this witness last cosigned for us, as far as we know (0 until
  // it answered once).
  uint64_t cosigned_size() const { return known_size_.load(); }

 private:
  StatusOr<std::string> CosignationLine(const SignedCheckpoint& checkpoint,
                                        std::string_view body) const;

  WitnessConfig config_;
  const MerkleLog& log_;
  std::chrono::milliseconds timeout_;
  std::atomic<uint64_t> known_size_{0};
};

}  // namespace creg
