// A temporary folder for one test, removed with everything in it when the
// object is destroyed. Not thread-safe; one per test.
#pragma once

#include <filesystem>
#include <string>

namespace creg::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // path() / name, as a string.
  std::string Sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Absolute path of a file in the source tree (CREG_SOURCE_DIR), for fixtures.
std::filesystem::path SourcePath(const std::string& relative);

}  // namespace creg::testing
