// QuarantineTail (node/quarantine.h): the cut entries land, as stored, in
// DIR/quarantine/<term>-<first>-<end>.entries before the log is cut; a
// crash between the file and the cut is redone the same way; a file of
// the same name that holds something else is never overwritten; every
// refusal leaves the log as it was. CountQuarantined counts what the
// folder holds from the file names, whatever the files hold.
#include "node/quarantine.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "ledger/log_entry.h"

#include "tests/support/registry_fixture.h"
#include "tests/support/status_assertions.h"
#include "tests/support/temp_dir.h"

namespace creg {
namespace {

using testing::FailsWith;
using testing::IsAccepted;
using testing::RegistryHarness;

class QuarantineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    digest_at_[size()] = Digest();
    for (const char* id : {"developer", "organiser", "auditor", "broker", "buyer"}) {
      ASSERT_TRUE(IsAccepted(h_.OpenAccount(id)));
      digest_at_[size()] = Digest();
    }
    ASSERT_TRUE(IsAccepted(h_.RegisterProject("ke-cookstoves-001", "developer")));
    ASSERT_TRUE(IsAccepted(h_.Issue("ke-cookstoves-001", 100, "developer", "VR-1")));
    ASSERT_TRUE(IsAccepted(h_.TransferQuantity("developer", "organiser", 1, 40)));
    ASSERT_EQ(size(), 9u);
    digest_at_[size()] = Digest();
  }

  Registry& registry() { return h_.registry(); }
  uint64_t size() { return registry().log().size(); }
  std::string Digest() { return registry().StateDigest().value().ToHex(); }

  QuarantineRequest Request(uint64_t first) {
    QuarantineRequest request;
    request.first = first;
    request.term_revision = 28;
    request.reason = "past the registry's checkpoint of size 4 (etcd revision 27)";
    request.checkpoint_note = "quarantine.creg.example\n4\nAAAA\n\n— quarantine.creg.example x\n";
    return request;
  }

  testing::TempDir temp_;
  RegistryHarness h_{temp_};
  DataDir dir_{temp_.Sub("node")};
  std::map<uint64_t, std::string> digest_at_;  // state digest by log size
};

TEST_F(QuarantineTest, TailGoesToItsFileAndIsCutFromTheLog) {
  const std::vector<std::string> tail = registry().log().Entries(4, 9).value();
  StatusOr<Quarantined> moved = QuarantineTail(registry(), dir_, Request(4));
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->entries, 5u);
  EXPECT_EQ(moved->path, temp_.Sub("node/quarantine/28-4-9.entries"));
  EXPECT_EQ(moved->path, QuarantinePath(dir_, 28, 4, 9));

  StatusOr<pb::QuarantinedEntries> file = ReadQuarantineFile(moved->path);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->start(), 4u);
  EXPECT_EQ(std::vector<std::string>(file->entries().begin(), file->entries().end()), tail);
  EXPECT_EQ(file->reason(), Request(4).reason);
  EXPECT_EQ(file->checkpoint_note(), Request(4).checkpoint_note);
  EXPECT_EQ(file->term_revision(), 28);

  EXPECT_EQ(size(), 4u);
  EXPECT_EQ(Digest(), digest_at_.at(4));
}

TEST_F(QuarantineTest, NothingPastTheFirstEntryMovesNothing) {
  StatusOr<Quarantined> moved = QuarantineTail(registry(), dir_, Request(9));
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->entries, 0u);
  EXPECT_EQ(moved->path, "");
  EXPECT_FALSE(std::filesystem::exists(dir_.quarantine_dir()));
  EXPECT_TRUE(FailsWith(QuarantineTail(registry(), dir_, Request(10)).status(),
                        StatusCode::kOutOfRange, "the log has 9"));
  EXPECT_EQ(size(), 9u);
}

