// For tests that submit straight to a CommitPipeline (node/commit_pipeline.h)
// on a RegistryHarness: what it answered one submission, and a checkpointer
// of the harness's log.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include "ledger/keys.h"
#include "node/checkpointer.h"
#include "node/commit_pipeline.h"
#include "tests/support/registry_fixture.h"

namespace creg::testing {

// One submission's answer, waited for with a deadline. Thread-safe.
class PipelineAnswer {
 public:
  CommitPipeline::Callback Callback() {
    return [this](StatusOr<Judgement> verdict) {
      std::lock_guard lock(mu_);
      verdict_.emplace(std::move(verdict));
      cv_.notify_all();
    };
  }
  bool answered() {
    std::lock_guard lock(mu_);
    return verdict_.has_value();
  }
  // The answer; a kInternal "no answer" if none came within `patience`.
  StatusOr<Judgement> Wait(std::chrono::milliseconds patience = std::chrono::seconds(30)) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, patience, [&] { return verdict_.has_value(); }))
      return InternalError("no answer within the deadline");
    return *verdict_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<StatusOr<Judgement>> verdict_;
};

// The committed answer, or null for a refusal or an error.
inline const Committed* CommittedOf(const StatusOr<Judgement>& verdict) {
  return verdict.ok() ? std::get_if<Committed>(&*verdict) : nullptr;
}

// The answer in words, for failure messages.
inline std::string Describe(const StatusOr<Judgement>& verdict) {
  if (!verdict.ok()) return verdict.status().ToString();
  if (const auto* c = std::get_if<Committed>(&*verdict))
    return "committed at " + std::to_string(c->accepted.entry_index);
  return "refused: " + std::get<Rejection>(*verdict).ToString();
}

// A checkpointer of `harness`'s log with a fresh key, saving to `path`,
// that signed (and published) the log's head.
inline std::unique_ptr<Checkpointer> SignedCheckpointer(RegistryHarness& harness,
                                                        const std::string& path) {
  NoteSigner signer =
      NoteSigner::Create(RegistryHarness::kOrigin, PrivateKey::Generate().value()).value();
  auto checkpointer = std::make_unique<Checkpointer>(harness.registry().log(), std::move(signer),
                                                     RegistryHarness::kOrigin, path);
  EXPECT_TRUE(checkpointer->SignHead().ok());
  return checkpointer;
}

}  // namespace creg::testing
