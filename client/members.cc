#include "client/members.h"

#include <utility>

#include "cmdline/app.h"
#include "net/address.h"
#include "net/wire_status.h"

namespace creg {
namespace {

// ParseHostPort's verdict, and white space refused (a resolver would take
// " host" for a name to look up).
Status CheckAddress(std::string_view address) {
  for (char c : address) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      return InvalidArgumentError("address '" + std::string(address) + "' holds white space");
    }
  }
  return ParseHostPort(address).status();
}

// "member 2 of 'A,,B'" (counting from 1).
std::string Which(std::string_view list, size_t index) {
  return "member " + std::to_string(index + 1) + " of '" + std::string(list) + "'";
}

}  // namespace

StatusOr<Members> Members::Parse(std::string_view list) {
  const std::string syntax = std::string("; give ") + cmdline::kNodeListSyntax;
  if (list.empty()) return InvalidArgumentError("no node address given" + syntax);
  std::vector<std::string> addresses = cmdline::SplitCommas(list);
  for (size_t i = 0; i < addresses.size(); ++i) {
    const std::string& address = addresses[i];
    const std::string which = Which(list, i);
    if (address.empty()) {
      return InvalidArgumentError(which + " is empty (two commas in a row, or one at an end)" +
                                  syntax);
    }
    if (Status parsed = CheckAddress(address); !parsed.ok()) {
      if (addresses.size() == 1) return InvalidArgumentError(parsed.message() + syntax);
      return InvalidArgumentError(which + ": " + parsed.message() + syntax);
    }
  }
  return Members(std::string(list), std::move(addresses));
}

StatusOr<std::unique_ptr<Client>> Members::Connect(const ClientOptions& options, const Probe& probe,
                                                   const SkipNote& skipped) {
  // One attempt: a connection that passed the probe, or why not. Only
  // Client::Connect's InvalidArgument (local: the TLS CA file) is final.
  bool final = false;
  auto attempt = [&](const std::string& address) -> StatusOr<std::unique_ptr<Client>> {
    StatusOr<std::unique_ptr<Client>> client = Client::Connect(address, options);
    if (!client.ok()) {
      final = client.status().code() == StatusCode::kInvalidArgument;
      return client;
    }
    if (probe) CREG_RETURN_IF_ERROR(probe(**client, address));
    return client;
  };
  if (leader_) {
    StatusOr<std::unique_ptr<Client>> client = attempt(*leader_);
    if (client.ok()) connected_ = *leader_;
    return client;
  }
  const size_t count = addresses_.size();
  std::string failures;  // "A: <error>; B: <error>"
  StatusCode shared = StatusCode::kUnavailable;
  for (size_t i = 0; i < count; ++i) {
    const size_t index = (next_ + i) % count;
    const std::string& address = addresses_[index];
    StatusOr<std::unique_ptr<Client>> client = attempt(address);
    if (client.ok()) {
      next_ = index;
      connected_ = address;
      return client;
    }
    if (final || count == 1) return client.status();
    if (skipped && i + 1 < count) skipped(address, client.status());
    if (failures.empty()) {
      shared = client.status().code();
    } else if (client.status().code() != shared) {
      shared = StatusCode::kUnavailable;
    }
    failures += (failures.empty() ? "" : "; ") + address + ": " + client.status().message();
  }
  return Status(shared, "no member of " + list_ + " answered: " + failures);
}

bool Members::FollowLeader(const pb::Error& error) {
  if (leader_ || StatusFromWire(error).code() != StatusCode::kNotLeader) return false;
  if (error.leader().empty() || !CheckAddress(error.leader()).ok()) return false;
  leader_ = error.leader();
  return true;
}

void Members::SkipConnected() {
  next_ = (next_ + 1) % addresses_.size();
  leader_.reset();
}

Members::SkipNote SkipNoteTo(std::ostream& out, std::string prefix) {
  return [&out, prefix = std::move(prefix)](const std::string& member, const Status& why) {
    std::string reason = why.message();
    for (char& c : reason) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    }
    out << prefix << "skipping member " << member << ": " << reason << "\n";
  };
}

}  // namespace creg
