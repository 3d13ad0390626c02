#include "tests/fuzz/fuzz_registry.h"

#include <stdlib.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace creg::fuzz {
namespace {

// Made with `openssl genpkey -algorithm ed25519`, in FixedKey order.
constexpr std::array<const char*, 9> kFixedKeyPems = {
    "-----BEGIN PRIVATE "
    "KEY-----\nMC4CAQAwBQYDK2VwBCIEINrovI4G6gilLKiUkxRPi6GUtSnZCzt1TUbI9fKIh50P\n"
    "-----END PRIVATE KEY-----\n",
    "-----BEGIN PRIVATE "
    "KEY-----\nMC4CAQAwBQYDK2VwBCIEINEDo3cev88jcZpwpPde94iwde9pPlYXoIWXVRjpPPO0\n"
    "-----END PRIVATE KEY-----\n",
    "-----BEGIN PRIVATE "
    "KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ/XAmzhRUrzAI38/omMkSWkpNlABtZ5qT7vbm8DeH4A\n"
    "-----END PRIVATE KEY-----\n",
    "-----BEGIN PRIVATE "
    "KEY-----\nMC4CAQAwBQYDK2VwBCIEIKomtAIaoiPj+t4T8Ox3ZX9xjzPtnAohY4T9ukw8iYBn\n"
    "-----END PRIVATE KEY-----\n",
    "-----BEGIN PRIVATE "
    "KEY-----\nMC4CAQAwBQYDK2VwBCIEIF7g7aRe3c+FP/l28eJTI8WK7T4r/bvMkmnb7Yi4j9yc\n"
    "-----END PRIVATE KEY-----\n",
    "-----BEGIN PRIVATE "
    "KEY-----\nMC4CAQAwBQYDK2VwBCIEIOdNbZlv04BEUd951lgZB9mK6241mmDxmsoJLjkniSFf\n"
    "-----END PRIVATE KEY-----\n",
    "-----BEGIN PRIVATE "
    "KEY-----\nMC4CAQAwBQYDK2VwBCIEIEiZoSsVUfK9/MTuvp+G9Zl+FWqSY5jCB7JuEd4pVk8c\n"
    "-----END PRIVATE KEY-----\n",
    "-----BEGIN PRIVATE "
    "KEY-----\nMC4CAQAwBQYDK2VwBCIEIOq/YIDtyABbqLxKWc+VkQtcEh6Zv+csyAq7ZnBwFv1H\n"
    "-----END PRIVATE KEY-----\n",
    "-----BEGIN PRIVATE "
    "KEY-----\nMC4CAQAwBQYDK2VwBCIEIJW8hV/HN/faXmOThkmvcdaPxaSTXoja0oo1sKsnZ4ra\n"
    "-----END PRIVATE KEY-----\n",
};

template <typename T>
T ValueOrDie(StatusOr<T> v, std::string_view what) {
  CheckOk(v.status(), what);
  return std::move(v).value();
}

pb::SerialBlock Block(uint64_t batch, uint64_t first, uint64_t last) {
  pb::SerialBlock b;
  b.set_batch(batch);
  b.set_first(first);
  b.set_last(last);
  return b;
}

}  // namespace

PrivateKey LoadFixedKey(FixedKey which) {
  return ValueOrDie(PrivateKey::FromPem(kFixedKeyPems.at(static_cast<size_t>(which))), "fixed key");
}

NoteSigner CheckpointSigner() {
  return ValueOrDie(NoteSigner::Create(kCheckpointKeyName, LoadFixedKey(FixedKey::kCheckpoint)),
                    "checkpoint signer");
}

NoteVerifier CheckpointVerifier() {
  return ValueOrDie(NoteVerifier::FromVerifierKey(CheckpointSigner().VerifierKey()),
                    "checkpoint verifier");
}

void CheckOk(const Status& status, std::string_view what) {
  if (status.ok()) return;
  std::fprintf(stderr, "fuzz registry: %.*s: %s\n", static_cast<int>(what.size()), what.data(),
               status.ToString().c_str());
  std::abort();
}