// A crash after the file is durable and before the cut (here: the cut's
// write fails, then the registry is opened again as after a restart).
TEST_F(QuarantineTest, CrashBetweenFileAndCutIsRedoneTheSameWay) {
  h_.store().SetWriteFault([] { return UnavailableError("killed before the cut"); });
  StatusOr<Quarantined> crashed = QuarantineTail(registry(), dir_, Request(4));
  EXPECT_EQ(crashed.status().code(), StatusCode::kUnavailable);
  h_.store().SetWriteFault(nullptr);
  const std::string path = QuarantinePath(dir_, 28, 4, 9);
  StatusOr<std::string> written = ReadFile(path);
  ASSERT_TRUE(written.ok()) << "the file is written before anything is cut";
  h_.Reopen();
  EXPECT_EQ(size(), 9u);
  EXPECT_EQ(Digest(), digest_at_.at(9));

  StatusOr<Quarantined> redone = QuarantineTail(registry(), dir_, Request(4));
  ASSERT_TRUE(redone.ok()) << redone.status().ToString();
  EXPECT_EQ(redone->path, path);
  EXPECT_EQ(redone->entries, 5u);
  EXPECT_EQ(ReadFile(path).value(), *written);
  EXPECT_EQ(size(), 4u);
  EXPECT_EQ(Digest(), digest_at_.at(4));

  // Once cut, the same request finds nothing more to do.
  StatusOr<Quarantined> again = QuarantineTail(registry(), dir_, Request(4));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->entries, 0u);
  EXPECT_EQ(ReadFile(path).value(), *written);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_.quarantine_dir()),
                          std::filesystem::directory_iterator()),
            1);
}

TEST_F(QuarantineTest, FileOfTheSameNameWithOtherEntriesIsKept) {
  std::filesystem::create_directories(dir_.quarantine_dir());
  const std::string path = QuarantinePath(dir_, 28, 4, 9);
  ASSERT_TRUE(WriteFileAtomically(path, "entries of another history").ok());
  StatusOr<Quarantined> refused = QuarantineTail(registry(), dir_, Request(4));
  EXPECT_TRUE(FailsWith(refused.status(), StatusCode::kFailedPrecondition, "holds other entries"));
  EXPECT_EQ(ReadFile(path).value(), "entries of another history");
  EXPECT_EQ(size(), 9u);
}

TEST_F(QuarantineTest, CutBelowAPublishedCheckpointIsRefusedAndTheLogKept) {
  registry().SetPrunableBelow(6);
  StatusOr<Quarantined> refused = QuarantineTail(registry(), dir_, Request(4));
  EXPECT_TRUE(FailsWith(refused.status(), StatusCode::kFailedPrecondition, "published checkpoint"));
  EXPECT_EQ(size(), 9u);
  // The entries are still in the log, so a file written for them is a copy.
  EXPECT_TRUE(ReadQuarantineFile(QuarantinePath(dir_, 28, 4, 9)).ok());
}

TEST_F(QuarantineTest, FileThatDoesNotDecodeIsDataLoss) {
  std::filesystem::create_directories(dir_.quarantine_dir());
  const std::string path = dir_.quarantine_dir() + "/1-2-3.entries";
  ASSERT_TRUE(WriteFileAtomically(path, "\xff\xff\xff").ok());
  EXPECT_TRUE(FailsWith(ReadQuarantineFile(path).status(), StatusCode::kDataLoss,
                        "is not a quarantine file"));
  EXPECT_EQ(ReadQuarantineFile(path + ".missing").status().code(), StatusCode::kNotFound);
}

// Two cuts, counted from their names: the entries of both.
TEST_F(QuarantineTest, CountIsTheEntriesOfEveryCutAndNoneWithoutAFolder) {
  StatusOr<QuarantineCount> none = CountQuarantined(dir_);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ(none->entries, 0u);
  EXPECT_EQ(none->files, 0u);
  EXPECT_EQ(QuarantinedEntriesAtOpen(dir_), 0u);

  ASSERT_TRUE(QuarantineTail(registry(), dir_, Request(7)).ok());
  ASSERT_TRUE(QuarantineTail(registry(), dir_, Request(4)).ok());
  StatusOr<QuarantineCount> two = CountQuarantined(dir_);
  ASSERT_TRUE(two.ok()) << two.status().ToString();
  EXPECT_EQ(two->entries, 5u);
  EXPECT_EQ(two->files, 2u);
  EXPECT_TRUE(two->unrecognised.empty());
  EXPECT_EQ(QuarantinedEntriesAtOpen(dir_), 5u);
}

