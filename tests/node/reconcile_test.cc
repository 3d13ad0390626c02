// Reconciliation (node/reconcile.h) without a network: a member's log is
// made the registry's history up to etcd's checkpoint, with its own tail
// quarantined and the missing entries copied from peers and verified; a
// member about to mirror keeps exactly what it shares with the writer.
// Peers are other registries in the same process (PeerLog over a Registry).
#include "node/reconcile.h"

#include <gtest/gtest.h>

#include "tests/support/registry_fixture.h"
#include "tests/support/status_assertions.h"
#include "tests/support/temp_dir.h"

namespace creg {
namespace {

using testing::FailsWith;
using testing::IsAccepted;
using testing::RegistryHarness;

// A peer whose log is a registry in this process.
class RegistryPeer : public PeerLog {
 public:
  RegistryPeer(std::string name, const Registry& registry)
      : name_(std::move(name)), registry_(registry) {}
  const std::string& name() const override { return name_; }
  StatusOr<std::vector<std::string>> Entries(uint64_t start, uint64_t count) override {
    ++calls_;
    const uint64_t size = registry_.log().size();
    if (start >= size) return OutOfRangeError("past the end");
    // Short pages, so that paging is exercised.
    return registry_.log().Entries(start, std::min({size, start + count, start + 2}));
  }
  StatusOr<std::vector<std::string>> InclusionProof(uint64_t index, uint64_t size) override {
    CREG_ASSIGN_OR_RETURN(std::vector<Hash> proof, registry_.log().InclusionProof(index, size));
    std::vector<std::string> hashes;
    for (const Hash& h : proof) hashes.push_back(h.str());
    return hashes;
  }
  int calls() const { return calls_; }

 private:
  std::string name_;
  const Registry& registry_;
  int calls_ = 0;
};

class DownPeer : public PeerLog {
 public:
  const std::string& name() const override { return name_; }
  StatusOr<std::vector<std::string>> Entries(uint64_t, uint64_t) override {
    return UnavailableError("connection refused");
  }
  StatusOr<std::vector<std::string>> InclusionProof(uint64_t, uint64_t) override {
    return UnavailableError("connection refused");
  }

 private:
  std::string name_ = "127.0.0.1:9";
};

// A member: an empty registry, the checkpointer it publishes through, and
// the check that verifies what it copies with the writer's key.
struct Member {
  Member(const testing::TempDir& dir, const std::string& name, const NoteVerifier& verifier)
      : data(dir.Sub(name)),
        published(
            replica.registry->log(),
            NoteSigner::Create(RegistryHarness::kOrigin, PrivateKey::Generate().value()).value(),
            RegistryHarness::kOrigin, dir.Sub(name + "-checkpoint")),
        check(*replica.registry, published, verifier) {}

  Registry& registry() { return *replica.registry; }
  uint64_t size() { return registry().log().size(); }
  // Copies `from`'s entries [size(), end).
  void CopyFrom(const Registry& from, uint64_t end) {
    pb::EntriesResponse page;
    page.set_start(size());
    for (std::string& e : from.log().Entries(size(), end).value()) page.add_entries(std::move(e));
    ASSERT_TRUE(check.ApplyPage(page).ok());
  }
  ReconcileScope Scope(uint64_t published_size = 0) {
    return ReconcileScope{&data, published_size, 42};
  }

  testing::ReplicaRegistry replica;
  DataDir data;
  Checkpointer published;
  MirrorCheck check;
};

class ReconcileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* id : {"developer", "organiser", "auditor", "broker", "buyer"}) {
      ASSERT_TRUE(IsAccepted(writer_.OpenAccount(id)));
    }
    ASSERT_EQ(writer().log().size(), 6u);
  }

  Registry& writer() { return writer_.registry(); }
  // Entries the writer appends; each call makes different ones.
  void Append(int n) {
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(IsAccepted(writer_.OpenAccount("holder-" + std::to_string(next_holder_++))));
    }
  }
  // The writer appends 3 entries that `member` copies, then cuts them and
  // appends 2 others: the member holds a tail the registry did not keep.
  void GiveAStaleTail(Member& member) {
    Append(3);
    member.CopyFrom(writer(), 9);
    ASSERT_TRUE(writer().TruncateTo(6).ok());
    Append(2);
  }
  SignedCheckpoint CheckpointAt(uint64_t size) {
    EXPECT_TRUE(signer_.SignAt(size).ok());
    return *signer_.latest_signed();
  }
  // Reconciles `member` (nothing published) to the writer's checkpoint of `size`.
  StatusOr<Reconciled> Reconcile(Member& member, uint64_t size, std::span<PeerLog* const> peers) {
    return ReconcileToCheckpoint(member.registry(), member.check, member.Scope(),
                                 CheckpointAt(size), peers);
  }
  std::string Digest(Registry& registry) { return registry.StateDigest().value().ToHex(); }
  std::vector<std::string> EntriesOf(Registry& registry, uint64_t begin, uint64_t end) {
    return registry.log().Entries(begin, end).value();
  }

  testing::TempDir temp_;
  RegistryHarness writer_{temp_, "writer"};
  Checkpointer signer_{
      writer_.registry().log(),
      NoteSigner::Create(RegistryHarness::kOrigin, PrivateKey::Generate().value()).value(),
      RegistryHarness::kOrigin, temp_.Sub("writer-checkpoint")};
  NoteVerifier verifier_ = NoteVerifier::FromVerifierKey(signer_.VerifierKey()).value();
  int next_holder_ = 0;
};

