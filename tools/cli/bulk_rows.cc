#include "tools/cli/bulk_rows.h"

#include <algorithm>
#include <cctype>

#include "ledger/hash.h"
#include "tools/cli/credit_use.h"
#include "tools/cli/output.h"
#include "tools/cli/selection.h"

namespace creg::cli {
namespace {

const std::vector<std::string>& Columns(BulkKind kind) {
  static const std::vector<std::string> kTransfer = {"to_account", "batch", "quantity",
                                                     "serials",    "memo",  "request_id"};
  static const std::vector<std::string> kRetire = {
      "batch",          "quantity",        "serials", "beneficiary",  "reason",    "details",
      "country_of_use", "claim_reference", "use",     "using_entity", "request_id"};
  return kind == BulkKind::kTransfer ? kTransfer : kRetire;
}

std::string Normalize(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == ' ' || c == '\t' || c == '\r') continue;
    out += c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool Has(const std::vector<std::string>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  return s.substr(start);
}

}  // namespace

std::string_view BulkKindName(BulkKind kind) {
  return kind == BulkKind::kTransfer ? "transfer" : "retire";
}

std::string BulkColumnsText(BulkKind kind) {
  std::string out;
  for (const std::string& c : Columns(kind)) out += (out.empty() ? "" : ",") + c;
  return out;
}

StatusOr<BulkLayout> BulkLayout::FromHeader(BulkKind kind, const CsvRecord& header) {
  BulkLayout layout;
  layout.kind_ = kind;
  for (const std::string& field : header.fields) {
    std::string name = Normalize(field);
    if (!Has(Columns(kind), name)) {
      return InvalidArgumentError("the header names an unknown column '" + field + "'; a bulk " +
                                  std::string(BulkKindName(kind)) + " file has the columns " +
                                  BulkColumnsText(kind));
    }
    if (Has(layout.columns_, name)) {
      return InvalidArgumentError("the header names column '" + name + "' twice");
    }
    layout.columns_.push_back(name);
  }
  std::vector<std::string> required = kind == BulkKind::kTransfer
                                          ? std::vector<std::string>{"to_account"}
                                          : std::vector<std::string>{"beneficiary", "reason"};
  for (const std::string& name : required) {
    if (!Has(layout.columns_, name)) {
      return InvalidArgumentError("the header has no column '" + name + "'; a bulk " +
                                  std::string(BulkKindName(kind)) + " file has the columns " +
                                  BulkColumnsText(kind));
    }
  }
  bool by_quantity = Has(layout.columns_, "batch") && Has(layout.columns_, "quantity");
  if (!by_quantity && !Has(layout.columns_, "serials")) {
    return InvalidArgumentError(
        "the header needs the columns batch and quantity, or serials, to say which credits");
  }
  return layout;
}

std::string BulkLayout::Field(const CsvRecord& row, std::string_view column) const {
  auto it = std::find(columns_.begin(), columns_.end(), column);
  if (it == columns_.end()) return "";
  size_t i = static_cast<size_t>(it - columns_.begin());
  return i < row.fields.size() ? Trim(row.fields[i]) : "";
}

StatusOr<pb::TransactionBody> BulkLayout::Body(const CsvRecord& row,
                                               const std::string& signer) const {
  if (row.fields.size() != columns_.size()) {
    return InvalidArgumentError("the row has " + std::to_string(row.fields.size()) +
                                " fields but the header has " + std::to_string(columns_.size()) +
                                (row.fields.size() < columns_.size() ? " (missing columns)" : ""));
  }
  auto optional = [&](std::string_view column) -> std::optional<std::string> {
    std::string value = Field(row, column);
    if (value.empty()) return std::nullopt;
    return value;
  };
  StatusOr<pb::CreditSelection> selection =
      MakeSelection(optional("serials"), optional("batch"), optional("quantity"));
  if (!selection.ok()) return selection.status();
  pb::TransactionBody body;
  if (kind_ == BulkKind::kTransfer) {
    std::string to = Field(row, "to_account");
    if (to.empty()) return InvalidArgumentError("to_account is empty");
    pb::Transfer* op = body.mutable_transfer();
    op->set_from_account(signer);
    op->set_to_account(to);
    *op->mutable_credits() = *selection;
    op->set_memo(Field(row, "memo"));
    return body;
  }
  std::string beneficiary = Field(row, "beneficiary");
  if (beneficiary.empty()) return InvalidArgumentError("beneficiary is empty");
  std::string reason_text = Field(row, "reason");
  std::optional<pb::RetirementReason> reason = ParseReason(reason_text);
  if (!reason) {
    return InvalidArgumentError("reason '" + reason_text +
                                "' is not one of the reasons 'creg retire --help' lists");
  }
  if (*reason == pb::OTHER && Field(row, "details").empty()) {
    return InvalidArgumentError(
        "details is empty; reason 'other' needs details saying what "
        "the reason is");
  }
  pb::CreditUse use = pb::CREDIT_USE_VOLUNTARY;
  if (std::string text = Field(row, "use"); !text.empty()) {
    StatusOr<pb::CreditUse> parsed = ParseUseArgument("use", text);
    if (!parsed.ok()) return parsed.status();
    use = *parsed;
  }
  pb::Retire* op = body.mutable_retire();
  op->set_account(signer);
  *op->mutable_credits() = *selection;
  op->set_beneficiary(beneficiary);
  op->set_reason(*reason);
  op->set_details(Field(row, "details"));
  op->set_country_of_use(Field(row, "country_of_use"));
  op->set_claim_reference(Field(row, "claim_reference"));
  op->set_use(use);
  op->set_using_entity(Field(row, "using_entity"));
  return body;
}

std::string BulkLayout::Nonce(const CsvRecord& row, std::string_view file_digest) const {
  std::string kind(BulkKindName(kind_));
  std::string request_id = Field(row, "request_id");
  Hash h = request_id.empty() ? Sha256({"creg-bulk/v1\n", kind, "\n", file_digest, "\n",
                                        std::to_string(row.line), "\n", row.raw})
                              : Sha256({"creg-bulk/v1\n", kind, "\nrequest_id\n", request_id});
  return "bulk-" + h.ToHex();
}

}  // namespace creg::cli
