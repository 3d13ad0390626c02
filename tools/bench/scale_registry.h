// The data folders of `creg-bench scale`, made and grown in process
// through the registry's own commit path: `cregd init`'s folder (keys,
// verifier key, signed checkpoint), then the ScalePlan's transactions,
// signed on every core and applied in groups of 1,000 (tools/bench/
// apply_signed.h), without syncing each group (a benchmark's input: a
// crash means making it again). What `cregd run` then serves and
// `creg-audit verify-log` checks.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "ledger/data_dir.h"
#include "ledger/registry/registry.h"
#include "ledger/status.h"
#include "ledger/store.h"
#include "tools/bench/scale_workload.h"

namespace creg::bench {

inline constexpr char kScaleOrigin[] = "scale.creg.example";

// What filling took.
struct FillReport {
  uint64_t applied = 0;  // transactions
  double seconds = 0;
  // The largest total of the database's write-ahead log files (*.log),
  // sampled after every chunk of 16,384 transactions.
  uint64_t peak_wal_bytes = 0;
};

class ScaleRegistry {
 public:
  // `cregd init` in `dir` (which must hold no registry), then opened.
  static StatusOr<std::unique_ptr<ScaleRegistry>> Init(const DataDir& dir);
  // An existing folder.
  static StatusOr<std::unique_ptr<ScaleRegistry>> Open(const DataDir& dir);
  ~ScaleRegistry();

  // Applies the plan's next transactions until the log holds `entries`.
  // Refusals are errors (the plan is wrong); the store's errors.
  StatusOr<FillReport> FillTo(ScalePlan& plan, uint64_t entries, size_t threads);
  // Signs the head with the folder's checkpoint key and closes the store.
  Status Close();

  uint64_t size() const { return registry_->log().size(); }

 private:
  explicit ScaleRegistry(const DataDir& dir) : dir_(dir) {}
  DataDir dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Registry> registry_;
};

// Sum of the sizes of the regular files under `path` (0 if none).
uint64_t FolderBytes(const std::string& path);
// Sum of the sizes of RocksDB's write-ahead logs (*.log) in `db_path`.
uint64_t WalBytes(const std::string& db_path);

// The log size of the registry in `dir`, opened read-only.
StatusOr<uint64_t> RegistrySize(const DataDir& dir);
// Opens the folder's database, compacts every column fully, closes it.
Status CompactRegistry(const DataDir& dir);

}  // namespace creg::bench
