#include "tools/audit/findings.h"

#include <ostream>

namespace creg::audit {

void Findings::Add(const std::string& where, const std::string& what, const std::string& expected,
                   const std::string& found) {
  ++count_;
  out_ << "FAILED " << where << ": " << what << "\n";
  if (!expected.empty() || !found.empty()) {
    out_ << "  expected: " << expected << "\n"
         << "  found:    " << found << "\n";
  }
  out_.flush();
}

void Findings::Note(const std::string& text) { out_ << "note: " << text << "\n"; }

}  // namespace creg::audit
