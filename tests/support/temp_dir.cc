#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <system_error>

namespace creg::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "creg-test-XXXXXX").string();
  char* made = mkdtemp(pattern.data());
  if (made == nullptr) {
    ADD_FAILURE() << "mkdtemp failed for " << pattern;
    return;
  }
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

std::filesystem::path SourcePath(const std::string& relative) {
  const char* root = std::getenv("CREG_SOURCE_DIR");
  std::filesystem::path base = root != nullptr ? root : CREG_SOURCE_DIR_DEFAULT;
  return base / relative;
}

}  // namespace creg::testing
