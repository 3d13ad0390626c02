#include "tools/cli/report_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace creg::cli {
namespace {

bool Sync(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

std::string WritableHint(const std::string& path) {
  return "Check that the folder of " + path + " is writable and has room.";
}

}  // namespace

ReportFile::~ReportFile() {
  if (file_.is_open()) {
    file_.close();
    std::remove(temp_.c_str());
  }
}

bool ReportFile::Open(Context& ctx) {
  if (!path_ || *path_ == "-") {
    out_ = &std::cout;
    return true;
  }
  temp_ = *path_ + ".tmp";
  file_.open(temp_, std::ios::binary | std::ios::trunc);
  if (!file_) {
    ctx.FailLocal(InternalError("cannot create " + temp_), WritableHint(*path_));
    return false;
  }
  out_ = &file_;
  return true;
}

int ReportFile::Close(Context& ctx, const std::string& what) {
  if (!file_.is_open()) {
    std::cout.flush();
    return kExitOk;
  }
  file_.close();
  if (file_.fail() || !Sync(temp_) || std::rename(temp_.c_str(), path_->c_str()) != 0) {
    std::remove(temp_.c_str());
    return ctx.FailLocal(InternalError("cannot write " + *path_), WritableHint(*path_));
  }
  std::cerr << "wrote " << what << " to " << *path_ << "\n";
  return kExitOk;
}

}  // namespace creg::cli
