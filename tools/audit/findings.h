// The problems verify-log finds, printed as they are found:
//
//   FAILED entry 5: prev_hash does not name the leaf hash of entry 4
//     expected: <hex>
//     found:    <hex>
//
// Without --keep-going the first problem stops the run. Not thread-safe.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>

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

  // Prints the last line, "VERIFIED: every check passed" or "FAILED: <n>
  // problems", and returns the exit code it stands for.
  int Verdict() const;

  size_t count() const { return count_; }
  // True once checking should end: a problem was found and not --keep-going.
  bool stop() const { return count_ > 0 && !keep_going_; }
  bool keep_going() const { return keep_going_; }

 private:
  std::ostream& out_;
  bool keep_going_;
  size_t count_ = 0;
};

}  // namespace creg::audit