std::unique_ptr<FuzzRegistry> FuzzRegistry::Create() {
  std::unique_ptr<FuzzRegistry> r(new FuzzRegistry());
  std::error_code ec;
  std::string pattern = (std::filesystem::temp_directory_path(ec) / "creg-fuzz-XXXXXX").string();
  if (ec || mkdtemp(pattern.data()) == nullptr) {
    std::fprintf(stderr, "fuzz registry: cannot make a folder like %s\n", pattern.c_str());
    std::abort();
  }
  r->dir_ = pattern;
  StoreOptions options;
  options.create_if_missing = true;
  options.sync = false;  // Nothing here needs to survive a crash.
  options.write_buffer_size = 256 << 10;
  options.block_cache_bytes = 4 << 20;
  r->store_ =
      ValueOrDie(Store::Open(r->dir_ + "/db", options, Registry::ColumnNames()), "open store");
  RegistryOptions registry_options;
  registry_options.origin = kOrigin;
  registry_options.registry_key = LoadFixedKey(FixedKey::kCheckpoint).public_key();
  r->registry_ = ValueOrDie(Registry::Open(r->store_.get(), registry_options), "open registry");
  r->Build();
  r->checkpointer_ = std::make_unique<Checkpointer>(r->registry_->log(), CheckpointSigner(),
                                                    kOrigin, r->dir_ + "/checkpoint");
  CheckOk(r->checkpointer_->SignHead(), "sign head");
  return r;
}

