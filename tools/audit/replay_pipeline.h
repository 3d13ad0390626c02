// The replay of verify-log (both modes) with every transaction's signature
// checked on several threads ahead of the sequential replay.
//
// Entries are fed in log order. For each one, a cheap sequential pass
// decodes it and names the key its signer holds at that point by the log
// (KeyTracker); the entries are gathered in windows of kWindow, whose
// signatures `jobs` threads check kChunk at a time: jobs - 1 workers, and
// the feeding thread itself whenever the oldest window is not checked yet
// (so that, with one thread per core, it never waits while a core is
// taken by a worker it waits for). The replay (LogReplay,
// Registry::ReplayEntry) then applies the windows in order.
// A signature a worker verified is not checked again when its key is the
// one the rules say the signer holds; any other (a wrong key named ahead,
// a signature that did not verify) is checked by the replay itself, which
// reports a bad one at its entry with the same message as a sequential
// replay. At most max_windows() windows are held at once, so memory is
// bounded however long the log.
//
// Refusals are reported to `findings` as the replay reaches them, which
// may be some windows after the entry was fed; call Drain() before
// reporting a problem of a later entry so the output stays in log order.
//
// Not thread-safe: one thread feeds, drains and reads it.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <latch>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "ledger/keys.h"
#include "ledger/registry/stored_entry.h"
#include "tools/audit/findings.h"
#include "tools/audit/key_tracker.h"
#include "tools/audit/replayer.h"
#include "tools/audit/worker_pool.h"

namespace creg::audit {

class ReplayPipeline {
 public:
  // Entries gathered before their signatures are handed out.
  static constexpr size_t kWindow = 256;
  // Entries whose signatures one thread claims at a time. Small, because
  // the replay waits for the chunks other threads claimed of the oldest
  // window: with 16, that wait idled its core about 4% of the time.
  static constexpr size_t kChunk = 4;

  // Checks signatures on `jobs` threads (at least one): the feeding thread
  // and jobs - 1 workers. `registry_key`: the registry's checkpoint key,
  // which signs leader terms (none: they are refused).
  ReplayPipeline(Findings& findings, size_t jobs, std::optional<PublicKey> registry_key);
  // Waits for the workers; what was fed and not drained is not replayed
  // (nor are its unclaimed signatures checked).
  ~ReplayPipeline();
  ReplayPipeline(const ReplayPipeline&) = delete;
  ReplayPipeline& operator=(const ReplayPipeline&) = delete;

  // Queues the entry at `index` (the one after the last fed) for the
  // replay. May replay earlier entries. Errors are failures of the scratch
  // registry, not of the log.
  Status Feed(uint64_t index, std::string_view bytes);
  // Replays every entry fed so far.
  Status Drain();
  // Drains, then ends the replay before `index`: that entry could not be
  // checked (LogReplay::StopAt).
  Status StopAt(uint64_t index);
  // Drains and commits: call before reading the replayed state.
  Status Finish();

  // The replay; complete up to the last entry fed only after Drain().
  const LogReplay& replay() const { return replay_; }
  size_t max_windows() const { return max_windows_; }

 private:
  struct Item {
    uint64_t index = 0;
    StoredEntry entry;
    std::optional<PublicKey> key;  // the key its signer holds by the log, if any
  };
  struct Window {
    explicit Window(std::vector<Item> gathered)
        : items(std::move(gathered)), unchecked(static_cast<std::ptrdiff_t>(items.size())) {}
    std::vector<Item> items;
    std::atomic<size_t> next_unclaimed{0};
    std::latch unchecked;  // items not yet checked (or abandoned)
  };

  // Hands the entries gathered so far out as a window.
  void Dispatch();
  // Helps check the oldest window's signatures, waits for the rest, and
  // replays it.
  Status ReplayOldest();
  // Claims and checks chunks of `window` until none is left unclaimed
  // (claims by other threads are theirs to finish).
  static void CheckSignatures(Window& window);
  // Claims what is left unclaimed of `window` without checking it.
  static void Abandon(Window& window);

  KeyTracker keys_;
  LogReplay replay_;
  size_t max_windows_;
  std::vector<Item> gathering_;
  // Dispatched, oldest first; shared with the workers' tasks, which may
  // start after the replay is done with their window.
  std::deque<std::shared_ptr<Window>> windows_;
  // Declared last: destroyed (its threads joined) before the windows they use.
  WorkerPool pool_;
};

}  // namespace creg::audit
