#include "tools/bench/scale_workload.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace creg::bench {
namespace {

constexpr uint64_t kSeed = 20261205;
constexpr size_t kRetirementSample = 10'000;

// Draw weights per kind, chosen so that entries come out 2% issuances, 60%
// transfers (a pair to the broker and on to a holder counts two), 30%
// retirements and 8% account events (a pair).
constexpr double kIssue = 2, kBrokerPair = 10, kTransfer = 40, kRetire = 30, kEventPair = 4;

constexpr std::array<const char*, 8> kCountries = {"KE", "BR", "IN", "ID", "DE", "US", "CN", "NO"};

std::string Padded(const std::string& prefix, size_t i) {
  std::string digits = std::to_string(i);
  if (digits.size() < 5) digits.insert(0, 5 - digits.size(), '0');
  return prefix + digits;
}

}  // namespace

ScaleShape ScaleShape::For(uint64_t entries) {
  ScaleShape shape;
  shape.entries = entries;
  shape.accounts = static_cast<size_t>(std::clamp<uint64_t>(entries / 100, 20, 10'000));
  shape.projects = static_cast<size_t>(std::clamp<uint64_t>(entries / 1000, 2, 1'000));
  shape.beneficiaries = static_cast<size_t>(std::max<uint64_t>(entries / 1000, 10));
  return shape;
}

ScalePlan::Zipf::Zipf(size_t n) : cdf_(std::max<size_t>(n, 1)) {
  double sum = 0;
  for (size_t i = 0; i < cdf_.size(); ++i) cdf_[i] = sum += 1.0 / static_cast<double>(i + 1);
  for (double& c : cdf_) c /= sum;
}

size_t ScalePlan::Zipf::operator()(std::mt19937_64& rng) const {
  const double u = std::uniform_real_distribution<double>(0, 1)(rng);
  auto it = std::lower_bound(cdf_.begin(), cdf_.end(), u);
  return std::min<size_t>(static_cast<size_t>(it - cdf_.begin()), cdf_.size() - 1);
}

ScalePlan::ScalePlan(const ScaleShape& shape, uint64_t first_index)
    : shape_(shape),
      rng_(kSeed),
      holder_zipf_(shape.accounts - 2 - shape.projects),
      project_zipf_(shape.projects),
      beneficiary_zipf_(shape.beneficiaries),
      next_index_(first_index) {}

StatusOr<ScalePlan> ScalePlan::Create(const ScaleShape& shape, std::string origin,
                                      std::string operator_id, PrivateKey operator_key,
                                      uint64_t first_index) {
  if (shape.accounts < shape.projects + 3) {
    return InvalidArgumentError("a scale registry needs more accounts than projects + 3");
  }
  ScalePlan plan(shape, first_index);
  plan.ids_.push_back(std::move(operator_id));
  plan.public_keys_.push_back(operator_key.public_key().raw());
  plan.keys_.push_back(std::move(operator_key));
  plan.ids_.push_back("broker");
  for (size_t p = 0; p < shape.projects; ++p) plan.ids_.push_back(Padded("dev-", p));
  for (size_t h = 0; h < plan.holders(); ++h) plan.ids_.push_back(Padded("acct-", h));
  // Fresh keys: a registry reused later is only read, never signed for.
  for (size_t i = 1; i < plan.ids_.size(); ++i) {
    CREG_ASSIGN_OR_RETURN(PrivateKey key, PrivateKey::Generate());
    plan.public_keys_.push_back(key.public_key().raw());
    plan.keys_.push_back(std::move(key));
  }
  plan.lots_.resize(plan.ids_.size());
  plan.origin_ = std::move(origin);
  plan.Setup();
  return plan;
}

std::string ScalePlan::Beneficiary(size_t i) const {
  return "Beneficiary " + std::to_string(i) + " Ltd";
}

std::string ScalePlan::ProjectId(size_t project) const { return Padded("proj-", project); }

pb::TransactionBody ScalePlan::Body() {
  pb::TransactionBody body;
  body.set_origin(origin_);
  body.set_nonce("s" + std::to_string(nonce_++));
  return body;
}

uint64_t ScalePlan::LogUniform(double low, double high) {
  const double e = std::uniform_real_distribution<double>(std::log(low), std::log(high))(rng_);
  return static_cast<uint64_t>(std::exp(e));
}

void ScalePlan::Setup() {
  auto queue = [&](pb::TransactionBody body, size_t signer) {
    queue_.push_back(PlannedTx{std::move(body), signer});
    ++next_index_;
    ++counts_.setup;
  };
  for (size_t a = 1; a < ids_.size(); ++a) {
    pb::TransactionBody body = Body();
    auto* open = body.mutable_open_account();
    open->set_account_id(ids_[a]);
    open->set_role(pb::ROLE_HOLDER);
    open->set_public_key(public_keys_[a]);
    open->set_display_name(a == kBroker ? "Broker" : "Organisation " + std::to_string(a));
    queue(std::move(body), kOperator);
  }
  for (size_t p = 0; p < shape_.projects; ++p) {
    pb::TransactionBody body = Body();
    auto* reg = body.mutable_register_project();
    reg->set_project_id(ProjectId(p));
    reg->set_name("Project " + std::to_string(p));
    reg->set_standard(p % 2 == 0 ? "VCS" : "GS");
    reg->set_methodology("ACM0002");
    reg->set_country(kCountries[p % kCountries.size()]);
    reg->set_proponent(ids_[Developer(p)]);
    queue(std::move(body), kOperator);
  }
  for (size_t p = 0; p < shape_.projects; ++p) {
    Issue(p);
    --counts_.issuances;
    ++counts_.setup;
  }
}

void ScalePlan::Issue(size_t project) {
  const uint64_t quantity = LogUniform(1e3, 1e7);
  const uint64_t batch = batches_.size() + 1;
  pb::TransactionBody body = Body();
  auto* op = body.mutable_issue();
  op->set_project_id(ProjectId(project));
  const int year = 2015 + static_cast<int>(batch % 11);
  op->set_vintage_start(std::to_string(year) + "-01-01");
  op->set_vintage_end(std::to_string(year) + "-12-31");
  op->set_quantity(quantity);
  op->set_to_account(ids_[Developer(project)]);
  op->set_verification_ref("VR-" + std::to_string(batch));
  queue_.push_back(PlannedTx{std::move(body), kOperator});
  ++next_index_;
  ++counts_.issuances;
  batches_.push_back(BatchInfo{quantity, 0});
  lots_[Developer(project)].push_back(Lot{batch, quantity});
}

// Moves `quantity` of lot `lot` of `from` to `to` (queued as a transfer).
void ScalePlan::Move(size_t from, size_t to, size_t lot, uint64_t quantity) {
  Lot& source = lots_[from][lot];
  const uint64_t batch = source.batch;
  pb::TransactionBody body = Body();
  auto* op = body.mutable_transfer();
  op->set_from_account(ids_[from]);
  op->set_to_account(ids_[to]);
  op->mutable_credits()->set_batch(batch);
  op->mutable_credits()->set_quantity(quantity);
  queue_.push_back(PlannedTx{std::move(body), from});
  ++next_index_;
  ++counts_.transfers;
  if (from >= 2 && from < 2 + shape_.projects) batches_[batch - 1].moved += quantity;
  source.quantity -= quantity;
  if (source.quantity == 0) {
    lots_[from][lot] = lots_[from].back();
    lots_[from].pop_back();
  }
  if (to != kBroker) lots_[to].push_back(Lot{batch, quantity});
}

void ScalePlan::Retire(size_t account, size_t lot, uint64_t quantity) {
  Lot& source = lots_[account][lot];
  pb::TransactionBody body = Body();
  auto* op = body.mutable_retire();
  op->set_account(ids_[account]);
  op->mutable_credits()->set_batch(source.batch);
  op->mutable_credits()->set_quantity(quantity);
  op->set_beneficiary(Beneficiary(beneficiary_zipf_(rng_)));
  op->set_reason(static_cast<pb::RetirementReason>(1 + rng_() % 5));
  op->set_country_of_use(kCountries[rng_() % kCountries.size()]);
  if (account >= 2 && account < 2 + shape_.projects) {
    batches_[source.batch - 1].moved += quantity;
  }
  const std::string id = "R" + std::to_string(next_index_);
  queue_.push_back(PlannedTx{std::move(body), account});
  ++next_index_;
  ++counts_.retirements;
  // A uniform sample of every retirement so far (reservoir sampling).
  ++retirements_seen_;
  if (retirements_.size() < kRetirementSample) {
    retirements_.push_back(id);
  } else if (uint64_t slot = rng_() % retirements_seen_; slot < kRetirementSample) {
    retirements_[slot] = id;
  }
  source.quantity -= quantity;
  if (source.quantity == 0) {
    lots_[account][lot] = lots_[account].back();
    lots_[account].pop_back();
  }
}

// A developer gives credits of one of its batches to a holder, or one
// credit to the broker and then one to a holder (so that the broker's
// serials of a batch are never adjacent: a developer sends its lowest
// serials and receives none). False if the developer drawn has too little.
bool ScalePlan::DeveloperTransfer(bool to_broker) {
  const size_t developer = Developer(project_zipf_(rng_));
  std::vector<Lot>& lots = lots_[developer];
  if (lots.empty()) return false;
  const size_t lot = rng_() % lots.size();
  const size_t holder = Holder(holder_zipf_(rng_));
  if (to_broker) {
    if (lots[lot].quantity < 2) return false;
    Move(developer, kBroker, lot, 1);
    ++counts_.to_broker;
    Move(developer, holder, lot, 1);
    return true;
  }
  Move(developer, holder, lot, std::min(lots[lot].quantity, LogUniform(1, 1000)));
  return true;
}

void ScalePlan::HolderTransfer() {
  const size_t from = Holder(holder_zipf_(rng_));
  size_t to = Holder(holder_zipf_(rng_));
  if (to == from) to = Holder((to - Holder(0) + 1) % holders());
  if (lots_[from].empty() || to == from) {
    if (!DeveloperTransfer(false)) Issue(project_zipf_(rng_));
    return;
  }
  const size_t lot = rng_() % lots_[from].size();
  Move(from, to, lot, std::min(lots_[from][lot].quantity, LogUniform(1, 50)));
}

void ScalePlan::Retirement() {
  size_t account = Holder(holder_zipf_(rng_));
  if (lots_[account].empty() || rng_() % 5 == 0) account = Developer(project_zipf_(rng_));
  if (lots_[account].empty()) {
    Issue(project_zipf_(rng_));
    return;
  }
  const size_t lot = rng_() % lots_[account].size();
  Retire(account, lot, std::min(lots_[account][lot].quantity, LogUniform(1, 20)));
}

void ScalePlan::AccountEvent() {
  const size_t holder = Holder(holder_zipf_(rng_));
  for (pb::AccountStatus status : {pb::ACCOUNT_SUSPENDED, pb::ACCOUNT_ACTIVE}) {
    pb::TransactionBody body = Body();
    auto* op = body.mutable_set_account_status();
    op->set_account_id(ids_[holder]);
    op->set_status(status);
    op->set_reason(status == pb::ACCOUNT_SUSPENDED ? "KYC review" : "KYC review passed");
    queue_.push_back(PlannedTx{std::move(body), kOperator});
    ++next_index_;
    ++counts_.account_events;
  }
}

void ScalePlan::Draw() {
  constexpr double kTotal = kIssue + kBrokerPair + kTransfer + kRetire + kEventPair;
  double u = std::uniform_real_distribution<double>(0, kTotal)(rng_);
  if ((u -= kIssue) < 0) return Issue(project_zipf_(rng_));
  if ((u -= kBrokerPair) < 0) {
    if (!DeveloperTransfer(true)) Issue(project_zipf_(rng_));
    return;
  }
  if ((u -= kTransfer) < 0) {
    if (rng_() % 2 == 0) return HolderTransfer();
    if (!DeveloperTransfer(false)) Issue(project_zipf_(rng_));
    return;
  }
  if ((u -= kRetire) < 0) return Retirement();
  AccountEvent();
}

std::vector<PlannedTx> ScalePlan::Next(size_t n) {
  std::vector<PlannedTx> out;
  out.reserve(n);
  while (out.size() < n) {
    if (queue_.empty()) Draw();
    out.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return out;
}

std::string ScalePlan::SomeAccount(std::mt19937_64& rng) const {
  if (rng() % 10 == 0) return broker();
  return ids_[Holder(holder_zipf_(rng))];
}

uint64_t ScalePlan::SomeBatch(std::mt19937_64& rng) const {
  return batches_.empty() ? 0 : 1 + rng() % batches_.size();
}

std::pair<uint64_t, uint64_t> ScalePlan::SomeMovedSerial(std::mt19937_64& rng) const {
  for (int attempt = 0; attempt < 64; ++attempt) {
    const uint64_t batch = SomeBatch(rng);
    if (batch == 0) break;
    const BatchInfo& info = batches_[batch - 1];
    if (info.moved > 0) return {batch, 1 + rng() % info.moved};
  }
  return {1, 1};
}

std::string ScalePlan::SomeRetirement(std::mt19937_64& rng) const {
  return retirements_.empty() ? "" : retirements_[rng() % retirements_.size()];
}

std::string ScalePlan::SomeBeneficiary(std::mt19937_64& rng) const {
  return Beneficiary(beneficiary_zipf_(rng));
}

std::string ScalePlan::SomeProject(std::mt19937_64& rng) const {
  return ProjectId(shape_.projects == 0 ? 0 : rng() % shape_.projects);
}

}  // namespace creg::bench
