// client/members.h: member lists as --node gives them, hostile ones
// refused by name; members tried in turn from the one that answered last,
// passed over when they cannot be reached or fail the caller's probe; and
// NOT_LEADER followed once to the writer it names.
#include "client/members.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/loopback_port.h"

namespace creg {
namespace {

using testing::ClosedPort;
using ::testing::HasSubstr;
using testing::ListeningPort;

Members Parsed(const std::string& list) {
  StatusOr<Members> members = Members::Parse(list);
  EXPECT_TRUE(members.ok()) << members.status().ToString();
  return std::move(members).value();
}

// The members passed over, in order, as SkipNote tells them.
struct Skips {
  std::vector<std::string> members;
  Members::SkipNote note() {
    return [this](const std::string& member, const Status&) { members.push_back(member); };
  }
};

pb::Error NotLeader(const std::string& leader) {
  pb::Error error;
  error.set_code("NOT_LEADER");
  error.set_message("this node is a mirror of " + leader);
  error.set_leader(leader);
  return error;
}

TEST(MembersTest, ParsesAddressesInOrder) {
  Members members = Parsed("127.0.0.1:7600,[::1]:7601,node.example:1");
  EXPECT_EQ(members.addresses(),
            (std::vector<std::string>{"127.0.0.1:7600", "[::1]:7601", "node.example:1"}));
  EXPECT_EQ(members.list(), "127.0.0.1:7600,[::1]:7601,node.example:1");
  EXPECT_EQ(members.connected(), "");
}

TEST(MembersTest, HostileListsAreRefusedNamingTheMember) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "no node address given"},
      {"a:1,,b:2", "member 2 of 'a:1,,b:2' is empty"},
      {"a:1,", "member 2 of 'a:1,' is empty"},
      {",a:1", "member 1 of ',a:1' is empty"},
      {",", "member 1 of ',' is empty"},
      {"a:1,b", "member 2 of 'a:1,b': address 'b' is not HOST:PORT"},
      {"a", "address 'a' is not HOST:PORT"},
      {"a:1,b:70000", "port '70000' in 'b:70000' is not 0-65535"},
      {"a:1,b:", "port '' in 'b:' is not 0-65535"},
      {"a:1, b:2", "member 2 of 'a:1, b:2': address ' b:2' holds white space"},
      {"a:1,b:2\n", "holds white space"},
      {"a:1,[::1:2", "is not [IPv6]:PORT"},
  };
  for (const auto& [list, message] : cases) {
    StatusOr<Members> members = Members::Parse(list);
    ASSERT_FALSE(members.ok()) << "'" << list << "'";
    EXPECT_EQ(members.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(members.status().message(), HasSubstr(message)) << "'" << list << "'";
    EXPECT_THAT(members.status().message(), HasSubstr("give HOST:PORT[,HOST:PORT...]"));
  }
}

TEST(MembersTest, AnUnreachableMemberIsPassedOverAndTheOneThatAnsweredRemembered) {
  ClosedPort closed;
  ListeningPort open;
  Members members = Parsed(closed.address() + "," + open.address());
  Skips skips;
  StatusOr<std::unique_ptr<Client>> first = members.Connect({}, nullptr, skips.note());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ((*first)->address(), open.address());
  EXPECT_EQ(members.connected(), open.address());
  EXPECT_EQ(skips.members, std::vector<std::string>{closed.address()});

  // The next connection starts with the member that answered.
  skips.members.clear();
  ASSERT_TRUE(members.Connect({}, nullptr, skips.note()).ok());
  EXPECT_TRUE(skips.members.empty());

  // An answer lost there: the next starts after it, round to the first.
  members.SkipConnected();
  ASSERT_TRUE(members.Connect({}, nullptr, skips.note()).ok());
  EXPECT_EQ(skips.members, std::vector<std::string>{closed.address()});
  EXPECT_EQ(members.connected(), open.address());
}

TEST(MembersTest, AMemberFailingTheProbeIsPassedOverWithItsReason) {
  ListeningPort first, second;
  Members members = Parsed(first.address() + "," + second.address());
  std::vector<std::string> probed;
  auto probe = [&](Client&, const std::string& member) {
    probed.push_back(member);
    return member == first.address() ? UnavailableError("no checkpoint published yet") : OkStatus();
  };
  std::ostringstream notes;
  StatusOr<std::unique_ptr<Client>> client =
      members.Connect({}, probe, SkipNoteTo(notes, "prog: "));
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  EXPECT_EQ(members.connected(), second.address());
  EXPECT_EQ(probed, (std::vector<std::string>{first.address(), second.address()}));
  EXPECT_EQ(notes.str(),
            "prog: skipping member " + first.address() + ": no checkpoint published yet\n");
}

