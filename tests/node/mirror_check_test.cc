// MirrorCheck (node/mirror_check.h) without a network: a mirror keeps undo
// records only for the entries no checkpoint it verified and published
// covers, like a writer (CommitPipelineTest covers the writer); it accepts
// the writer's leader terms signed by the registry's key and stops at a
// forged one.
#include "node/mirror_check.h"

#include <gtest/gtest.h>

#include "ledger/encoding.h"
#include "ledger/log_entry.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/status_assertions.h"
#include "tests/support/temp_dir.h"

namespace creg {
namespace {

using testing::IsAccepted;
using testing::RegistryHarness;

TEST(MirrorCheckTest, PagesPruneUndoRecordsBelowTheVerifiedCheckpoint) {
  testing::TempDir dir;
  RegistryHarness writer(dir, "writer");
  for (const char* id : {"developer", "organiser", "auditor", "broker"}) {
    ASSERT_TRUE(IsAccepted(writer.OpenAccount(id)));
  }
  Checkpointer signed_by_writer(
      writer.registry().log(),
      NoteSigner::Create(RegistryHarness::kOrigin, PrivateKey::Generate().value()).value(),
      RegistryHarness::kOrigin, dir.Sub("writer-checkpoint"));
  ASSERT_TRUE(signed_by_writer.SignHead().ok());  // size 5
  ASSERT_TRUE(IsAccepted(writer.OpenAccount("buyer")));
  ASSERT_TRUE(IsAccepted(writer.OpenAccount("seller")));

  testing::ReplicaRegistry mirror;
  // The mirror publishes the writer's notes; its own key signs nothing here.
  Checkpointer published(
      mirror.registry->log(),
      NoteSigner::Create(RegistryHarness::kOrigin, PrivateKey::Generate().value()).value(),
      RegistryHarness::kOrigin, dir.Sub("mirror-checkpoint"));
  NoteVerifier verifier = NoteVerifier::FromVerifierKey(signed_by_writer.VerifierKey()).value();
  MirrorCheck check(*mirror.registry, published, verifier);
  const ColumnId undo = mirror.store->Column("reg.undo").value();
  auto has_record = [&](uint64_t entry) {
    std::string k;
    AppendBigEndian64(&k, entry);
    return mirror.store->Get(undo, k).value().has_value();
  };
  auto page = [&](uint64_t begin, uint64_t end) {
    pb::EntriesResponse response;
    response.set_start(begin);
    for (std::string& e : writer.registry().log().Entries(begin, end).value()) {
      response.add_entries(std::move(e));
    }
    return response;
  };

  ASSERT_TRUE(check.ApplyPage(page(0, 5)).ok());
  ASSERT_TRUE(check.CheckCheckpoint(signed_by_writer.latest()->note).ok());
  ASSERT_EQ(published.latest()->checkpoint.size, 5u);
  for (uint64_t entry = 0; entry < 5; ++entry) EXPECT_TRUE(has_record(entry)) << entry;
  ASSERT_TRUE(check.ApplyPage(page(5, 7)).ok());
  EXPECT_EQ(mirror.registry->prunable_below(), 5u);
  for (uint64_t entry = 0; entry < 7; ++entry) EXPECT_EQ(has_record(entry), entry >= 5) << entry;
}

pb::EntriesResponse Page(const Registry& registry, uint64_t begin, uint64_t end) {
  pb::EntriesResponse response;
  response.set_start(begin);
  for (std::string& e : registry.log().Entries(begin, end).value()) {
    response.add_entries(std::move(e));
  }
  return response;
}

TEST(MirrorCheckTest, AcceptsTheRegistrysLeaderTermAndStopsAtAForgedOne) {
  testing::TempDir dir;
  RegistryHarness writer(dir, "writer");
  ASSERT_TRUE(IsAccepted(writer.OpenAccount("developer")));
  ASSERT_TRUE(IsAccepted(writer.AppendTerm(42)));
  ASSERT_TRUE(IsAccepted(writer.OpenAccount("organiser")));
  ASSERT_TRUE(IsAccepted(writer.AppendTerm(57)));  // entry 4, the last
  // The writer's checkpoints are signed by the registry's key, the key
  // that signs its leader terms.
  Checkpointer signed_by_writer(
      writer.registry().log(),
      NoteSigner::Create(RegistryHarness::kOrigin,
                         PrivateKey::FromPem(RegistryHarness::RegistryKey().ToPem()).value())
          .value(),
      RegistryHarness::kOrigin, dir.Sub("writer-checkpoint"));
  ASSERT_TRUE(signed_by_writer.SignHead().ok());
  NoteVerifier verifier = NoteVerifier::FromVerifierKey(signed_by_writer.VerifierKey()).value();

  // A page whose last entry is the second term signed by another key.
  pb::EntriesResponse forged = Page(writer.registry(), 0, 5);
  pb::LogEntry entry = DecodeLogEntry(forged.entries(4)).value();
  entry.set_signed_transaction(
      testing::Resigned(entry.signed_transaction(), PrivateKey::Generate().value()));
  *forged.mutable_entries(4) = EncodeLogEntry(entry);

  testing::ReplicaRegistry mirror;
  Checkpointer published(
      mirror.registry->log(),
      NoteSigner::Create(RegistryHarness::kOrigin, PrivateKey::Generate().value()).value(),
      RegistryHarness::kOrigin, dir.Sub("mirror-checkpoint"));
  MirrorCheck check(*mirror.registry, published, verifier);
  const Status refused = check.ApplyPage(forged);
  EXPECT_TRUE(
      testing::FailsWith(refused, StatusCode::kDataLoss, "entry 4 from the writer fails a check"));
  EXPECT_TRUE(testing::FailsWith(refused, StatusCode::kDataLoss,
                                 "does not verify with the registry's key"));
  // What verified before it is kept; the forged term is not.
  EXPECT_EQ(mirror.registry->log().size(), 4u);
  EXPECT_EQ(mirror.registry->LatestTerm().value()->etcd_revision(), 42);

  ASSERT_TRUE(check.ApplyPage(Page(writer.registry(), 4, 5)).ok());
  ASSERT_TRUE(check.CheckCheckpoint(signed_by_writer.latest()->note).ok());
  EXPECT_EQ(published.latest()->checkpoint.size, 5u);
  EXPECT_EQ(mirror.registry->StateDigest().value(), writer.registry().StateDigest().value());
  EXPECT_EQ(mirror.registry->LatestTerm().value()->etcd_revision(), 57);
}

}  // namespace
}  // namespace creg
