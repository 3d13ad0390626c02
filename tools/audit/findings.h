// The problems verify-log finds, printed as they are found:
//
//   FAILED entry 5: prev_hash does not name the leaf hash of entry 4
//     expected: <hex>
//     found:    <hex>
//
// Without --keep-going the first problem stops the run.
//
// A check that runs ahead of another (the entry scan runs ahead of the
// replay, which lags behind while signatures are checked on other threads)
// holds its problems while it runs, so that they are printed, and counted,
// after the problems of earlier entries: Hold(), the check, StopHolding();
// then, if holds_any(), let the lagging check catch up and Release(). Not
// thread-safe.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

namespace creg::audit {

class Findings {
 public:
  Findings(std::ostream& out, bool keep_going) : out_(out), keep_going_(keep_going) {}

  // Records and prints one problem. `where` locates it ("entry 5",
  // "head (log.meta)", "state record reg.blocks[...]"); `expected` and
  // `found` are printed when not empty.
  void Add(const std::string& where, const std::string& what, const std::string& expected = "",
           const std::string& found = "");
  // Prints a line that is not a problem (e.g. a check that was skipped).
  void Note(const std::string& text);

  // From now on, Add and Note keep what they are given instead of printing
  // and counting it.
  void Hold() { holding_ = true; }
  // Add and Note print again; what was held stays held.
  void StopHolding() { holding_ = false; }
  // True when something is held.
  bool holds_any() const { return !held_.empty(); }
  // Stops holding and adds what was held, in order; if stop() is already
  // true, a problem found earlier ends the run and what was held is dropped.
  void Release();

  // Prints the last line, "VERIFIED: every check passed" or "FAILED: <n>
  // problems", and returns the exit code it stands for.
  int Verdict() const;

  size_t count() const { return count_; }
  // True once checking should end: a problem was found and not --keep-going.
  bool stop() const { return count_ > 0 && !keep_going_; }
  bool keep_going() const { return keep_going_; }

 private:
  struct Held {
    bool problem;  // else a note, in `what`
    std::string where, what, expected, found;
  };

  std::ostream& out_;
  bool keep_going_;
  size_t count_ = 0;
  bool holding_ = false;
  std::vector<Held> held_;
};

}  // namespace creg::audit