TEST(MembersTest, ANoteIsOneLineWhateverTheNodeSaid) {
  std::ostringstream notes;
  SkipNoteTo(notes, "")("a:1", UnavailableError("line one\nline two\r\x1b[31m"));
  EXPECT_EQ(notes.str(), "skipping member a:1: line one line two  [31m\n");
}

TEST(MembersTest, WhenNoMemberAnswersTheErrorNamesEach) {
  ClosedPort first, second;
  Members members = Parsed(first.address() + "," + second.address());
  Skips skips;
  StatusOr<std::unique_ptr<Client>> client = members.Connect({}, nullptr, skips.note());
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), StatusCode::kUnavailable);
  const std::string& message = client.status().message();
  EXPECT_THAT(message, HasSubstr("no member of " + members.list() + " answered: "));
  for (const std::string& member : {first.address(), second.address()}) {
    EXPECT_THAT(message, HasSubstr(member + ": cannot connect to the node at " + member));
  }
  // The last failure is in the error, not in a note.
  EXPECT_EQ(skips.members, std::vector<std::string>{first.address()});
  EXPECT_EQ(members.connected(), "");

  // One member: its own error, as Client::Connect gives it.
  Members one = Parsed(first.address());
  StatusOr<std::unique_ptr<Client>> alone = one.Connect({});
  ASSERT_FALSE(alone.ok());
  EXPECT_THAT(alone.status().message(),
              HasSubstr("cannot connect to the node at " + first.address()));
  EXPECT_THAT(alone.status().message(), ::testing::Not(HasSubstr("no member")));
}

TEST(MembersTest, FailuresOfOneKindKeepTheirCode) {
  ListeningPort first, second;
  Members members = Parsed(first.address() + "," + second.address());
  auto refuse = [](Client&, const std::string&) { return NotAuthorizedError("private"); };
  StatusOr<std::unique_ptr<Client>> client = members.Connect({}, refuse);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), StatusCode::kNotAuthorized);
}

TEST(MembersTest, AnUnusableTlsCaFileEndsTheTryAtOnce) {
  ListeningPort first, second;
  Members members = Parsed(first.address() + "," + second.address());
  ClientOptions options;
  options.tls_ca_file = "/nonexistent/ca.pem";
  Skips skips;
  StatusOr<std::unique_ptr<Client>> client = members.Connect(options, nullptr, skips.note());
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(skips.members.empty());
}

TEST(MembersTest, NotLeaderIsFollowedOnceToAWellFormedWriter) {
  ListeningPort mirror, writer;
  Members members = Parsed(mirror.address());
  ASSERT_TRUE(members.Connect({}).ok());
  EXPECT_EQ(members.connected(), mirror.address());

  pb::Error other;
  other.set_code("UNAVAILABLE");
  other.set_leader(writer.address());
  EXPECT_FALSE(members.FollowLeader(other));
  EXPECT_FALSE(members.FollowLeader(NotLeader("")));
  EXPECT_FALSE(members.FollowLeader(NotLeader("no port")));
  EXPECT_FALSE(members.FollowLeader(NotLeader(" " + writer.address())));

  ASSERT_TRUE(members.FollowLeader(NotLeader(writer.address())));
  ASSERT_TRUE(members.Connect({}).ok());
  EXPECT_EQ(members.connected(), writer.address());
  // A writer that says NOT_LEADER too is not chased further.
  EXPECT_FALSE(members.FollowLeader(NotLeader(mirror.address())));

  // A lost answer forgets the writer: back to the members.
  members.SkipConnected();
  ASSERT_TRUE(members.Connect({}).ok());
  EXPECT_EQ(members.connected(), mirror.address());
}

TEST(MembersTest, AWriterThatCannotBeReachedIsTheError) {
  ListeningPort mirror;
  ClosedPort writer;
  Members members = Parsed(mirror.address());
  ASSERT_TRUE(members.FollowLeader(NotLeader(writer.address())));
  StatusOr<std::unique_ptr<Client>> client = members.Connect({});
  ASSERT_FALSE(client.ok());
  EXPECT_THAT(client.status().message(), HasSubstr(writer.address()));
}

}  // namespace
}  // namespace creg