TEST_F(ReconcileTest, AMemberHoldingTheCheckpointQuarantinesWhatFollowsIt) {
  Append(3);
  Member member(temp_, "m", verifier_);
  member.CopyFrom(writer(), 9);
  const std::vector<std::string> tail = EntriesOf(writer(), 6, 9);
  RegistryPeer never_asked("w", writer());
  PeerLog* peers[] = {&never_asked};

  StatusOr<Reconciled> done = Reconcile(member, 6, peers);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->kept, 6u);
  EXPECT_EQ(done->copied, 0u);
  EXPECT_EQ(never_asked.calls(), 0);
  EXPECT_EQ(done->quarantined.entries, 3u);
  pb::QuarantinedEntries file = ReadQuarantineFile(done->quarantined.path).value();
  EXPECT_EQ(file.start(), 6u);
  EXPECT_EQ(std::vector<std::string>(file.entries().begin(), file.entries().end()), tail);
  EXPECT_EQ(file.term_revision(), 42);
  EXPECT_EQ(member.size(), 6u);
  ASSERT_NE(member.published.latest(), nullptr);
  EXPECT_EQ(member.published.latest()->checkpoint.size, 6u);
}

TEST_F(ReconcileTest, MissingEntriesAreCopiedFromTheFirstPeerThatHasThem) {
  Append(3);
  Member member(temp_, "m", verifier_);
  member.CopyFrom(writer(), 4);
  DownPeer down;
  RegistryPeer peer("w", writer());
  PeerLog* peers[] = {&down, &peer};

  StatusOr<Reconciled> done = Reconcile(member, 9, peers);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->kept, 4u);
  EXPECT_EQ(done->copied, 5u);
  EXPECT_EQ(done->source, "w");
  EXPECT_EQ(done->quarantined.entries, 0u);
  EXPECT_EQ(Digest(member.registry()), Digest(writer()));
  EXPECT_EQ(member.published.latest()->checkpoint.size, 9u);
}

TEST_F(ReconcileTest, ADivergedTailIsQuarantinedAndTheRegistrysEntriesTakeItsPlace) {
  Member member(temp_, "m", verifier_);
  GiveAStaleTail(member);
  const std::vector<std::string> lost = EntriesOf(member.registry(), 6, 9);
  RegistryPeer peer("w", writer());
  PeerLog* peers[] = {&peer};

  StatusOr<Reconciled> done = Reconcile(member, 8, peers);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->kept, 6u);
  EXPECT_EQ(done->copied, 2u);
  EXPECT_EQ(done->quarantined.entries, 3u);
  pb::QuarantinedEntries file = ReadQuarantineFile(done->quarantined.path).value();
  EXPECT_EQ(std::vector<std::string>(file.entries().begin(), file.entries().end()), lost);
  EXPECT_EQ(Digest(member.registry()), Digest(writer()));
}

TEST_F(ReconcileTest, APeerWhoseEntriesGiveAnotherRootIsLeftForTheNext) {
  // `stale` holds the first tail; the registry's history has another.
  Member stale(temp_, "stale", verifier_);
  GiveAStaleTail(stale);
  Member member(temp_, "m", verifier_);
  member.CopyFrom(writer(), 6);
  RegistryPeer wrong("stale", stale.registry());
  RegistryPeer right("w", writer());
  PeerLog* peers[] = {&wrong, &right};

  StatusOr<Reconciled> done = Reconcile(member, 8, peers);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->source, "w");
  EXPECT_EQ(done->quarantined.entries, 0u);  // what `stale` sent was cut, not quarantined
  EXPECT_GT(wrong.calls(), 0);
  EXPECT_EQ(Digest(member.registry()), Digest(writer()));
}

