#include "node/publisher.h"

#include <algorithm>

#include "node/log.h"

namespace creg {

Publisher::Publisher(Checkpointer& checkpointer,
                     std::vector<std::unique_ptr<WitnessClient>> witnesses,
                     PublisherOptions options)
    : checkpointer_(checkpointer),
      witnesses_(std::move(witnesses)),
      options_(options),
      errors_(witnesses_.size(), "not asked yet") {
  if (options_.quorum == 0 || options_.quorum > witnesses_.size()) {
    options_.quorum = witnesses_.size();
  }
}

Publisher::~Publisher() { Stop(); }

void Publisher::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void Publisher::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Publisher::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  wake_.notify_all();
}

PublicationStatus Publisher::status() const {
  PublicationStatus out;
  out.quorum = options_.quorum;
  std::lock_guard lock(mu_);
  out.fault = fault_;
  for (size_t i = 0; i < witnesses_.size(); ++i) {
    out.witnesses.push_back(
        {witnesses_[i]->config().url, witnesses_[i]->cosigned_size(), errors_[i]});
  }
  return out;
}

void Publisher::Loop() {
  std::chrono::milliseconds backoff = options_.retry_min;
  std::unique_lock lock(mu_);
  while (!stop_) {
    auto target = checkpointer_.latest_committed();
    auto published = checkpointer_.latest();
    const bool behind =
        target && (!published || published->checkpoint.size < target->checkpoint.size);
    if (!behind) {
      wake_.wait(lock, [this] { return stop_ || woken_; });
      woken_ = false;
      continue;
    }
    woken_ = false;
    lock.unlock();
    std::string fault = Round(target);
    lock.lock();
    const bool was_failing = !fault_.empty();
    fault_ = fault;
    if (fault.empty()) {
      if (was_failing)
        LogInfo("witnesses cosign again; published size " +
                std::to_string(target->checkpoint.size));
      backoff = options_.retry_min;
      continue;
    }
    if (!was_failing) LogWarning("cannot publish: " + fault);
    wake_.wait_for(lock, backoff, [this] { return stop_; });
    backoff = std::min(backoff * 2, options_.retry_max);
  }
}

std::string Publisher::Round(const std::shared_ptr<const SignedCheckpoint>& target) {
  // Results land here; the round publishes as soon as `quorum` verified,
  // and ends once every request finished (each is bounded by its timeout).
  struct Shared {
    std::mutex mu;
    std::condition_variable done;
    std::vector<std::optional<StatusOr<std::string>>> results;
    size_t cosigned = 0;
    size_t finished = 0;
  } shared;
  shared.results.resize(witnesses_.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < witnesses_.size(); ++i) {
    threads.emplace_back([this, i, &shared, &target] {
      StatusOr<std::string> line = witnesses_[i]->Cosign(*target);
      std::lock_guard lock(shared.mu);
      if (line.ok()) ++shared.cosigned;
      ++shared.finished;
      shared.results[i] = std::move(line);
      shared.done.notify_all();
    });
  }
  bool published = false;
  {
    std::unique_lock lock(shared.mu);
    shared.done.wait(lock, [&] {
      return shared.cosigned >= options_.quorum || shared.finished == witnesses_.size();
    });
    if (shared.cosigned >= options_.quorum) {
      auto cosigned = std::make_shared<SignedCheckpoint>(*target);
      for (const auto& result : shared.results) {
        if (result && result->ok()) cosigned->note += **result;
      }
      checkpointer_.Publish(std::move(cosigned));
      published = true;
    }
  }
  for (std::thread& t : threads) t.join();
  std::lock_guard lock(mu_);
  size_t failed = 0;
  std::string first_error;
  for (size_t i = 0; i < witnesses_.size(); ++i) {
    const auto& result = shared.results[i];
    errors_[i] = result->ok() ? std::string() : std::string(result->status().message());
    if (!result->ok() && first_error.empty()) first_error = errors_[i];
    failed += result->ok() ? 0 : 1;
  }
  if (published) return "";
  return "size " + std::to_string(target->checkpoint.size) + " has " +
         std::to_string(witnesses_.size() - failed) + " of the " + std::to_string(options_.quorum) +
         " cosignatures it needs; " + first_error;
}

}  // namespace creg
