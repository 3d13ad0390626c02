#include "tools/bench/workload.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <chrono>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "ledger/registry/transaction.h"

namespace creg::bench {

namespace {

using Clock = std::chrono::steady_clock;

using VerifyOnce = std::function<bool()>;

// Calls `verify` over and over until `until`; returns the count of successes.
uint64_t VerifyUntil(const VerifyOnce& verify, Clock::time_point until) {
  uint64_t done = 0;
  while (Clock::now() < until) {
    for (int i = 0; i < 256; ++i) done += verify() ? 1 : 0;
  }
  return done;
}

// Runs `verify` on `threads` threads over one shared window of `seconds`.
double RateOnThreads(size_t threads, double seconds, const VerifyOnce& verify) {
  // One window for all threads: each starts at `start` and stops at `until`.
  const auto start = Clock::now() + std::chrono::milliseconds(10);
  const auto until =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<uint64_t> done(threads, 0);
  std::vector<std::thread> workers;
  for (size_t i = 0; i < threads; ++i) {
    workers.emplace_back([&, i] {
      std::this_thread::sleep_until(start);
      done[i] = VerifyUntil(verify, until);
    });
  }
  for (std::thread& worker : workers) worker.join();
  uint64_t total = 0;
  for (uint64_t count : done) total += count;
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  return static_cast<double>(total) / elapsed;
}

struct OpensslFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

double MeasureVerifyRate(double seconds) { return MeasureVerifyRateOnThreads(1, seconds); }

double MeasureVerifyRateOnThreads(size_t threads, double seconds) {
  PrivateKey key = PrivateKey::Generate().value();
  const std::string message(200, 'm');
  const std::string signature = key.Sign(message);
  const PublicKey public_key = key.public_key();
  return RateOnThreads(threads, seconds, [&] { return public_key.Verify(message, signature); });
}

double MeasureOpensslVerifyRateOnThreads(size_t threads, double seconds) {
  PrivateKey key = PrivateKey::Generate().value();
  const std::string message(200, 'm');
  const std::string signature = key.Sign(message);
  const std::string raw = key.public_key().raw();
  // Shared and only read, as creg's PublicKey shared its EVP_PKEY when it
  // used OpenSSL; each check makes its own context.
  std::unique_ptr<EVP_PKEY, OpensslFree> pkey(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(raw.data()), raw.size()));
  if (pkey == nullptr) return 0;
  const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
  const auto* msg = reinterpret_cast<const unsigned char*>(message.data());
  return RateOnThreads(threads, seconds, [&] {
    std::unique_ptr<EVP_MD_CTX, OpensslFree> ctx(EVP_MD_CTX_new());
    bool ok = ctx != nullptr &&
              EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) == 1 &&
              EVP_DigestVerify(ctx.get(), sig, signature.size(), msg, message.size()) == 1;
    if (!ok) ERR_clear_error();
    return ok;
  });
}

pb::TransactionBody Workload::Body(const std::string& nonce) const {
  pb::TransactionBody body;
  body.set_origin(origin);
  body.set_nonce(run_id + "-" + nonce);
  return body;
}

std::string Workload::HolderId(size_t i) const { return "b" + run_id + "-h" + std::to_string(i); }

StatusOr<std::vector<Holder>> FundHolders(const Workload& w, const Submit& submit, size_t holders,
                                          uint64_t credits) {
  std::vector<Holder> out;
  pb::TransactionBody project = w.Body("project");
  auto* reg = project.mutable_register_project();
  reg->set_project_id("bench-" + w.run_id);
  reg->set_name("Benchmark project");
  reg->set_standard("VCS");
  reg->set_methodology("BENCH");
  reg->set_country("KE");
  reg->set_proponent(w.operator_id);
  CREG_RETURN_IF_ERROR(submit(SignTransaction(project, w.operator_id, w.operator_key())).status());
  for (size_t i = 0; i < holders; ++i) {
    CREG_ASSIGN_OR_RETURN(PrivateKey key, PrivateKey::Generate());
    std::string id = w.HolderId(i);
    pb::TransactionBody open = w.Body("open-" + id);
    open.mutable_open_account()->set_account_id(id);
    open.mutable_open_account()->set_role(pb::ROLE_HOLDER);
    open.mutable_open_account()->set_public_key(key.public_key().raw());
    CREG_RETURN_IF_ERROR(submit(SignTransaction(open, w.operator_id, w.operator_key())).status());
    pb::TransactionBody issue = w.Body("issue-" + id);
    auto* op = issue.mutable_issue();
    op->set_project_id("bench-" + w.run_id);
    op->set_vintage_start("2025-01-01");
    op->set_vintage_end("2025-12-31");
    op->set_quantity(credits);
    op->set_to_account(id);
    op->set_verification_ref("VR-" + id);
    CREG_ASSIGN_OR_RETURN(pb::Effects issued,
                          submit(SignTransaction(issue, w.operator_id, w.operator_key())));
    out.push_back(Holder{std::move(key), issued.batch()});
  }
  return out;
}

std::string SignTransfer(const Workload& w, const std::vector<Holder>& holders, size_t from,
                         uint64_t n) {
  std::string from_id = w.HolderId(from);
  pb::TransactionBody body = w.Body(from_id + "-t" + std::to_string(n));
  body.mutable_transfer()->set_from_account(from_id);
  body.mutable_transfer()->set_to_account(
      holders.size() > 1 ? w.HolderId((from + 1) % holders.size()) : w.operator_id);
  body.mutable_transfer()->mutable_credits()->set_batch(holders[from].batch);
  body.mutable_transfer()->mutable_credits()->set_quantity(1);
  return SignTransaction(body, from_id, holders[from].key);
}

}  // namespace creg::bench
