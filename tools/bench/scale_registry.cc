#include "tools/bench/scale_registry.h"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "ledger/checkpoint.h"
#include "ledger/keys.h"
#include "ledger/registry/transaction.h"
#include "node/registry_node.h"
#include "tools/bench/apply_signed.h"

namespace creg::bench {
namespace {

constexpr size_t kChunk = 16384;

StoreOptions FillOptions() {
  StoreOptions options;
  options.sync = false;
  return options;
}

}  // namespace

uint64_t FolderBytes(const std::string& path) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) {
      const uint64_t size = it->file_size(size_ec);
      if (!size_ec) total += size;
    }
  }
  return total;
}

uint64_t WalBytes(const std::string& db_path) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator(db_path, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    std::error_code size_ec;
    if (it->path().extension() == ".log" && it->is_regular_file(size_ec)) {
      const uint64_t size = it->file_size(size_ec);
      if (!size_ec) total += size;
    }
  }
  return total;
}

StatusOr<std::unique_ptr<ScaleRegistry>> ScaleRegistry::Init(const DataDir& dir) {
  InitOptions init;
  init.data_dir = dir.root();
  init.origin = kScaleOrigin;
  std::ostringstream said;  // what cregd init prints; not wanted here
  CREG_RETURN_IF_ERROR(InitRegistry(init, said));
  return Open(dir);
}

StatusOr<std::unique_ptr<ScaleRegistry>> ScaleRegistry::Open(const DataDir& dir) {
  auto made = std::unique_ptr<ScaleRegistry>(new ScaleRegistry(dir));
  CREG_ASSIGN_OR_RETURN(made->store_,
                        Store::Open(dir.db_path(), FillOptions(), Registry::ColumnNames()));
  CREG_ASSIGN_OR_RETURN(made->registry_, Registry::Open(made->store_.get(), RegistryOptions{}));
  return made;
}

ScaleRegistry::~ScaleRegistry() {
  registry_.reset();
  store_.reset();
}

StatusOr<FillReport> ScaleRegistry::FillTo(ScalePlan& plan, uint64_t entries, size_t threads) {
  FillReport report;
  const auto start = std::chrono::steady_clock::now();
  while (size() < entries) {
    if (plan.next_index() < size()) {
      return FailedPreconditionError("the plan is behind the registry (" +
                                     std::to_string(plan.next_index()) + " < " +
                                     std::to_string(size()) + ")");
    }
    const size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, entries - size()));
    std::vector<PlannedTx> txs = plan.Next(n);
    CREG_RETURN_IF_ERROR(ApplySigned(*registry_, n, threads, [&](size_t i) {
      return SignedTx{SignTransaction(txs[i].body, plan.id(txs[i].signer), plan.key(txs[i].signer)),
                      plan.public_key(txs[i].signer)};
    }));
    report.applied += n;
    report.peak_wal_bytes = std::max(report.peak_wal_bytes, WalBytes(dir_.db_path()));
    std::cerr << "\r  " << size() << " of " << entries << " entries" << std::flush;
  }
  std::cerr << "\n";
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

Status ScaleRegistry::Close() {
  CREG_ASSIGN_OR_RETURN(PrivateKey checkpoint_key,
                        PrivateKey::LoadFile(dir_.checkpoint_key_path()));
  const std::string origin = registry_->origin();
  CREG_ASSIGN_OR_RETURN(NoteSigner signer, NoteSigner::Create(origin, std::move(checkpoint_key)));
  const TreeHead head = registry_->log().head();
  CREG_RETURN_IF_ERROR(WriteFileAtomically(
      dir_.checkpoint_path(), SignCheckpoint(Checkpoint{origin, head.size, head.root}, signer)));
  registry_.reset();
  store_.reset();
  return OkStatus();
}

StatusOr<uint64_t> RegistrySize(const DataDir& dir) {
  StoreOptions options;
  options.read_only = true;
  CREG_ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                        Store::Open(dir.db_path(), options, Registry::ColumnNames()));
  CREG_ASSIGN_OR_RETURN(std::unique_ptr<Registry> registry, Registry::Open(store.get(), {}));
  return registry->log().size();
}

Status CompactRegistry(const DataDir& dir) {
  CREG_ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                        Store::Open(dir.db_path(), StoreOptions{}, Registry::ColumnNames()));
  return store->CompactAll();
}

}  // namespace creg::bench
