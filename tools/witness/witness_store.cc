#include "tools/witness/witness_store.h"

#include <filesystem>
#include <system_error>

#include "ledger/data_dir.h"
#include "ledger/hash.h"
#include "ledger/merkle.h"

namespace creg::witness {

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

StatusOr<Checkpoint> WitnessStore::Load(std::string_view origin) const {
  const std::string path = PathOf(origin);
  StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) {
      return Checkpoint{std::string(origin), 0, merkle::EmptyRoot()};
    }
    return text.status();
  }
  StatusOr<Checkpoint> checkpoint = ParseCheckpointBody(*text);
  if (!checkpoint.ok()) {
    return DataLossError("witness state " + path + " is damaged: " + checkpoint.status().message());
  }
  if (checkpoint->origin != origin) {
    return DataLossError("witness state " + path + " is for log \"" + checkpoint->origin +
                         "\", not \"" + std::string(origin) + "\"");
  }
  return checkpoint;
}

Status WitnessStore::Save(const Checkpoint& checkpoint) const {
  return WriteFileAtomically(PathOf(checkpoint.origin), CheckpointBody(checkpoint), 0644);
}

}  // namespace creg::witness