TEST_F(ReconcileTest, APeerThatCannotProveItsEntryIsTheRegistrysCutsNothing) {
  Member stale(temp_, "stale", verifier_);
  GiveAStaleTail(stale);
  Member member(temp_, "m", verifier_);
  member.CopyFrom(writer(), 7);  // the registry's entries, one short of its checkpoint
  RegistryPeer wrong("stale", stale.registry());
  RegistryPeer right("w", writer());
  PeerLog* peers[] = {&wrong, &right};

  StatusOr<Reconciled> done = Reconcile(member, 8, peers);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  // `stale` differs at entry 6 but cannot prove its entry: the member's
  // own entry 6 stays, and only entry 7 is copied.
  EXPECT_EQ(done->quarantined.entries, 0u);
  EXPECT_EQ(done->kept, 7u);
  EXPECT_EQ(done->copied, 1u);
  EXPECT_EQ(done->source, "w");
  EXPECT_EQ(Digest(member.registry()), Digest(writer()));
}

TEST_F(ReconcileTest, WithoutAPeerThatHasTheEntriesNothingIsCopiedAndTheErrorNamesEachPeer) {
  Append(3);
  Member member(temp_, "m", verifier_);
  member.CopyFrom(writer(), 4);
  const std::string digest = Digest(member.registry());
  testing::ReplicaRegistry empty;
  DownPeer down;
  RegistryPeer short_peer("short", *empty.registry);
  PeerLog* peers[] = {&down, &short_peer};

  StatusOr<Reconciled> done = Reconcile(member, 9, peers);
  EXPECT_TRUE(FailsWith(done.status(), StatusCode::kUnavailable, "entries [4, 9)"));
  EXPECT_TRUE(
      FailsWith(done.status(), StatusCode::kUnavailable, "127.0.0.1:9: connection refused"));
  EXPECT_TRUE(FailsWith(done.status(), StatusCode::kUnavailable,
                        "short: its log ends at entry 0, before entry 9"));
  EXPECT_EQ(member.size(), 4u);
  EXPECT_EQ(Digest(member.registry()), digest);
  EXPECT_EQ(member.published.latest(), nullptr);
}

TEST_F(ReconcileTest, ACheckpointBehindWhatTheMemberPublishedIsTheAlarm) {
  Member member(temp_, "m", verifier_);
  member.CopyFrom(writer(), 6);
  StatusOr<Reconciled> done =
      ReconcileToCheckpoint(member.registry(), member.check, member.Scope(6), CheckpointAt(5), {});
  EXPECT_TRUE(
      FailsWith(done.status(), StatusCode::kDataLoss, "is behind the checkpoint of size 6"));
  EXPECT_EQ(member.size(), 6u);
}

TEST_F(ReconcileTest, AMirrorKeepsWhatItSharesWithTheWriterAndQuarantinesTheRest) {
  Append(3);
  Member member(temp_, "m", verifier_);
  member.CopyFrom(writer(), 9);
  ASSERT_TRUE(writer().TruncateTo(7).ok());
  RegistryPeer peer("w", writer());

  // The writer's log is a prefix of the member's: the rest goes aside.
  StatusOr<Reconciled> done = ReconcileWithWriter(member.registry(), member.Scope(), peer);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->kept, 7u);
  EXPECT_EQ(done->quarantined.entries, 2u);
  EXPECT_EQ(member.size(), 7u);

  // The writer went on: the member holds a prefix of its log and keeps it.
  Append(3);
  done = ReconcileWithWriter(member.registry(), member.Scope(), peer);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->kept, 7u);
  EXPECT_EQ(done->quarantined.entries, 0u);
  EXPECT_EQ(member.size(), 7u);
}

TEST_F(ReconcileTest, AWriterContradictingAPublishedCheckpointIsTheAlarmAndCutsNothing) {
  Member member(temp_, "m", verifier_);
  member.CopyFrom(writer(), 6);
  testing::TempDir other_dir;
  RegistryHarness other(other_dir, "other");  // another operator key: another entry 0
  for (int i = 0; i < 7; ++i)
    ASSERT_TRUE(IsAccepted(other.OpenAccount("holder-x" + std::to_string(i))));
  RegistryPeer peer("other", other.registry());

  StatusOr<Reconciled> done = ReconcileWithWriter(member.registry(), member.Scope(6), peer);
  EXPECT_TRUE(FailsWith(done.status(), StatusCode::kDataLoss, "two histories: entry 5 of other"));
  EXPECT_EQ(member.size(), 6u);
}

}  // namespace
}  // namespace creg
