#include "ledger/witness_protocol.h"

#include "ledger/encoding.h"

namespace creg {
namespace {

constexpr std::string_view kOldPrefix = "old ";

Status Malformed(const std::string& why) {
  return InvalidArgumentError("malformed add-checkpoint body: " + why);
}

}  // namespace

std::string AddCheckpointBody(uint64_t old_size, std::span<const Hash> proof,
                              std::string_view note) {
  std::string body = "old " + std::to_string(old_size) + "\n";
  for (const Hash& h : proof) {
    body += h.ToBase64();
    body += "\n";
  }
  body += "\n";
  body += note;
  return body;
}

StatusOr<AddCheckpointRequest> ParseAddCheckpointBody(std::string_view body) {
  AddCheckpointRequest request;
  size_t nl = body.find('\n');
  if (nl == std::string_view::npos) return Malformed("no \"old <size>\" line");
  std::string_view line = body.substr(0, nl);
  if (line.substr(0, kOldPrefix.size()) != kOldPrefix) {
    return Malformed("first line is not \"old <size>\"");
  }
  StatusOr<uint64_t> old_size = ParseDecimalUint64(line.substr(kOldPrefix.size()), "old size");
  if (!old_size.ok()) return Malformed(old_size.status().message());
  request.old_size = *old_size;
  body.remove_prefix(nl + 1);
  for (;;) {
    nl = body.find('\n');
    if (nl == std::string_view::npos) return Malformed("no blank line before the checkpoint");
    line = body.substr(0, nl);
    body.remove_prefix(nl + 1);
    if (line.empty()) break;
    if (request.proof.size() == kMaxWitnessProofLines) {
      return Malformed("more than " + std::to_string(kMaxWitnessProofLines) +
                       " consistency proof lines");
    }
    StatusOr<Hash> hash = Hash::FromBase64(line);
    if (!hash.ok()) {
      return Malformed("consistency proof line " + std::to_string(request.proof.size() + 1) +
                       " is not base64 of a 32-byte hash");
    }
    request.proof.push_back(*hash);
  }
  if (body.empty()) return Malformed("no checkpoint after the blank line");
  request.note = std::string(body);
  return request;
}

std::string TreeSizeBody(uint64_t size) { return std::to_string(size) + "\n"; }

StatusOr<uint64_t> ParseTreeSizeBody(std::string_view body) {
  if (body.empty() || body.back() != '\n') {
    return InvalidArgumentError("tree size body does not end in a newline");
  }
  return ParseDecimalUint64(body.substr(0, body.size() - 1), "tree size");
}

}  // namespace creg
