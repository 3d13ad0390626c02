#include "tools/bench/audit_log.h"

#include <filesystem>
#include <iostream>
#include <memory>
#include <vector>

#include "ledger/checkpoint.h"
#include "ledger/log_entry.h"
#include "ledger/registry/registry.h"
#include "ledger/registry/transaction.h"
#include "tools/bench/apply_signed.h"
#include "tools/bench/workload.h"

namespace creg::bench {
namespace {

constexpr size_t kHolders = 8;  // as `creg-bench fill` with its 8 connections
constexpr size_t kChunk = 16384;

}  // namespace

Status MakeAuditLog(const DataDir& dir, uint64_t entries, size_t threads) {
  std::error_code ec;
  std::filesystem::create_directories(dir.root(), ec);
  if (ec) return UnavailableError("cannot make " + dir.root() + ": " + ec.message());
  StoreOptions options;
  options.create_if_missing = true;
  options.sync = false;  // A benchmark's input; a crash means making it again.
  CREG_ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                        Store::Open(dir.db_path(), options, Registry::ColumnNames()));
  Workload w;
  w.origin = "audit-bench.example";
  w.operator_id = "operator";
  w.run_id = "r1";
  CREG_ASSIGN_OR_RETURN(PrivateKey operator_key, PrivateKey::Generate());
  w.operator_key_slot.emplace(std::move(operator_key));
  CREG_ASSIGN_OR_RETURN(std::unique_ptr<Registry> registry,
                        Registry::Open(store.get(), RegistryOptions{w.origin}));
  Submit submit = [&](const std::string& tx) { return AcceptedEffects(registry->Submit(tx)); };

  pb::TransactionBody open = w.Body("open-operator");
  open.mutable_open_account()->set_account_id(w.operator_id);
  open.mutable_open_account()->set_role(pb::ROLE_OPERATOR);
  open.mutable_open_account()->set_public_key(w.operator_key().public_key().raw());
  CREG_RETURN_IF_ERROR(submit(SignTransaction(open, w.operator_id, w.operator_key())).status());
  const uint64_t per_holder = entries / kHolders + 1;
  CREG_ASSIGN_OR_RETURN(std::vector<Holder> holders,
                        FundHolders(w, submit, kHolders, per_holder + 10));

  uint64_t next = 0;  // transfers signed so far
  while (registry->log().size() < entries) {
    const size_t n =
        static_cast<size_t>(std::min<uint64_t>(kChunk, entries - registry->log().size()));
    CREG_RETURN_IF_ERROR(ApplySigned(*registry, n, threads, [&](size_t i) {
      const uint64_t g = next + i;
      return SignedTx{SignTransfer(w, holders, g % kHolders, g / kHolders),
                      holders[g % kHolders].key.public_key().raw()};
    }));
    next += n;
    std::cerr << "\r  " << registry->log().size() << " of " << entries << " entries" << std::flush;
  }
  std::cerr << "\n";
  CREG_RETURN_IF_ERROR(store->CompactAll());  // as a node's folder settles over time

  CREG_ASSIGN_OR_RETURN(PrivateKey checkpoint_key, PrivateKey::Generate());
  CREG_ASSIGN_OR_RETURN(NoteSigner signer, NoteSigner::Create(w.origin, std::move(checkpoint_key)));
  TreeHead head = registry->log().head();
  CREG_RETURN_IF_ERROR(WriteFileAtomically(
      dir.checkpoint_path(), SignCheckpoint(Checkpoint{w.origin, head.size, head.root}, signer)));
  return WriteFileAtomically(dir.verifier_key_path(), signer.VerifierKey() + "\n");
}

}  // namespace creg::bench
