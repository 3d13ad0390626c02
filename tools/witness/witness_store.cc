#include "tools/witness/witness_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <system_error>

#include "ledger/data_dir.h"
#include "ledger/encoding.h"
#include "ledger/hash.h"
#include "ledger/merkle.h"

namespace creg::witness {

namespace {

constexpr size_t kSlotBytes = 4096;
constexpr size_t kHeaderBytes = 8 + 4;

Status IoError(const std::string& what, const std::string& path) {
  return UnavailableError(what + " " + path + ": " + std::strerror(errno));
}

std::string Record(uint64_t sequence, const Checkpoint& checkpoint) {
  std::string record;
  AppendBigEndian64(&record, sequence);
  const std::string body = CheckpointBody(checkpoint);
  AppendBigEndian32(&record, static_cast<uint32_t>(body.size()));
  record += body;
  record += Sha256(record).view();
  record.resize(kSlotBytes, '\0');
  return record;
}

struct Parsed {
  uint64_t sequence;
  Checkpoint checkpoint;
};

// The record in `slot`, or nullopt if it is torn, empty or not one.
std::optional<Parsed> ParseRecord(std::string_view slot) {
  if (slot.size() != kSlotBytes) return std::nullopt;
  const uint32_t length = ReadBigEndian32(slot.substr(8));
  if (length > kSlotBytes - kHeaderBytes - Hash::kSize) return std::nullopt;
  const std::string_view covered = slot.substr(0, kHeaderBytes + length);
  if (Sha256(covered).view() != slot.substr(covered.size(), Hash::kSize)) return std::nullopt;
  StatusOr<Checkpoint> checkpoint = ParseCheckpointBody(covered.substr(kHeaderBytes));
  if (!checkpoint.ok()) return std::nullopt;
  return Parsed{ReadBigEndian64(slot), *std::move(checkpoint)};
}

Status WriteAll(int fd, std::string_view bytes, off_t offset, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::pwrite(fd, bytes.data(), bytes.size(), offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot write", path);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
    offset += n;
  }
  return OkStatus();
}

}  // namespace

LogStateFile::~LogStateFile() { ::close(fd_); }

Status LogStateFile::Save(const Checkpoint& checkpoint) {
  const uint64_t next = sequence_ + 1;
  const off_t offset = static_cast<off_t>((next % 2) * kSlotBytes);
  CREG_RETURN_IF_ERROR(WriteAll(fd_, Record(next, checkpoint), offset, path_));
  if (::fdatasync(fd_) != 0) return IoError("cannot sync", path_);
  sequence_ = next;
  latest_ = checkpoint;
  return OkStatus();
}

StatusOr<WitnessStore> WitnessStore::Open(const std::string& dir) {
  const std::string logs = dir + "/logs";
  std::error_code ec;
  std::filesystem::create_directories(logs, ec);
  if (ec) return UnavailableError("cannot create " + logs + ": " + ec.message());
  return WitnessStore(logs);
}

std::string WitnessStore::PathOf(std::string_view origin) const {
  return logs_dir_ + "/" + Sha256(origin).ToHex();
}

StatusOr<std::unique_ptr<LogStateFile>> WitnessStore::OpenLog(std::string_view origin) const {
  if (origin.size() > kMaxOriginBytes) {
    return InvalidArgumentError("log origin over " + std::to_string(kMaxOriginBytes) + " bytes");
  }
  const std::string path = PathOf(origin);
  if (!std::filesystem::exists(path)) {
    // A whole new file: record 0 (size 0) in slot 0, an empty slot 1.
    std::string fresh = Record(0, Checkpoint{std::string(origin), 0, merkle::EmptyRoot()});
    fresh.resize(2 * kSlotBytes, '\0');
    CREG_RETURN_IF_ERROR(WriteFileAtomically(path, fresh, 0644));
  }
  StatusOr<std::string> bytes = ReadFile(path);
  if (!bytes.ok()) return bytes.status();
  if (bytes->size() != 2 * kSlotBytes) {
    return DataLossError("witness state " + path + " is " + std::to_string(bytes->size()) +
                         " bytes, not " + std::to_string(2 * kSlotBytes));
  }
  std::optional<Parsed> best;
  for (size_t slot = 0; slot < 2; ++slot) {
    std::optional<Parsed> record =
        ParseRecord(std::string_view(*bytes).substr(slot * kSlotBytes, kSlotBytes));
    if (record && (!best || record->sequence > best->sequence)) best = std::move(record);
  }
  if (!best) return DataLossError("witness state " + path + " holds no valid record");
  if (best->checkpoint.origin != origin) {
    return DataLossError("witness state " + path + " is for log \"" + best->checkpoint.origin +
                         "\", not \"" + std::string(origin) + "\"");
  }
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return IoError("cannot open", path);
  return std::unique_ptr<LogStateFile>(
      new LogStateFile(fd, path, best->sequence, std::move(best->checkpoint)));
}

}  // namespace creg::witness