// Hostile or stray files: one that does not decode counts as its name
// says; other names, folders and numbers that do not fit are listed and
// not counted; a half-written file is skipped; a sum past 64 bits stops
// at the largest value.
TEST_F(QuarantineTest, CountGoesByNamesAndListsWhatItDoesNotCount) {
  const std::string folder = dir_.quarantine_dir();
  std::filesystem::create_directories(folder + "/3-0-9.entries");
  for (const std::string name :
       {"9-2-5.entries", "notes.txt", "9-5-2.entries", "9-5-5.entries", "9--1-2.entries",
        "x-1-2.entries", "9-1-2-3.entries", "9-1-2.entries.bak", "-1-1-2.entries",
        "9-1-18446744073709551616.entries", "9-1-2.entries.tmp"}) {
    ASSERT_TRUE(WriteFileAtomically(folder + "/" + name, "\xff\xff\xff").ok()) << name;
  }
  StatusOr<QuarantineCount> count = CountQuarantined(dir_);
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(count->entries, 3u);
  EXPECT_EQ(count->files, 1u);
  EXPECT_EQ(count->unrecognised,
            (std::vector<std::string>{"-1-1-2.entries", "3-0-9.entries", "9--1-2.entries",
                                      "9-1-18446744073709551616.entries", "9-1-2-3.entries",
                                      "9-1-2.entries.bak", "9-5-2.entries", "9-5-5.entries",
                                      "notes.txt", "x-1-2.entries"}));
  EXPECT_EQ(QuarantinedEntriesAtOpen(dir_), 3u);

  ASSERT_TRUE(WriteFileAtomically(folder + "/9-0-18446744073709551615.entries", "").ok());
  EXPECT_EQ(CountQuarantined(dir_).value().entries, UINT64_MAX);
}

TEST_F(QuarantineTest, CountOfAQuarantineThatIsNotAFolderIsUnavailable) {
  std::filesystem::create_directories(dir_.root());
  ASSERT_TRUE(WriteFileAtomically(dir_.quarantine_dir(), "not a folder").ok());
  EXPECT_EQ(CountQuarantined(dir_).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(QuarantinedEntriesAtOpen(dir_), 0u);
}

// A file that decodes but does not hold a run of a log (a damaged disk, or
// another program's file) is DataLoss naming the file and what is wrong.
TEST_F(QuarantineTest, FileWhoseEntriesAreNotARunOfTheLogIsDataLoss) {
  std::filesystem::create_directories(dir_.quarantine_dir());
  const std::string path = dir_.quarantine_dir() + "/28-4-9.entries";
  const std::vector<std::string> tail = registry().log().Entries(4, 9).value();
  auto file_of = [&](uint64_t start, std::vector<std::string> entries) {
    pb::QuarantinedEntries file;
    file.set_start(start);
    for (std::string& entry : entries) file.add_entries(std::move(entry));
    file.set_reason("test");
    return file.SerializeAsString();
  };
  auto expect_refused = [&](const std::string& bytes, const std::string& message) {
    ASSERT_TRUE(WriteFileAtomically(path, bytes).ok());
    EXPECT_TRUE(FailsWith(ReadQuarantineFile(path).status(), StatusCode::kDataLoss, message));
    EXPECT_TRUE(FailsWith(ReadQuarantineFile(path).status(), StatusCode::kDataLoss, path));
  };

  ASSERT_TRUE(WriteFileAtomically(path, file_of(4, tail)).ok());
  EXPECT_TRUE(ReadQuarantineFile(path).ok()) << "the run as the log holds it";
  expect_refused(file_of(4, {}), "holds no entries");
  expect_refused(file_of(5, tail), "entry 5 says it is entry 4");
  expect_refused(file_of(4, {tail[0], tail[2]}), "entry 5 says it is entry 6");
  expect_refused(file_of(UINT64_MAX, {tail[0], tail[1]}), "past the largest index");
  expect_refused(file_of(4, {tail[0], "not an entry"}), "entry 5: entry bytes are not a LogEntry");
  // Entry 5 with its chain link cut: same index, another prev_hash.
  pb::LogEntry relinked = DecodeLogEntry(tail[1]).value();
  relinked.set_prev_hash(std::string(32, '\x01'));
  expect_refused(file_of(4, {tail[0], EncodeLogEntry(relinked)}),
                 "entry 5 does not name the leaf hash of the entry before it");
  // Entry 0 names 32 zero bytes.
  pb::LogEntry first = DecodeLogEntry(registry().log().Entry(0).value()).value();
  first.set_prev_hash(std::string(32, '\x01'));
  expect_refused(file_of(0, {EncodeLogEntry(first)}),
                 "entry 0 has a prev_hash that is not 32 zero bytes");
}

}  // namespace
}  // namespace creg
