// A C2SP tlog-witness (c2sp.org/tlog-witness, docs/witness.md): cosigns a
// log's checkpoint only if it is consistent with the last checkpoint of
// that log it cosigned, and records the new one durably before it answers.
//
// AddCheckpoint takes a POST /add-checkpoint body and returns the answer:
//   200  the cosignature line (text/plain), after the state was synced
//   400  a malformed body or checkpoint, or old size > checkpoint size
//   403  no signature on the checkpoint from a key configured for its origin
//   404  an origin no configured log key names
//   409  old size is not the size last cosigned; body "<size>\n",
//        Content-Type text/x.tlog.size
//   422  the consistency proof does not verify, or the same size with
//        another root (clients must also take 409 for that: older witnesses
//        answered so)
//   500  the state could not be written (nothing is cosigned)
// A log is named by its key's name, which must be its checkpoints' origin
// (as cregd signs them). Requests for one log are serialised, so checking
// the old size and saving the new state are one step; different logs
// proceed in parallel.
//
// Thread-safety: AddCheckpoint may be called from many threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/checkpoint.h"
#include "ledger/cosignature.h"
#include "node/http/handler.h"
#include "tools/witness/witness_store.h"

namespace creg::witness {

// Seconds since the Epoch, for cosignature timestamps.
using Clock = std::function<uint64_t()>;
uint64_t SystemClock();

class Witness {
 public:
  // Opens each log's state in `store`. InvalidArgument if `logs` is empty
  // or names one key twice; the store's errors (WitnessStore::OpenLog) if a
  // state file is damaged.
  static StatusOr<std::unique_ptr<Witness>> Create(CosignatureSigner signer,
                                                   std::vector<NoteVerifier> logs,
                                                   WitnessStore store, Clock clock = SystemClock);
  Witness(const Witness&) = delete;
  Witness& operator=(const Witness&) = delete;

  http::Answer AddCheckpoint(std::string_view body);

  const CosignatureSigner& signer() const { return signer_; }

 private:
  struct Log {
    std::vector<NoteVerifier> keys;
    std::mutex mu;
    std::unique_ptr<LogStateFile> state;  // guarded by mu: what was last cosigned
  };
  Witness(CosignatureSigner signer, WitnessStore store, Clock clock)
      : signer_(std::move(signer)), store_(std::move(store)), clock_(std::move(clock)) {}

  CosignatureSigner signer_;
  WitnessStore store_;
  Clock clock_;
  std::map<std::string, std::unique_ptr<Log>, std::less<>> logs_;  // by origin; fixed after Create
};

// Serves a Witness over HTTP: POST /add-checkpoint; 405 for other methods
// there, 404 elsewhere. Thread-safe.
class WitnessHandler : public http::Handler {
 public:
  explicit WitnessHandler(Witness& witness) : witness_(witness) {}
  http::Answer Handle(const http::Request& request) const override;

 private:
  Witness& witness_;
};

}  // namespace creg::witness
