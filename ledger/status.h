// Status and StatusOr<T>: the error model of every creg library.
//
// Codes follow Abseil's canonical names:
//   kInvalidArgument    malformed input (bad bytes, bad id, bad proof shape)
//   kNotFound           a thing asked for does not exist
//   kAlreadyExists      creating something that is already there
//   kFailedPrecondition the state does not allow it (credits not held, retired)
//   kPermissionDenied   wrong signer or bad signature
//   kOutOfRange         an index or size past the end of the log
//   kResourceExhausted  a limit was reached (queue, connections, requests in
//                       flight); nothing was done, retry later
//   kUnavailable        retryable I/O failure
//   kDataLoss           stored data or a proof does not match its hash
//   kNotAuthorized      the node's read policy does not let this caller
//                       read this (docs/security.md, "Read access")
//   kNotLeader          this node is a mirror and takes no writes; the
//                       message names the writer (docs/replication.md)
//   kInternal           a broken invariant inside creg
//
// Status is cheap to copy when OK (no allocation). Our code never throws; a
// dropped error is written `status.IgnoreError()` so grep finds it.
#pragma once

#include <cassert>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace creg {

enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 3,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kOutOfRange = 11,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
  kNotAuthorized = 16,
  kNotLeader = 17,
};

// Every code above, in this order; what a mapping over all codes iterates.
inline constexpr StatusCode kAllStatusCodes[] = {
    StatusCode::kOk,
    StatusCode::kInvalidArgument,
    StatusCode::kNotFound,
    StatusCode::kAlreadyExists,
    StatusCode::kPermissionDenied,
    StatusCode::kResourceExhausted,
    StatusCode::kFailedPrecondition,
    StatusCode::kOutOfRange,
    StatusCode::kInternal,
    StatusCode::kUnavailable,
    StatusCode::kDataLoss,
    StatusCode::kNotAuthorized,
    StatusCode::kNotLeader,
};

// The canonical upper-case name of a code, for example "NOT_FOUND"; these
// names are also the wire's error codes (net/wire_status.h), so they never
// change. "UNKNOWN" for a value that is not a code.
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message);

  bool ok() const { return rep_ == nullptr; }
  StatusCode code() const { return rep_ ? rep_->code : StatusCode::kOk; }
  const std::string& message() const;
  // "NOT_FOUND: entry 12 is past the end of the log" or "OK".
  std::string ToString() const;

  // Returns a copy whose message is "<prefix>: <message>"; OK stays OK.
  Status WithContext(std::string_view prefix) const;

  // Marks an error as deliberately dropped.
  void IgnoreError() const {}

  friend bool operator==(const Status& a, const Status& b) {
    return a.code() == b.code() && a.message() == b.message();
  }

 private:
  struct Rep {
    StatusCode code;
    std::string message;
  };
  std::shared_ptr<const Rep> rep_;
};

inline Status OkStatus() { return Status(); }
Status InvalidArgumentError(std::string message);
Status NotFoundError(std::string message);
Status AlreadyExistsError(std::string message);
Status PermissionDeniedError(std::string message);
Status FailedPreconditionError(std::string message);
Status OutOfRangeError(std::string message);
Status ResourceExhaustedError(std::string message);
Status InternalError(std::string message);
Status UnavailableError(std::string message);
Status DataLossError(std::string message);
Status NotAuthorizedError(std::string message);
Status NotLeaderError(std::string message);

// Either a value of type T or a non-OK Status.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(Status status) : value_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(value_).ok() && "StatusOr built from an OK status");
  }
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(value_); }
  Status status() const { return ok() ? OkStatus() : std::get<Status>(value_); }

  // Precondition: ok().
  const T& value() const& { return std::get<T>(value_); }
  T& value() & { return std::get<T>(value_); }
  // By value, so `for (auto& x : F().value())` does not dangle.
  T value() && { return std::get<T>(std::move(value_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<Status, T> value_;
};

}  // namespace creg

// Returns early from the enclosing function when `expr` is not OK.
#define CREG_RETURN_IF_ERROR(expr)               \
  do {                                           \
    ::creg::Status creg_status_ = (expr);        \
    if (!creg_status_.ok()) return creg_status_; \
  } while (false)

#define CREG_CONCAT_INNER_(a, b) a##b
#define CREG_CONCAT_(a, b) CREG_CONCAT_INNER_(a, b)

// `CREG_ASSIGN_OR_RETURN(auto x, MakeX());` declares x from a StatusOr or
// returns its error.
#define CREG_ASSIGN_OR_RETURN(lhs, expr) \
  CREG_ASSIGN_OR_RETURN_IMPL_(CREG_CONCAT_(creg_statusor_, __LINE__), lhs, expr)
#define CREG_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()
