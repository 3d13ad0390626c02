// The label vocabulary (docs/rules.md, "Labels"): the quality and
// eligibility marks an operator records on credits, such as the ICVCM's Core
// Carbon Principles or CORSIA eligibility.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace creg {

// The most labels one stored block may carry (TOO_MANY_LABELS beyond).
inline constexpr int kMaxLabelsPerBlock = 8;

// Empty when `label` is a label of the vocabulary in its exact form;
// otherwise why not, for a message after "label '<label>' ". The forms:
//   ccp                       ICVCM Core Carbon Principles approved
//   ccb                       CCB (Climate, Community & Biodiversity) standards
//   corsia:<YYYY>-<YYYY>      CORSIA eligible for a compliance period, first
//                             and last year, first <= last (corsia:2024-2026)
//   other:<text>              any other mark: 1 to 64 of a-z 0-9 . _ / -
std::string CheckLabel(std::string_view label);

}  // namespace creg
