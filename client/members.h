// Members: the nodes of one registry as --node names them,
// "HOST:PORT[,HOST:PORT...]" (a writer and its mirrors, docs/replication.md),
// and how the client programs reach them: each member in turn, starting with
// the one that answered last, and a write a mirror refuses with NOT_LEADER
// sent to the writer it names.
//
//   StatusOr<Members> members = Members::Parse(flag_value);  // a usage error if not ok
//   StatusOr<std::unique_ptr<Client>> client = members->Connect(options);
//   ... a Submit answered NOT_LEADER:
//   if (members->FollowLeader(error)) client = members->Connect(options);
//
// Members never sends a request of its own; what a connection must do
// before it counts as answering (sign in, a first read) is the caller's
// `probe`. Not thread-safe: one per thread, or Connect() from one thread
// and only the const accessors from others while it is not called.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "client/client.h"
#include "creg/wire.pb.h"
#include "ledger/status.h"

namespace creg {

class Members {
 public:
  // Runs on each new connection before it counts as answering: signs in,
  // or makes the first read and keeps its answer. An error passes the
  // member over. `member` is the address the connection reached.
  using Probe = std::function<Status(Client& client, const std::string& member)>;
  // Told of each member passed over while another is still to be tried:
  // its address and why (a member that cannot be reached, or whose probe
  // failed). The last failure is not told: Connect returns it.
  using SkipNote = std::function<void(const std::string& member, const Status& why)>;

  // Parses a comma-separated list of addresses, each "HOST:PORT" or
  // "[v6]:PORT" (net/address.h), in the order to try them. InvalidArgument
  // naming the list, the member and cmdline::kNodeListSyntax for an empty list,
  // an empty member ("A,,B", ",A", "A,"), white space in a member, or a
  // member that is not an address (no port, a port over 65535).
  static StatusOr<Members> Parse(std::string_view list);

  // The addresses in the order given.
  const std::vector<std::string>& addresses() const { return addresses_; }
  // The list as given, for messages.
  const std::string& list() const { return list_; }

  // A new connection. To the writer FollowLeader() named, if it did:
  // Client::Connect's error if it cannot be reached. Otherwise to the
  // members in turn, each once, starting with the one the last Connect
  // reached (the first at first): the first whose connection and `probe`
  // (if given) succeed is returned and remembered. A member that fails is
  // passed over (`skipped` is told, if given), unless Client::Connect
  // failed with InvalidArgument (a TLS CA file that cannot be used: the
  // same for every member), which is returned at once; every failure of
  // `probe` passes the member over. When every member failed: with one
  // member, its error; with more, an error naming each member and its
  // failure, "no member of A,B answered: A: <message>; B: <message>", with the
  // code the failures share, else Unavailable.
  StatusOr<std::unique_ptr<Client>> Connect(const ClientOptions& options,
                                            const Probe& probe = nullptr,
                                            const SkipNote& skipped = nullptr);

  // The address the last successful Connect reached (a member, or the
  // writer followed); "" before one succeeded.
  const std::string& connected() const { return connected_; }

  // `error` answered a write: when it is NOT_LEADER naming a writer at a
  // well-formed address and no writer is followed yet, the next Connect
  // goes to that writer, and true is returned (the caller drops its
  // connection and sends the same signed bytes there: a mirror applied
  // nothing). False otherwise, including a second NOT_LEADER once a
  // writer is followed (two mirrors naming each other are not chased).
  bool FollowLeader(const pb::Error& error);

  // The answer on the connection was lost: the next Connect forgets the
  // writer followed and starts with the member after the one the last
  // Connect reached (or, after a writer, after the member that named it).
  void SkipConnected();

 private:
  Members(std::string list, std::vector<std::string> addresses)
      : list_(std::move(list)), addresses_(std::move(addresses)) {}

  std::string list_;
  std::vector<std::string> addresses_;
  size_t next_ = 0;                    // the member Connect tries first
  std::optional<std::string> leader_;  // the writer a mirror named
  std::string connected_;
};

// A SkipNote that writes one line per member passed over to `out`:
// "<prefix>skipping member A: <why>", control characters in the node's
// words written as spaces.
Members::SkipNote SkipNoteTo(std::ostream& out, std::string prefix);

}  // namespace creg
