#include "node/witness_client.h"

#include "client/http_client.h"
#include "ledger/witness_protocol.h"
#include "net/address.h"

namespace creg {
namespace {

// Answers from a witness are small: a few signature lines or a size.
constexpr size_t kMaxAnswerBytes = 16 << 10;

}  // namespace

StatusOr<WitnessConfig> ParseWitnessFlag(std::string_view flag) {
  const size_t eq = flag.find('=');
  if (eq == std::string_view::npos) {
    return InvalidArgumentError("--witness '" + std::string(flag) +
                                "' is not URL=VERIFIER_KEY (e.g. http://127.0.0.1:7700=w1+...)");
  }
  struct {
    std::string url, address, prefix;
  } config{std::string(flag.substr(0, eq)), "", ""};
  std::string_view url = config.url;
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return InvalidArgumentError("witness URL '" + config.url + "' does not start with http://");
  }
  std::string_view rest = url.substr(kScheme.size());
  const size_t slash = rest.find('/');
  config.address = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) config.prefix = std::string(rest.substr(slash));
  while (!config.prefix.empty() && config.prefix.back() == '/') config.prefix.pop_back();
  if (config.prefix.find_first_of("?#") != std::string::npos) {
    return InvalidArgumentError("witness URL '" + config.url + "' has a query or fragment");
  }
  Status address = ParseHostPort(config.address).status();
  if (!address.ok()) {
    return InvalidArgumentError("witness URL '" + config.url + "': " + address.message());
  }
  auto verifier = CosignatureVerifier::FromVerifierKey(flag.substr(eq + 1));
  if (!verifier.ok()) {
    return InvalidArgumentError("witness key for " + config.url + ": " +
                                verifier.status().message());
  }
  return WitnessConfig{std::move(config.url), std::move(config.address), std::move(config.prefix),
                       *std::move(verifier)};
}

WitnessClient::WitnessClient(WitnessConfig config, const MerkleLog& log,
                             std::chrono::milliseconds timeout)
    : config_(std::move(config)), log_(log), timeout_(timeout) {}

StatusOr<std::string> WitnessClient::Cosign(const SignedCheckpoint& checkpoint) {
  const uint64_t size = checkpoint.checkpoint.size;
  HttpExchangeOptions options;
  options.timeout = timeout_;
  options.max_body_bytes = kMaxAnswerBytes;
  const std::string who = "witness " + config_.url;
  // At most two requests: the second with the size a 409 told.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const uint64_t old_size = known_size_.load();
    if (old_size > size) {
      return FailedPreconditionError(who + " holds size " + std::to_string(old_size) +
                                     ", larger than this checkpoint's " + std::to_string(size) +
                                     ": it cosigned another (newer or forked) tree");
    }
    std::vector<Hash> proof;
    if (old_size > 0 && old_size < size) {
      CREG_ASSIGN_OR_RETURN(proof, log_.ConsistencyProof(old_size, size));
    }
    CREG_ASSIGN_OR_RETURN(HttpExchangeAnswer answer,
                          HttpPost(config_.address, config_.prefix + "/add-checkpoint",
                                   AddCheckpointBody(old_size, proof, checkpoint.note), options));
    if (answer.status == 200) {
      CREG_ASSIGN_OR_RETURN(std::string line, CosignationLine(checkpoint, answer.body));
      known_size_.store(size);
      return line;
    }
    if (answer.status == 409 && answer.content_type == kTlogSizeContentType) {
      auto held = ParseTreeSizeBody(answer.body);
      if (!held.ok()) {
        return DataLossError(who +
                             " answered 409 with a malformed size: " + held.status().message());
      }
      if (*held == old_size) break;  // same size, another root: a fork
      if (*held > size) {
        // Not remembered: one forged or stale answer must not cut the
        // witness off; the next round asks again from what it cosigned.
        return FailedPreconditionError(who + " says it holds size " + std::to_string(*held) +
                                       ", larger than this checkpoint's " + std::to_string(size) +
                                       ": it cosigned another (newer or forked) tree");
      }
      known_size_.store(*held);
      continue;
    }
    return FailedPreconditionError(who + " refused size " + std::to_string(size) + ": HTTP " +
                                   std::to_string(answer.status) + " " + BodyExcerpt(answer.body));
  }
  return FailedPreconditionError(who + " refused size " + std::to_string(size) +
                                 ": it holds size " + std::to_string(known_size_.load()) +
                                 " with another root (a fork)");
}

StatusOr<std::string> WitnessClient::CosignationLine(const SignedCheckpoint& checkpoint,
                                                     std::string_view body) const {
  const CosignatureVerifier verifiers[] = {config_.verifier};
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find('\n', start);
    if (end == std::string_view::npos) break;
    std::string line(body.substr(start, end + 1 - start));
    start = end + 1;
    auto verified = VerifyCosignatures(checkpoint.note + line, verifiers);
    if (verified.ok() && verified->cosignatures.size() == 1) return line;
  }
  return DataLossError("witness " + config_.url +
                       " answered 200 without a valid cosignature from " + config_.verifier.name() +
                       ": " + BodyExcerpt(body));
}

}  // namespace creg
