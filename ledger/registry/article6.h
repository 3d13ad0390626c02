// Article 6 of the Paris Agreement (docs/rules.md, "Article 6"): the names
// creg shows for authorised uses, first-transfer definitions, credit uses
// and corresponding adjustment statuses, and a one-line account of an
// authorisation. Stable: part of the --json format (docs/cli.md). Pure
// functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "creg/state.pb.h"
#include "creg/transaction.pb.h"

namespace creg {

// "ndc", "oimp", "other-international"; "unspecified" for others.
std::string AuthorizedUseName(pb::AuthorizedUse use);
std::optional<pb::AuthorizedUse> ParseAuthorizedUse(std::string_view name);
// "authorization", "issuance", "use-or-cancellation".
std::string FirstTransferName(pb::FirstTransfer definition);
std::optional<pb::FirstTransfer> ParseFirstTransfer(std::string_view name);
// "voluntary", "ndc", "oimp".
std::string CreditUseName(pb::CreditUse use);
std::optional<pb::CreditUse> ParseCreditUse(std::string_view name);
// "not-required", "pending", "applied".
std::string AdjustmentStatusName(pb::AdjustmentStatus status);
std::optional<pb::AdjustmentStatus> ParseAdjustmentStatus(std::string_view name);

// "ndc, oimp".
std::string AuthorizedUsesText(const pb::Article6Authorization& authorization);
// "GH for ndc, oimp (LoA-2026-01 of 2026-03-02, first transfer at
// authorization)".
std::string AuthorizationText(const pb::Article6Authorization& authorization);

// "GH for ndc, oimp; adjustment pending" (with "; first transfer at entry
// N" once it happened); "" for credits without an authorisation.
std::string Article6Summary(const pb::BlockAttributes& attributes);

// " for ndc use by Japan", " used by Japan"; "" for a voluntary use by no
// one named. Follows a sentence about a retirement or cancellation.
std::string CreditUseText(pb::CreditUse use, const std::string& using_entity);

}  // namespace creg
