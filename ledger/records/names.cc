#include "ledger/records/names.h"

#include <cctype>
#include <ctime>

namespace creg {
namespace {

std::string Lower(std::string_view name) {
  std::string out;
  for (char c : name) out += c == '_' ? '-' : static_cast<char>(std::tolower(c));
  return out;
}

struct ReasonInfo {
  pb::RetirementReason reason;
  const char* description;
};

constexpr ReasonInfo kReasons[] = {
    {pb::VOLUNTARY_EVENT_OFFSET, "offsetting the emissions of an event"},
    {pb::VOLUNTARY_CORPORATE_INVENTORY, "a company's emissions inventory"},
    {pb::VOLUNTARY_PRODUCT_OR_SERVICE, "a claim for a product or service"},
    {pb::VOLUNTARY_INDIVIDUAL, "a person's footprint"},
    {pb::COMPLIANCE, "a compliance scheme obligation"},
    {pb::OTHER, "anything else, explained in --details"},
};

}  // namespace

std::string IsoTime(int64_t micros) {
  if (micros == 0) return "";
  std::time_t seconds = static_cast<std::time_t>(micros / 1'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string ReasonName(pb::RetirementReason reason) {
  if (reason == pb::RETIREMENT_REASON_UNSPECIFIED) return "";
  return Lower(pb::RetirementReason_Name(reason));
}

std::optional<pb::RetirementReason> ParseReason(std::string_view name) {
  for (const ReasonInfo& r : kReasons) {
    if (Lower(name) == ReasonName(r.reason)) return r.reason;
  }
  return std::nullopt;
}

std::string ReasonList() {
  std::string out;
  for (const ReasonInfo& r : kReasons) {
    std::string name = ReasonName(r.reason);
    out += "  " + name + std::string(32 - name.size(), ' ') + r.description + "\n";
  }
  return out;
}

std::optional<pb::Role> RoleNamed(std::string_view name) {
  for (pb::Role role : {pb::ROLE_HOLDER, pb::ROLE_OPERATOR, pb::ROLE_AUDITOR}) {
    if (name == RoleName(role)) return role;
  }
  return std::nullopt;
}

std::string RoleName(pb::Role role) {
  switch (role) {
    case pb::ROLE_OPERATOR:
      return "operator";
    case pb::ROLE_HOLDER:
      return "holder";
    case pb::ROLE_AUDITOR:
      return "auditor";
    default:
      return "unspecified";
  }
}

std::string AccountStatusName(pb::AccountStatus status) {
  switch (status) {
    case pb::ACCOUNT_ACTIVE:
      return "active";
    case pb::ACCOUNT_SUSPENDED:
      return "suspended";
    case pb::ACCOUNT_CLOSED:
      return "closed";
    default:
      return "unspecified";
  }
}

std::string BlockStatusName(pb::BlockStatus status) {
  switch (status) {
    case pb::BLOCK_ACTIVE:
      return "active";
    case pb::BLOCK_RETIRED:
      return "retired";
    case pb::BLOCK_CANCELLED:
      return "cancelled";
    default:
      return "unspecified";
  }
}

std::string BlockText(const pb::SerialBlock& block) {
  std::string text = std::to_string(block.batch()) + ":" + std::to_string(block.first());
  if (block.last() != block.first()) text += "-" + std::to_string(block.last());
  return text;
}

std::string BlocksText(const google::protobuf::RepeatedPtrField<pb::SerialBlock>& blocks) {
  std::string text;
  for (const pb::SerialBlock& b : blocks) text += (text.empty() ? "" : ",") + BlockText(b);
  return text;
}

std::string LabelsText(const pb::BlockAttributes& attributes) {
  std::string text;
  for (const std::string& label : attributes.labels()) text += (text.empty() ? "" : ", ") + label;
  return text;
}

std::string LabelActionName(pb::LabelAction action) {
  switch (action) {
    case pb::LABEL_ADD:
      return "add";
    case pb::LABEL_REMOVE:
      return "remove";
    default:
      return "unspecified";
  }
}

std::string BlockSelectionText(const pb::BlockSelection& selection) {
  if (selection.blocks_size() > 0) return BlocksText(selection.blocks());
  return "batch " + std::to_string(selection.batch());
}

std::string Credits(uint64_t n) { return std::to_string(n) + (n == 1 ? " credit" : " credits"); }

}  // namespace creg
