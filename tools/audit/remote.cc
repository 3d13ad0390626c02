#include "tools/audit/remote.h"

#include <algorithm>
#include <map>
#include <utility>

#include "client/sign_in.h"
#include "net/wire_status.h"

namespace creg::audit {
namespace {

// Entries asked for per GetEntries request (the node's own page limit),
// and requests kept in flight.
constexpr uint64_t kPageEntries = 1000;
constexpr size_t kPagesInFlight = 4;

std::string N(uint64_t n) { return std::to_string(n); }

// The Status of a response that is not the entries asked for.
Status NotEntries(const pb::Response& response, uint64_t start) {
  if (response.has_error()) return StatusFromWire(response.error());
  if (!response.has_entries()) {
    return DataLossError("the node answered a request for entries from " + N(start) +
                         " with something else");
  }
  if (response.entries().start() != start) {
    return DataLossError("the node sent entries from " + N(response.entries().start()) +
                         " when asked for entries from " + N(start));
  }
  if (response.entries().entries_size() == 0) {
    return DataLossError("the node sent no entries from " + N(start));
  }
  return OkStatus();
}

}  // namespace

StatusOr<RemoteLog> RemoteLog::Connect(Members members, ClientOptions options,
                                       std::optional<Credentials> credentials,
                                       const FirstRead& first_read,
                                       const Members::SkipNote& skipped) {
  std::shared_ptr<const Credentials> shared;
  if (credentials.has_value())
    shared = std::make_shared<const Credentials>(std::move(*credentials));
  auto probe = [&](Client& client, const std::string& member) -> Status {
    RemoteLog candidate(member, options, shared, client);
    CREG_RETURN_IF_ERROR(candidate.SignInIfGiven(client));
    return first_read ? first_read(candidate) : OkStatus();
  };
  CREG_ASSIGN_OR_RETURN(std::unique_ptr<Client> client, members.Connect(options, probe, skipped));
  Client& borrowed = *client;
  return RemoteLog(members.connected(), std::move(options), std::move(shared), borrowed,
                   std::move(client));
}

Status RemoteLog::SignInIfGiven(Client& client) const {
  if (credentials_ == nullptr) return OkStatus();
  std::string origin = credentials_->origin;
  if (origin.empty()) {
    StatusOr<pb::StatusResponse> status = client.GetStatus();
    if (!status.ok()) {
      return Explain(status.status())
          .WithContext("cannot ask the node at " + address_ + " for its origin to sign in");
    }
    origin = status->origin();
  }
  return SignIn(client, credentials_->account, credentials_->key, origin);
}

StatusOr<std::unique_ptr<Client>> RemoteLog::Open() const {
  CREG_ASSIGN_OR_RETURN(std::unique_ptr<Client> client, Client::Connect(address_, options_));
  CREG_RETURN_IF_ERROR(SignInIfGiven(*client));
  return client;
}

Status RemoteLog::Explain(Status status) const {
  if (status.code() != StatusCode::kNotAuthorized) return status;
  if (credentials_ == nullptr) {
    return Status(status.code(), status.message() + "; to read it, sign in: pass " +
                                     kAccountFlagsHint + " of an auditor or operator account");
  }
  return Status(status.code(), status.message() + " (signed in as '" + credentials_->account +
                                   "'; an auditor or operator account reads everything)");
}

StatusOr<std::string> RemoteLog::CheckpointNote() {
  StatusOr<pb::CheckpointResponse> checkpoint = client_->GetCheckpoint();
  if (!checkpoint.ok()) return Explain(checkpoint.status());
  return std::move(*checkpoint->mutable_note());
}

StatusOr<std::vector<std::string>> RemoteLog::ConsistencyProof(uint64_t size1, uint64_t size2) {
  pb::Request request;
  request.mutable_consistency_proof()->set_size1(size1);
  request.mutable_consistency_proof()->set_size2(size2);
  CREG_ASSIGN_OR_RETURN(pb::Response response, client_->Call(std::move(request)));
  if (response.has_error()) return Explain(StatusFromWire(response.error()));
  if (!response.has_proof() || response.proof().tree_size() != size2) {
    return DataLossError("the node answered a request for a consistency proof from " + N(size1) +
                         " to " + N(size2) + " with something else");
  }
  return std::vector<std::string>(response.proof().hashes().begin(),
                                  response.proof().hashes().end());
}

Status RemoteLog::PageEntries(uint64_t start, uint64_t end, const EntryVisitor& visit) {
  return Explain(FetchPages(start, end, visit));
}

Status RemoteLog::StreamEntries(uint64_t start, uint64_t end, const EntryVisitor& visit) {
  return Explain(FetchStream(start, end, visit));
}

Status RemoteLog::FetchPages(uint64_t start, uint64_t end, const EntryVisitor& visit) {
  struct Page {
    uint64_t start = 0, count = 0;
  };
  std::map<uint64_t, Page> in_flight;                       // by request id
  std::map<uint64_t, std::pair<Page, pb::Response>> ready;  // by start
  uint64_t next = start;                                    // the next entry to visit
  uint64_t next_request = start;                            // the first entry not yet asked for
  auto ask = [&](uint64_t from, uint64_t count) -> Status {
    pb::Request request;
    request.mutable_get_entries()->set_start(from);
    request.mutable_get_entries()->set_count(count);
    CREG_RETURN_IF_ERROR(client_->Send(request));
    in_flight[request.id()] = Page{from, count};
    return OkStatus();
  };
  while (next < end) {
    while (in_flight.size() + ready.size() < kPagesInFlight && next_request < end) {
      uint64_t count = std::min(kPageEntries, end - next_request);
      CREG_RETURN_IF_ERROR(ask(next_request, count));
      next_request += count;
    }
    auto page = ready.find(next);
    if (page == ready.end()) {
      CREG_ASSIGN_OR_RETURN(pb::Response response, client_->Receive());
      if (response.id() == 0 && response.has_error()) {
        return StatusFromWire(response.error());
      }
      auto asked = in_flight.find(response.id());
      if (asked == in_flight.end()) continue;
      Page p = asked->second;
      in_flight.erase(asked);
      CREG_RETURN_IF_ERROR(NotEntries(response, p.start));
      ready.emplace(p.start, std::make_pair(p, std::move(response)));
      continue;
    }
    auto [p, response] = std::move(page->second);
    ready.erase(page);
    const auto& entries = response.entries().entries();
    uint64_t got = static_cast<uint64_t>(entries.size());
    if (got > p.count) {
      return DataLossError("the node sent " + N(got) + " entries from " + N(p.start) +
                           " when asked for " + N(p.count));
    }
    for (const std::string& bytes : entries) {
      CREG_RETURN_IF_ERROR(visit(next, bytes));
      ++next;
    }
    // A short page (the node caps pages by bytes): ask for the rest.
    if (got < p.count) CREG_RETURN_IF_ERROR(ask(next, p.count - got));
  }
  return OkStatus();
}

Status RemoteLog::FetchStream(uint64_t start, uint64_t end, const EntryVisitor& visit) {
  if (start >= end) return OkStatus();
  CREG_ASSIGN_OR_RETURN(std::unique_ptr<Client> stream, Open());
  pb::Request request;
  request.mutable_subscribe()->set_start(start);
  CREG_RETURN_IF_ERROR(stream->Send(request));
  uint64_t next = start;
  while (next < end) {
    CREG_ASSIGN_OR_RETURN(pb::Response response, stream->Receive());
    if (response.id() != request.id()) {
      if (response.id() == 0 && response.has_error()) {
        return StatusFromWire(response.error());
      }
      continue;
    }
    CREG_RETURN_IF_ERROR(NotEntries(response, next));
    for (const std::string& bytes : response.entries().entries()) {
      if (next == end) break;
      CREG_RETURN_IF_ERROR(visit(next, bytes));
      ++next;
    }
  }
  return OkStatus();  // Closing the connection ends the subscription.
}

RemoteLog::FirstRead ReadCheckpoint(StatusOr<std::string>& note) {
  return [&note](RemoteLog& member) -> Status {
    note = member.CheckpointNote();
    if (note.ok()) return OkStatus();
    return Status(note.status().code(), "cannot get the checkpoint: " + note.status().ToString());
  };
}

StatusOr<Checkpoint> VerifyNodeCheckpoint(std::string_view note, const NoteVerifier& verifier,
                                          std::string_view expected_origin) {
  StatusOr<Checkpoint> cp = VerifyCheckpoint(note, verifier, "");
  if (!cp.ok()) {
    return Status(cp.status().code(), "is not validly signed by key " + verifier.name() + ": " +
                                          cp.status().ToString());
  }
  if (!expected_origin.empty() && cp->origin != expected_origin) {
    return PermissionDeniedError("is for registry '" + cp->origin + "', not '" +
                                 std::string(expected_origin) + "'");
  }
  return cp;
}

}  // namespace creg::audit