FuzzRegistry::~FuzzRegistry() {
  checkpointer_.reset();
  registry_.reset();
  store_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string FuzzRegistry::CheckpointNote() const { return checkpointer_->latest()->note; }

pb::TransactionBody FuzzRegistry::Body(std::string_view nonce, int64_t created_micros) {
  pb::TransactionBody body;
  body.set_origin(kOrigin);
  body.set_nonce(std::string(nonce));
  body.set_created_micros(created_micros);
  return body;
}

std::string FuzzRegistry::Sign(const pb::TransactionBody& body, std::string_view account) const {
  FixedKey key;
  if (account == kOperator) {
    key = FixedKey::kOperator;
  } else if (account == kAlice) {
    key = FixedKey::kAlice;
  } else if (account == kBob) {
    key = bob_rotated_ ? FixedKey::kBobRotated : FixedKey::kBob;
  } else if (account == kCarol) {
    key = FixedKey::kCarol;
  } else if (account == kCouncil) {
    return SignKeyed(body, account, {FixedKey::kCouncil1, FixedKey::kCouncil3});
  } else {
    std::fprintf(stderr, "fuzz registry: no key for account %.*s\n",
                 static_cast<int>(account.size()), account.data());
    std::abort();
  }
  return SignTransaction(body, account, LoadFixedKey(key));
}

std::string FuzzRegistry::SignKeyed(const pb::TransactionBody& body, std::string_view account,
                                    const std::vector<FixedKey>& keys) {
  std::vector<PrivateKey> loaded;
  for (FixedKey key : keys) loaded.push_back(LoadFixedKey(key));
  std::vector<const PrivateKey*> signing;
  for (const PrivateKey& key : loaded) signing.push_back(&key);
  return SignTransactionKeyed(body, account, signing);
}

void FuzzRegistry::AddCouncil() {
  {
    pb::TransactionBody body = Body("open-council");
    auto* op = body.mutable_open_account();
    op->set_account_id(kCouncil);
    op->set_role(pb::ROLE_HOLDER);
    op->set_public_key(LoadFixedKey(FixedKey::kCouncil1).public_key().raw());
    op->add_additional_keys(LoadFixedKey(FixedKey::kCouncil2).public_key().raw());
    op->set_threshold(2);
    op->set_display_name("Climate Council");
    Commit(body, kOperator);
  }
  {
    pb::TransactionBody body = Body("transfer-council");
    auto* op = body.mutable_transfer();
    op->set_from_account(kAlice);
    op->set_to_account(kCouncil);
    op->mutable_credits()->set_batch(1);
    op->mutable_credits()->set_quantity(40);
    Commit(body, kAlice);
  }
  {
    pb::TransactionBody body = Body("council-keys");
    auto* op = body.mutable_set_account_keys();
    op->set_account_id(kCouncil);
    for (FixedKey key : {FixedKey::kCouncil1, FixedKey::kCouncil2, FixedKey::kCouncil3}) {
      op->add_public_keys(LoadFixedKey(key).public_key().raw());
    }
    op->set_threshold(2);
    CommitSigned(body, SignKeyed(body, kCouncil, {FixedKey::kCouncil1, FixedKey::kCouncil2}));
  }
  {
    pb::TransactionBody body = Body("council-transfer");
    auto* op = body.mutable_transfer();
    op->set_from_account(kCouncil);
    op->set_to_account(kBob);
    op->mutable_credits()->set_batch(1);
    op->mutable_credits()->set_quantity(5);
    Commit(body, kCouncil);
  }
}

pb::LeaderTerm FuzzRegistry::LeaderTermAt(uint64_t size, const Hash& root) {
  pb::LeaderTerm term;
  term.set_leader("10.0.0.1:7601");
  term.set_etcd_revision(7);
  term.set_cluster("c1");
  term.set_previous_size(size);
  term.set_previous_root(root.str());
  return term;
}

void FuzzRegistry::AddLeaderTerm() {
  const TreeHead head = registry_->log().head();
  const int64_t at = kStoryStartMicros + static_cast<int64_t>(story_.size()) * 1'000'000;
  Verdict verdict = ValueOrDie(registry_->AppendLeaderTerm(LeaderTermAt(head.size, head.root),
                                                           LoadFixedKey(FixedKey::kCheckpoint), at),
                               "append leader term");
  if (auto* rejection = std::get_if<Rejection>(&verdict)) {
    CheckOk(rejection->ToStatus(), "leader term");
  }
  story_.push_back(
      ValueOrDie(registry_->Entry(head.size), "read leader term").signed_transaction());
}

uint64_t FuzzRegistry::Commit(const pb::TransactionBody& body, std::string_view signer) {
  return CommitSigned(body, Sign(body, signer));
}

uint64_t FuzzRegistry::CommitSigned(const pb::TransactionBody& body, std::string bytes) {
  auto prepared = PrepareTransaction(bytes);
  if (auto* rejection = std::get_if<Rejection>(&prepared)) {
    CheckOk(rejection->ToStatus(), "prepare story transaction " + body.nonce());
  }
  Registry::Group group = registry_->BeginGroup();
  int64_t at = kStoryStartMicros + static_cast<int64_t>(story_.size()) * 1'000'000;
  Verdict verdict = ValueOrDie(
      registry_->Apply(group, std::move(std::get<PreparedTransaction>(prepared)), at), "apply");
  if (auto* rejection = std::get_if<Rejection>(&verdict)) {
    CheckOk(rejection->ToStatus(), "story transaction " + body.nonce());
  }
  ValueOrDie(registry_->Commit(std::move(group)), "commit");
  story_.push_back(std::move(bytes));
  return std::get<Accepted>(verdict).entry_index;
}

void FuzzRegistry::Build() {
  auto open = [&](std::string_view nonce, std::string_view id, pb::Role role, FixedKey key) {
    pb::TransactionBody body = Body(nonce);
    auto* op = body.mutable_open_account();
    op->set_account_id(std::string(id));
    op->set_role(role);
    op->set_public_key(LoadFixedKey(key).public_key().raw());
    op->set_display_name("Account " + std::string(id));
    Commit(body, kOperator);
  };
  open("open-operator", kOperator, pb::ROLE_OPERATOR, FixedKey::kOperator);
  open("open-alice", kAlice, pb::ROLE_HOLDER, FixedKey::kAlice);
  open("open-bob", kBob, pb::ROLE_HOLDER, FixedKey::kBob);
  open("open-carol", kCarol, pb::ROLE_HOLDER, FixedKey::kCarol);

  auto project = [&](std::string_view nonce, std::string_view id, std::string_view proponent,
                     std::string_view country) {
    pb::TransactionBody body = Body(nonce);
    auto* op = body.mutable_register_project();
    op->set_project_id(std::string(id));
    op->set_name("Project " + std::string(id));
    op->set_standard("VCS");
    op->set_methodology("AMS-II.G");
    op->set_country(std::string(country));
    op->set_proponent(std::string(proponent));
    Commit(body, kOperator);
  };
  project("project-ke", "ke-cookstoves-001", kAlice, "KE");
  project("project-br", "br-forest-002", kBob, "BR");

  auto issue = [&](std::string_view nonce, std::string_view project_id, uint64_t quantity,
                   std::string_view to, std::string_view ref) {
    pb::TransactionBody body = Body(nonce);
    auto* op = body.mutable_issue();
    op->set_project_id(std::string(project_id));
    op->set_vintage_start("2025-01-01");
    op->set_vintage_end("2025-12-31");
    op->set_quantity(quantity);
    op->set_to_account(std::string(to));
    op->set_verification_ref(std::string(ref));
    Commit(body, kOperator);
  };
  issue("issue-1", "ke-cookstoves-001", 1000, kAlice, "VER-2025-001");  // batch 1
  issue("issue-2", "br-forest-002", 500, kBob, "VER-2025-002");         // batch 2

  {
    pb::TransactionBody body = Body("transfer-1");
    auto* op = body.mutable_transfer();
    op->set_from_account(kAlice);
    op->set_to_account(kBob);
    op->mutable_credits()->set_batch(1);
    op->mutable_credits()->set_quantity(100);
    op->set_memo("sale 2026-001");
    Commit(body, kAlice);
  }
  {
    pb::TransactionBody body = Body("transfer-2");
    auto* op = body.mutable_transfer();
    op->set_from_account(kAlice);
    op->set_to_account(kCarol);
    *op->mutable_credits()->add_blocks() = Block(1, 201, 250);
    Commit(body, kAlice);
  }
  auto retire = [&](std::string_view nonce, std::string_view account, pb::CreditSelection credits,
                    std::string_view claim) {
    pb::TransactionBody body = Body(nonce);
    auto* op = body.mutable_retire();
    op->set_account(std::string(account));
    *op->mutable_credits() = std::move(credits);
    op->set_beneficiary("Example Forum 2026");
    op->set_reason(pb::VOLUNTARY_EVENT_OFFSET);
    op->set_details("offsetting the emissions of the event");
    op->set_country_of_use("CN");
    op->set_claim_reference(std::string(claim));
    uint64_t index = Commit(body, account);
    retirement_ids_.push_back("R" + std::to_string(index));
  };
  pb::CreditSelection credits;
  credits.set_batch(1);
  credits.set_quantity(10);
  retire("retire-1", kBob, credits, "");
  {
    pb::TransactionBody body = Body("rotate-bob");
    body.mutable_rotate_key()->set_account_id(kBob);
    body.mutable_rotate_key()->set_new_public_key(
        LoadFixedKey(FixedKey::kBobRotated).public_key().raw());
    Commit(body, kBob);
    bob_rotated_ = true;
  }
  credits.set_batch(2);
  credits.set_quantity(20);
  retire("retire-2", kBob, credits, "");
  credits.Clear();
  *credits.add_blocks() = Block(1, 901, 905);
  *credits.add_blocks() = Block(1, 911, 912);
  retire("retire-3", kAlice, credits, "INV-2026-0042");
  {
    pb::TransactionBody body = Body("cancel-1");
    auto* op = body.mutable_cancel();
    op->set_account(kAlice);
    op->mutable_credits()->set_batch(1);
    op->mutable_credits()->set_quantity(50);
    op->set_reason("buffer pool deduction");
    Commit(body, kOperator);
  }
  {
    pb::TransactionBody body = Body("suspend-carol");
    auto* op = body.mutable_set_account_status();
    op->set_account_id(kCarol);
    op->set_status(pb::ACCOUNT_SUSPENDED);
    op->set_reason("know-your-customer review");
    Commit(body, kOperator);
  }
}

}  // namespace creg::fuzz
