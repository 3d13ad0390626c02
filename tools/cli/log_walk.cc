#include "tools/cli/log_walk.h"

#include <iostream>
#include <map>

#include "tools/cli/output.h"

namespace creg::cli {

std::optional<std::vector<pb::Response>> AskMany(Context& ctx, std::vector<pb::Request> requests) {
  constexpr size_t kWindow = 256;
  Client* client = ctx.client();
  if (client == nullptr) return std::nullopt;
  std::vector<pb::Response> answers(requests.size());
  std::map<uint64_t, size_t> pending;  // request id -> position
  size_t next = 0;
  while (next < requests.size() || !pending.empty()) {
    while (next < requests.size() && pending.size() < kWindow) {
      if (Status s = client->Send(requests[next]); !s.ok()) {
        ctx.FailConnection(s);
        return std::nullopt;
      }
      pending[requests[next].id()] = next;
      ++next;
    }
    StatusOr<pb::Response> response = client->Receive();
    if (!response.ok()) {
      ctx.FailConnection(response.status());
      return std::nullopt;
    }
    auto it = pending.find(response->id());
    if (it == pending.end()) continue;
    answers[it->second] = std::move(response).value();
    pending.erase(it);
  }
  return answers;
}

std::optional<std::vector<EntryView>> FetchEntries(Context& ctx,
                                                   const std::vector<uint64_t>& indexes) {
  std::vector<pb::Request> requests(indexes.size());
  for (size_t i = 0; i < indexes.size(); ++i) {
    requests[i].mutable_get_entries()->set_start(indexes[i]);
    requests[i].mutable_get_entries()->set_count(1);
  }
  std::optional<std::vector<pb::Response>> answers = AskMany(ctx, std::move(requests));
  if (!answers) return std::nullopt;
  std::vector<EntryView> views;
  for (const pb::Response& answer : *answers) {
    if (answer.has_error()) {
      ctx.Fail(kExitRefused, answer.error().code(), answer.error().message(),
               HintForNodeError(answer.error().code()));
      return std::nullopt;
    }
    if (answer.entries().entries_size() != 1) {
      ctx.FailProtocol("the node answered a request for one entry with " +
                       std::to_string(answer.entries().entries_size()) + ": protocol error");
      return std::nullopt;
    }
    StatusOr<EntryView> view = ViewEntry(answer.entries().entries(0));
    if (!view.ok()) {
      ctx.FailProtocol("the node sent an entry that does not decode (" + view.status().message() +
                       "): protocol error");
      return std::nullopt;
    }
    views.push_back(std::move(view).value());
  }
  return views;
}

bool ForEachEntry(Context& ctx, const std::vector<uint64_t>& indexes,
                  const std::function<void(const EntryView&)>& visit) {
  constexpr size_t kChunk = 256;
  for (size_t at = 0; at < indexes.size(); at += kChunk) {
    std::vector<uint64_t> chunk(
        indexes.begin() + static_cast<ptrdiff_t>(at),
        indexes.begin() + static_cast<ptrdiff_t>(std::min(indexes.size(), at + kChunk)));
    std::optional<std::vector<EntryView>> entries = FetchEntries(ctx, chunk);
    if (!entries) return false;
    for (const EntryView& e : *entries) visit(e);
  }
  return true;
}

bool WalkLog(Context& ctx, const std::function<bool(const EntryView&)>& visit) {
  pb::Request status;
  status.mutable_status();
  std::optional<pb::Response> answer = ctx.Ask(status);
  if (!answer) return false;
  const uint64_t size = answer->status().tree_size();
  for (uint64_t start = 0; start < size;) {
    pb::Request request;
    request.mutable_get_entries()->set_start(start);
    request.mutable_get_entries()->set_count(1000);
    std::optional<pb::Response> page = ctx.Ask(std::move(request));
    if (!page) return false;
    if (page->entries().entries_size() == 0) {
      ctx.FailProtocol("the node answered a request for entries with none: protocol error");
      return false;
    }
    for (const std::string& bytes : page->entries().entries()) {
      StatusOr<EntryView> view = ViewEntry(bytes);
      if (!view.ok()) {
        ctx.FailProtocol("the node sent an entry that does not decode (" + view.status().message() +
                         "): protocol error");
        return false;
      }
      if (!visit(*view)) return false;
    }
    start += static_cast<uint64_t>(page->entries().entries_size());
  }
  return true;
}

EntryListPrinter::EntryListPrinter(Context& ctx, const json::Value& doc)
    : ctx_(ctx), json_(std::cout), table_({"ENTRY", "TIME", "KIND", "SIGNER", "SUMMARY"}) {
  if (!ctx_.json()) return;
  json_.BeginObject();
  json_.Members(doc);
  json_.Key("entries");
  json_.BeginArray();
}

void EntryListPrinter::Add(const EntryView& e) {
  ++count_;
  if (ctx_.json()) {
    json_.Value(EntryJson(e));
    return;
  }
  table_.AddRow({std::to_string(e.entry.index()), IsoTime(e.entry.timestamp_micros()), e.kind,
                 e.envelope.signer(), e.summary});
}

void EntryListPrinter::Finish(const std::string& none) {
  if (ctx_.json()) {
    json_.End();
    json_.End();
  } else if (count_ == 0) {
    std::cout << none << "\n";
  } else {
    table_.Finish();
  }
}

}  // namespace creg::cli
