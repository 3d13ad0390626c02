#include "ledger/registry/article6.h"

namespace creg {
namespace {

// The inverse of a name function over the values `all`.
template <typename Enum, typename Name, size_t N>
std::optional<Enum> ParseName(std::string_view name, const Enum (&all)[N], Name name_of) {
  for (Enum value : all) {
    if (name == name_of(value)) return value;
  }
  return std::nullopt;
}

}  // namespace

std::string AuthorizedUseName(pb::AuthorizedUse use) {
  switch (use) {
    case pb::AUTHORIZED_NDC:
      return "ndc";
    case pb::AUTHORIZED_OIMP:
      return "oimp";
    case pb::AUTHORIZED_OTHER_INTERNATIONAL:
      return "other-international";
    default:
      return "unspecified";
  }
}

std::optional<pb::AuthorizedUse> ParseAuthorizedUse(std::string_view name) {
  static constexpr pb::AuthorizedUse kAll[] = {pb::AUTHORIZED_NDC, pb::AUTHORIZED_OIMP,
                                               pb::AUTHORIZED_OTHER_INTERNATIONAL};
  return ParseName(name, kAll, AuthorizedUseName);
}

std::string FirstTransferName(pb::FirstTransfer definition) {
  switch (definition) {
    case pb::FIRST_TRANSFER_AUTHORIZATION:
      return "authorization";
    case pb::FIRST_TRANSFER_ISSUANCE:
      return "issuance";
    case pb::FIRST_TRANSFER_USE_OR_CANCELLATION:
      return "use-or-cancellation";
    default:
      return "unspecified";
  }
}

std::optional<pb::FirstTransfer> ParseFirstTransfer(std::string_view name) {
  static constexpr pb::FirstTransfer kAll[] = {pb::FIRST_TRANSFER_AUTHORIZATION,
                                               pb::FIRST_TRANSFER_ISSUANCE,
                                               pb::FIRST_TRANSFER_USE_OR_CANCELLATION};
  return ParseName(name, kAll, FirstTransferName);
}

std::string CreditUseName(pb::CreditUse use) {
  switch (use) {
    case pb::CREDIT_USE_VOLUNTARY:
      return "voluntary";
    case pb::CREDIT_USE_NDC:
      return "ndc";
    case pb::CREDIT_USE_OIMP:
      return "oimp";
    default:
      return "unspecified";
  }
}

std::optional<pb::CreditUse> ParseCreditUse(std::string_view name) {
  static constexpr pb::CreditUse kAll[] = {pb::CREDIT_USE_VOLUNTARY, pb::CREDIT_USE_NDC,
                                           pb::CREDIT_USE_OIMP};
  return ParseName(name, kAll, CreditUseName);
}

std::string AdjustmentStatusName(pb::AdjustmentStatus status) {
  switch (status) {
    case pb::ADJUSTMENT_NOT_REQUIRED:
      return "not-required";
    case pb::ADJUSTMENT_PENDING:
      return "pending";
    case pb::ADJUSTMENT_APPLIED:
      return "applied";
    default:
      return "unspecified";
  }
}

std::optional<pb::AdjustmentStatus> ParseAdjustmentStatus(std::string_view name) {
  static constexpr pb::AdjustmentStatus kAll[] = {pb::ADJUSTMENT_NOT_REQUIRED,
                                                  pb::ADJUSTMENT_PENDING, pb::ADJUSTMENT_APPLIED};
  return ParseName(name, kAll, AdjustmentStatusName);
}

std::string AuthorizedUsesText(const pb::Article6Authorization& authorization) {
  std::string text;
  for (int use : authorization.uses()) {
    text += (text.empty() ? "" : ", ") + AuthorizedUseName(static_cast<pb::AuthorizedUse>(use));
  }
  return text;
}

std::string AuthorizationText(const pb::Article6Authorization& a) {
  return a.party() + " for " + AuthorizedUsesText(a) + " (" + a.reference() + " of " + a.date() +
         ", first transfer at " + FirstTransferName(a.first_transfer()) + ")";
}

std::string Article6Summary(const pb::BlockAttributes& attributes) {
  if (!attributes.has_authorization()) return "";
  std::string text = attributes.authorization().party() + " for " +
                     AuthorizedUsesText(attributes.authorization()) + "; adjustment " +
                     AdjustmentStatusName(attributes.adjustment());
  if (attributes.first_transfer_entry() != 0) {
    text += "; first transfer at entry " + std::to_string(attributes.first_transfer_entry());
  }
  return text;
}

std::string CreditUseText(pb::CreditUse use, const std::string& using_entity) {
  std::string text = use == pb::CREDIT_USE_VOLUNTARY ? "" : " for " + CreditUseName(use) + " use";
  if (!using_entity.empty()) text += (text.empty() ? " used by " : " by ") + using_entity;
  return text;
}

}  // namespace creg
