#include "tools/audit/findings.h"

#include <ostream>
#include <utility>

#include "tools/audit/common.h"

namespace creg::audit {

void Findings::Add(const std::string& where, const std::string& what, const std::string& expected,
                   const std::string& found) {
  if (holding_) {
    held_.push_back(Held{true, where, what, expected, found});
    return;
  }
  ++count_;
  out_ << "FAILED " << where << ": " << what << "\n";
  if (!expected.empty() || !found.empty()) {
    out_ << "  expected: " << expected << "\n"
         << "  found:    " << found << "\n";
  }
  out_.flush();
}

void Findings::Note(const std::string& text) {
  if (holding_) {
    held_.push_back(Held{false, "", text, "", ""});
    return;
  }
  out_ << "note: " << text << "\n";
}

void Findings::Release() {
  holding_ = false;
  std::vector<Held> held = std::move(held_);
  held_.clear();
  if (stop()) return;
  for (const Held& h : held) {
    if (h.problem) {
      Add(h.where, h.what, h.expected, h.found);
    } else {
      Note(h.what);
    }
  }
}

int Findings::Verdict() const {
  if (count_ == 0) {
    out_ << "VERIFIED: every check passed\n";
    return kExitVerified;
  }
  out_ << "FAILED: " << count_ << " problem" << (count_ == 1 ? "" : "s")
       << (stop() ? " (stopped at the first; --keep-going lists all)" : "") << "\n";
  return kExitFailed;
}

}  // namespace creg::audit
