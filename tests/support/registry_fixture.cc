#include "tests/support/registry_fixture.h"

#include <gtest/gtest.h>

#include "ledger/log_entry.h"
#include "ledger/registry/transaction.h"

namespace creg::testing {

namespace {

StoreOptions HarnessStoreOptions() {
  StoreOptions options;
  options.create_if_missing = true;
  options.write_buffer_size = 256 << 10;
  options.block_cache_bytes = 4 << 20;
  options.sync = false;  // Process crashes are tested elsewhere; keep unit tests quick.
  return options;
}

}  // namespace

RegistryHarness::RegistryHarness(const TempDir& dir, const std::string& name)
    : path_(dir.Sub(name)) {
  Reopen();
  const PrivateKey& key = NewKeyFor(kOperator);
  pb::TransactionBody body = Body();
  body.mutable_open_account()->set_account_id(kOperator);
  body.mutable_open_account()->set_role(pb::ROLE_OPERATOR);
  body.mutable_open_account()->set_public_key(key.public_key().raw());
  body.mutable_open_account()->set_display_name("Test Registry Operator");
  Verdict v = Submit(body, kOperator);
  EXPECT_TRUE(IsAccepted(v)) << Describe(v);
}

RegistryHarness::~RegistryHarness() = default;

void RegistryHarness::Reopen() {
  registry_.reset();
  store_.reset();
  auto store = Store::Open(path_, HarnessStoreOptions(), Registry::ColumnNames());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  store_ = std::move(store).value();
  auto registry = Registry::Open(store_.get(), Options());
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  registry_ = std::move(registry).value();
}

const PrivateKey& RegistryHarness::RegistryKey() {
  static const PrivateKey key = PrivateKey::Generate().value();
  return key;
}

RegistryOptions RegistryHarness::Options() {
  RegistryOptions options;
  options.origin = kOrigin;
  options.registry_key = RegistryKey().public_key();
  return options;
}

pb::LeaderTerm RegistryHarness::NextTerm(int64_t etcd_revision) {
  pb::LeaderTerm term;
  term.set_leader("10.0.0.1:7601");
  term.set_etcd_revision(etcd_revision);
  term.set_cluster("c1");
  term.set_previous_size(registry().log().size());
  term.set_previous_root(registry().log().head().root.str());
  return term;
}

Verdict RegistryHarness::AppendTerm(const pb::LeaderTerm& term, const PrivateKey& key) {
  StatusOr<Verdict> v = registry().AppendLeaderTerm(term, key, NowMicros());
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? *v : Verdict(Rejection{RuleCode::kOk, v.status().ToString()});
}

Verdict RegistryHarness::AppendTerm(int64_t etcd_revision) {
  return AppendTerm(NextTerm(etcd_revision), RegistryKey());
}

const PrivateKey& RegistryHarness::KeyOf(const std::string& account) {
  auto it = keys_.find(account);
  if (it == keys_.end()) return NewKeyFor(account);
  return it->second;
}

const PrivateKey& RegistryHarness::NewKeyFor(const std::string& account) {
  keys_.erase(account);
  return keys_.emplace(account, PrivateKey::Generate().value()).first->second;
}

pb::TransactionBody RegistryHarness::Body() {
  pb::TransactionBody body;
  body.set_origin(kOrigin);
  body.set_nonce("n" + std::to_string(++nonce_));
  body.set_created_micros(1'800'000'000'000'000 + static_cast<int64_t>(nonce_));
  return body;
}

Verdict RegistryHarness::Submit(const pb::TransactionBody& body, const std::string& signer) {
  return SubmitSigned(SignTransaction(body, signer, KeyOf(signer)));
}

Verdict RegistryHarness::SubmitSigned(const std::string& signed_bytes) {
  StatusOr<Verdict> v = registry_->Submit(signed_bytes);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return v.ok() ? *v : Verdict(Rejection{RuleCode::kMalformed, v.status().ToString()});
}

pb::TransactionBody RegistryHarness::OpenAccountBody(const std::string& id, pb::Role role) {
  const PrivateKey& key = NewKeyFor(id);
  pb::TransactionBody body = Body();
  auto* op = body.mutable_open_account();
  op->set_account_id(id);
  op->set_role(role);
  op->set_public_key(key.public_key().raw());
  op->set_display_name("Account " + id);
  return body;
}

std::string RegistryHarness::SignedOpenAccount(const std::string& id) {
  return SignTransaction(OpenAccountBody(id), kOperator, KeyOf(kOperator));
}

Verdict RegistryHarness::OpenAccount(const std::string& id, pb::Role role) {
  return Submit(OpenAccountBody(id, role), kOperator);
}

Verdict RegistryHarness::RegisterProject(const std::string& id, const std::string& proponent,
                                         const std::string& country) {
  pb::TransactionBody body = Body();
  auto* op = body.mutable_register_project();
  op->set_project_id(id);
  op->set_name("Project " + id);
  op->set_standard("VCS");
  op->set_methodology("AMS-II.G");
  op->set_country(country);
  op->set_proponent(proponent);
  return Submit(body, kOperator);
}

Verdict RegistryHarness::Issue(const std::string& project, uint64_t quantity, const std::string& to,
                               const std::string& verification_ref) {
  pb::TransactionBody body = Body();
  auto* op = body.mutable_issue();
  op->set_project_id(project);
  op->set_vintage_start("2025-01-01");
  op->set_vintage_end("2025-12-31");
  op->set_quantity(quantity);
  op->set_to_account(to);
  op->set_verification_ref(verification_ref);
  return Submit(body, kOperator);
}

Verdict RegistryHarness::TransferQuantity(const std::string& from, const std::string& to,
                                          uint64_t batch, uint64_t quantity) {
  pb::TransactionBody body = Body();
  auto* op = body.mutable_transfer();
  op->set_from_account(from);
  op->set_to_account(to);
  op->mutable_credits()->set_batch(batch);
  op->mutable_credits()->set_quantity(quantity);
  return Submit(body, from);
}

Verdict RegistryHarness::TransferBlocks(const std::string& from, const std::string& to,
                                        const std::vector<pb::SerialBlock>& blocks) {
  pb::TransactionBody body = Body();
  auto* op = body.mutable_transfer();
  op->set_from_account(from);
  op->set_to_account(to);
  for (const auto& b : blocks) *op->mutable_credits()->add_blocks() = b;
  return Submit(body, from);
}

Verdict RegistryHarness::RetireQuantity(const std::string& account, uint64_t batch,
                                        uint64_t quantity, const std::string& beneficiary) {
  pb::TransactionBody body = Body();
  auto* op = body.mutable_retire();
  op->set_account(account);
  op->mutable_credits()->set_batch(batch);
  op->mutable_credits()->set_quantity(quantity);
  op->set_beneficiary(beneficiary);
  op->set_reason(pb::VOLUNTARY_EVENT_OFFSET);
  op->set_details("offsetting the emissions of the event");
  op->set_country_of_use("CN");
  return Submit(body, account);
}

Verdict RegistryHarness::CancelQuantity(const std::string& account, uint64_t batch,
                                        uint64_t quantity) {
  pb::TransactionBody body = Body();
  auto* op = body.mutable_cancel();
  op->set_account(account);
  op->mutable_credits()->set_batch(batch);
  op->mutable_credits()->set_quantity(quantity);
  op->set_reason("buffer pool deduction");
  return Submit(body, kOperator);
}

Verdict RegistryHarness::AddLabel(const std::string& label,
                                  const std::vector<pb::SerialBlock>& blocks,
                                  const std::string& reference) {
  pb::TransactionBody body = Body();
  pb::Label* op = body.mutable_label();
  op->set_action(pb::LABEL_ADD);
  op->set_label(label);
  op->set_reference(reference);
  for (const pb::SerialBlock& b : blocks) *op->mutable_credits()->add_blocks() = b;
  return Submit(body, kOperator);
}

pb::TransactionBody RegistryHarness::AuthorizeBody(const std::vector<pb::SerialBlock>& blocks,
                                                   const std::vector<pb::AuthorizedUse>& uses,
                                                   pb::FirstTransfer first_transfer) {
  pb::TransactionBody body = Body();
  pb::Authorize* op = body.mutable_authorize();
  for (const pb::SerialBlock& b : blocks) *op->mutable_credits()->add_blocks() = b;
  pb::Article6Authorization* a = op->mutable_authorization();
  a->set_party("GH");
  a->set_reference("GH LoA 2026-001");
  a->set_date("2026-03-02");
  for (pb::AuthorizedUse use : uses) a->add_uses(use);
  a->set_first_transfer(first_transfer);
  return body;
}

Verdict RegistryHarness::Authorize(const std::vector<pb::SerialBlock>& blocks,
                                   const std::vector<pb::AuthorizedUse>& uses,
                                   pb::FirstTransfer first_transfer) {
  return Submit(AuthorizeBody(blocks, uses, first_transfer), kOperator);
}

pb::TransactionBody RegistryHarness::AdjustBody(const std::vector<pb::SerialBlock>& blocks,
                                                pb::AdjustmentStatus status,
                                                const std::string& reference) {
  pb::TransactionBody body = Body();
  pb::CorrespondingAdjustment* op = body.mutable_corresponding_adjustment();
  for (const pb::SerialBlock& b : blocks) *op->mutable_credits()->add_blocks() = b;
  op->set_status(status);
  op->set_reference(reference);
  return body;
}

Verdict RegistryHarness::Adjust(const std::vector<pb::SerialBlock>& blocks,
                                pb::AdjustmentStatus status, const std::string& reference) {
  return Submit(AdjustBody(blocks, status, reference), kOperator);
}

pb::TransactionBody RegistryHarness::RetireBody(const std::string& account, uint64_t batch,
                                                uint64_t quantity, pb::CreditUse use,
                                                const std::string& using_entity) {
  pb::TransactionBody body = Body();
  auto* op = body.mutable_retire();
  op->set_account(account);
  op->mutable_credits()->set_batch(batch);
  op->mutable_credits()->set_quantity(quantity);
  op->set_beneficiary("Example Forum 2026");
  op->set_reason(pb::COMPLIANCE);
  op->set_use(use);
  op->set_using_entity(using_entity);
  return body;
}

pb::TransactionBody RegistryHarness::CancelBody(const std::string& account, uint64_t batch,
                                                uint64_t quantity, pb::CreditUse use,
                                                const std::string& using_entity) {
  pb::TransactionBody body = Body();
  auto* op = body.mutable_cancel();
  op->set_account(account);
  op->mutable_credits()->set_batch(batch);
  op->mutable_credits()->set_quantity(quantity);
  op->set_reason("cancelled for use towards the host party's NDC");
  op->set_use(use);
  op->set_using_entity(using_entity);
  return body;
}

pb::SerialBlock Serials(uint64_t batch, uint64_t first, uint64_t last) {
  pb::SerialBlock b;
  b.set_batch(batch);
  b.set_first(first);
  b.set_last(last);
  return b;
}

bool IsAccepted(const Verdict& v) { return std::holds_alternative<Accepted>(v); }

RuleCode RejectionCode(const Verdict& v) {
  return IsAccepted(v) ? RuleCode::kOk : std::get<Rejection>(v).code;
}

std::string Describe(const Verdict& v) {
  if (IsAccepted(v))
    return "accepted at entry " + std::to_string(std::get<Accepted>(v).entry_index);
  return "refused: " + std::get<Rejection>(v).ToString();
}

void ExpectRefusedAndNothingWritten(RegistryHarness& h, const pb::TransactionBody& body,
                                    const std::string& signer, RuleCode code,
                                    const std::string& prefix) {
  ExpectRefusedAndNothingWritten(
      h, [&] { return h.Submit(body, signer); }, code, prefix);
}

void ExpectRefusedAndNothingWritten(RegistryHarness& h, const std::function<Verdict()>& write,
                                    RuleCode code, const std::string& prefix) {
  const Hash digest = h.registry().StateDigest().value();
  const uint64_t size = h.registry().log().size();
  Verdict v = write();
  ASSERT_FALSE(IsAccepted(v)) << Describe(v);
  EXPECT_EQ(RejectionCode(v), code) << Describe(v);
  EXPECT_EQ(std::get<Rejection>(v).message.rfind(prefix, 0), 0u) << Describe(v);
  EXPECT_EQ(h.registry().StateDigest().value(), digest);
  EXPECT_EQ(h.registry().log().size(), size);
}

const Accepted& AcceptedOf(const Verdict& v) { return std::get<Accepted>(v); }

std::string Resigned(const std::string& signed_transaction, const PrivateKey& key) {
  pb::SignedTransaction envelope;
  EXPECT_TRUE(envelope.ParseFromString(signed_transaction));
  envelope.set_signature(key.Sign(TransactionSigningMessage(envelope.body())));
  return envelope.SerializeAsString();
}

ReplicaRegistry::ReplicaRegistry() {
  StoreOptions options;
  options.create_if_missing = true;
  options.sync = false;
  store = Store::Open(dir.Sub("replica"), options, Registry::ColumnNames()).value();
  registry = Registry::Open(store.get(), RegistryHarness::Options()).value();
}

}  // namespace creg::testing
