// Backups of a data folder (ledger/registry/backup.h) on a real registry:
// whole, consistent while writes go on, refused without side effects.
#include "ledger/registry/backup.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "ledger/data_dir.h"
#include "ledger/registry/registry.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/temp_dir.h"

namespace creg {
namespace {

using testing::IsAccepted;
using testing::RegistryHarness;
using testing::TempDir;

// A data folder whose database is the harness's registry.
struct DataFolder {
  DataFolder() : harness(dir, "data/db"), data(dir.Sub("data")) {
    std::filesystem::create_directories(data.keys_dir());
    EXPECT_TRUE(WriteFileAtomically(data.checkpoint_key_path(), "checkpoint key", 0600).ok());
    EXPECT_TRUE(WriteFileAtomically(data.verifier_key_path(), "verifier key").ok());
    EXPECT_TRUE(WriteFileAtomically(data.checkpoint_path(), "signed note").ok());
  }
  TempDir dir;
  RegistryHarness harness;
  DataDir data;
};

void AddAccounts(RegistryHarness& harness, int count, const std::string& prefix) {
  for (int i = 0; i < count; ++i) {
    ASSERT_TRUE(IsAccepted(harness.OpenAccount(prefix + std::to_string(i))));
  }
}

// The backup's log, read back through a registry of its own.
struct OpenedBackup {
  explicit OpenedBackup(const std::string& root, bool read_only = true) {
    StoreOptions options;
    options.read_only = read_only;
    store = Store::Open(DataDir(root).db_path(), options, Registry::ColumnNames()).value();
    registry = Registry::Open(store.get(), {}).value();
  }
  std::unique_ptr<Store> store;
  std::unique_ptr<Registry> registry;
};

TEST(BackupTest, CopiesTheKeysTheNoteAndTheWholeLog) {
  DataFolder folder;
  AddAccounts(folder.harness, 20, "holder-");
  const std::string to = folder.dir.Sub("backup");

  StatusOr<BackupResult> made = BackupDataDir(folder.data, folder.harness.store(), to);
  ASSERT_TRUE(made.ok()) << made.status().ToString();

  const MerkleLog& source = folder.harness.registry().log();
  EXPECT_EQ(made->entries, source.size());
  EXPECT_GT(made->database_bytes, 0u);
  DataDir copy(to);
  EXPECT_EQ(ReadFile(copy.checkpoint_key_path()).value(), "checkpoint key");
  EXPECT_EQ(ReadFile(copy.verifier_key_path()).value(), "verifier key");
  EXPECT_EQ(ReadFile(copy.checkpoint_path()).value(), "signed note");
  EXPECT_FALSE(std::filesystem::exists(copy.operator_key_path()));
  auto mode = std::filesystem::status(copy.checkpoint_key_path()).permissions();
  EXPECT_EQ(mode & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
  EXPECT_FALSE(std::filesystem::exists(to + ".partial"));

  OpenedBackup opened(to);
  EXPECT_EQ(opened.registry->log().size(), source.size());
  EXPECT_EQ(opened.registry->log().RootAt(source.size()).value(), source.head().root);
}

TEST(BackupTest, IsOneMomentOfTheLogWhileWritesGoOn) {
  DataFolder folder;
  AddAccounts(folder.harness, 5, "before-");
  const uint64_t before = folder.harness.registry().log().size();
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; i < 2000 && !stop.load(); ++i) {
      ASSERT_TRUE(IsAccepted(folder.harness.OpenAccount("during-" + std::to_string(i))));
    }
  });
  const std::string to = folder.dir.Sub("backup");
  StatusOr<BackupResult> made = BackupDataDir(folder.data, folder.harness.store(), to);
  stop = true;
  writer.join();
  ASSERT_TRUE(made.ok()) << made.status().ToString();

  const MerkleLog& source = folder.harness.registry().log();
  EXPECT_GE(made->entries, before);
  EXPECT_LE(made->entries, source.size());
  OpenedBackup opened(to);
  // The copy is a prefix of the log that went on growing.
  EXPECT_EQ(opened.registry->log().head().root, source.RootAt(made->entries).value());
  EXPECT_TRUE(opened.registry->log().RecomputeRoot(made->entries).ok());
}

TEST(BackupTest, ContinuesFromTheSameSizeWhenServed) {
  DataFolder folder;
  AddAccounts(folder.harness, 3, "holder-");
  const std::string to = folder.dir.Sub("backup");
  StatusOr<BackupResult> made = BackupDataDir(folder.data, folder.harness.store(), to);
  ASSERT_TRUE(made.ok()) << made.status().ToString();

  // The original goes on; the backup, opened for writing, accepts the same
  // next transaction at the same index.
  OpenedBackup opened(to, /*read_only=*/false);
  EXPECT_EQ(opened.registry->log().size(), made->entries);
  const std::string next = folder.harness.SignedOpenAccount("after-backup");
  Verdict in_original = folder.harness.SubmitSigned(next);
  ASSERT_TRUE(IsAccepted(in_original));
  StatusOr<Verdict> in_backup = opened.registry->Submit(next);
  ASSERT_TRUE(in_backup.ok()) << in_backup.status().ToString();
  ASSERT_TRUE(IsAccepted(*in_backup));
  EXPECT_EQ(testing::AcceptedOf(*in_backup).entry_index,
            testing::AcceptedOf(in_original).entry_index);
}

TEST(BackupTest, RefusesAnExistingDestinationAndTouchesNothing) {
  DataFolder folder;
  const std::string to = folder.dir.Sub("taken");
  std::filesystem::create_directories(to);
  StatusOr<BackupResult> made = BackupDataDir(folder.data, folder.harness.store(), to);
  ASSERT_EQ(made.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(made.status().message().find(to), std::string::npos);
  EXPECT_TRUE(std::filesystem::is_empty(to));
  EXPECT_FALSE(std::filesystem::exists(to + ".partial"));
}

TEST(BackupTest, RefusesAMissingParentFolder) {
  DataFolder folder;
  StatusOr<BackupResult> made =
      BackupDataDir(folder.data, folder.harness.store(), folder.dir.Sub("no/such/backup"));
  EXPECT_EQ(made.status().code(), StatusCode::kNotFound);
}

TEST(BackupTest, LeavesNoPartialFolderWhenAFileIsMissing) {
  DataFolder folder;
  std::filesystem::remove(folder.data.checkpoint_key_path());
  const std::string to = folder.dir.Sub("backup");
  StatusOr<BackupResult> made = BackupDataDir(folder.data, folder.harness.store(), to);
  ASSERT_FALSE(made.ok());
  EXPECT_NE(made.status().message().find("checkpoint.key"), std::string::npos)
      << made.status().ToString();
  EXPECT_FALSE(std::filesystem::exists(to));
  EXPECT_FALSE(std::filesystem::exists(to + ".partial"));
}

}  // namespace
}  // namespace creg
