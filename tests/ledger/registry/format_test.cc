// The data format stamp: a new registry carries this build's format
// version, and a store in another format (or with none) is refused by name
// before any other record is read.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ledger/registry/registry.h"
#include "ledger/store.h"
#include "tests/support/status_assertions.h"
#include "tests/support/temp_dir.h"

namespace creg {
namespace {

using ::testing::HasSubstr;

class RegistryFormatTest : public ::testing::Test {
 protected:
  std::unique_ptr<Store> OpenStore() {
    StoreOptions options;
    options.create_if_missing = true;
    auto store = Store::Open(path_, options, Registry::ColumnNames());
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return std::move(store).value();
  }

  StatusOr<std::unique_ptr<Registry>> OpenRegistry(Store* store) {
    RegistryOptions options;
    options.origin = "format.creg.example";
    return Registry::Open(store, options);
  }

  // Makes a registry, then rewrites (or, with nullopt, deletes) its stamp.
  void MakeRegistryWithFormat(const std::optional<std::string>& format) {
    std::unique_ptr<Store> store = OpenStore();
    ASSERT_TRUE(OpenRegistry(store.get()).ok());
    ColumnId meta = store->Column("reg.meta").value();
    WriteBatch batch(*store);
    if (format.has_value()) {
      batch.Put(meta, "format", *format);
    } else {
      batch.Delete(meta, "format");
    }
    ASSERT_TRUE(store->Write(batch).ok());
  }

  creg::testing::TempDir dir_;
  std::string path_ = dir_.Sub("db");
};

TEST_F(RegistryFormatTest, NewRegistryIsStampedAndReopens) {
  {
    std::unique_ptr<Store> store = OpenStore();
    ASSERT_TRUE(OpenRegistry(store.get()).ok());
    auto stamp = store->Get(store->Column("reg.meta").value(), "format");
    ASSERT_TRUE(stamp.ok());
    EXPECT_EQ(stamp->value_or(""), std::to_string(Registry::kFormatVersion));
  }
  std::unique_ptr<Store> store = OpenStore();
  EXPECT_TRUE(OpenRegistry(store.get()).ok());
}

TEST_F(RegistryFormatTest, OtherFormatIsRefusedNamingBothVersions) {
  MakeRegistryWithFormat("99");
  std::unique_ptr<Store> store = OpenStore();
  auto registry = OpenRegistry(store.get());
  ASSERT_FALSE(registry.ok());
  EXPECT_EQ(registry.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(registry.status().message(), HasSubstr("is in data format 99"));
  EXPECT_THAT(registry.status().message(),
              HasSubstr("reads format " + std::to_string(Registry::kFormatVersion)));
}

TEST_F(RegistryFormatTest, UnstampedRegistryIsRefusedAndLeftAsItWas) {
  MakeRegistryWithFormat(std::nullopt);
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::unique_ptr<Store> store = OpenStore();
    auto registry = OpenRegistry(store.get());
    ASSERT_FALSE(registry.ok());
    EXPECT_EQ(registry.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_THAT(registry.status().message(), HasSubstr("has no data format record"));
    // Refusing writes nothing: the stamp is not added behind the operator's back.
    auto stamp = store->Get(store->Column("reg.meta").value(), "format");
    ASSERT_TRUE(stamp.ok());
    EXPECT_FALSE(stamp->has_value());
  }
}

// Format 8 added leader terms: a format-7 build would refuse the
// leader-term entries of its own log. A format-7 folder is refused by name.
TEST_F(RegistryFormatTest, FormatSevenFolderIsRefusedNamingBothVersions) {
  MakeRegistryWithFormat("7");
  std::unique_ptr<Store> store = OpenStore();
  auto registry = OpenRegistry(store.get());
  EXPECT_TRUE(testing::FailsWith(registry.status(), StatusCode::kFailedPrecondition,
                                 "is in data format 7; this build reads format 8 only"));
}

// A folder of format 6 has no reg.undo column family. Opening it with this
// build's columns neither fails on the missing family nor adds it: the
// registry is refused by its stamp, and the folder stays one that a
// format-6 build (which refuses unknown families) opens.
TEST_F(RegistryFormatTest, FormatSixFolderIsRefusedByItsStampAndLeftAsItWas) {
  std::vector<std::string> format_six_columns;
  for (const std::string& name : Registry::ColumnNames()) {
    if (name != "reg.undo") format_six_columns.push_back(name);
  }
  StoreOptions options;
  options.create_if_missing = true;
  {
    auto store = Store::Open(path_, options, format_six_columns);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ColumnId meta = (*store)->Column("reg.meta").value();
    WriteBatch batch(**store);
    batch.Put(meta, "origin", "format.creg.example");
    batch.Put(meta, "format", "6");
    ASSERT_TRUE((*store)->Write(batch).ok());
  }
  for (bool read_only : {false, true}) {
    options.read_only = read_only;
    auto store = Store::Open(path_, options, Registry::ColumnNames());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto missing = (*store)->Column("reg.undo");
    EXPECT_TRUE(testing::FailsWith(missing.status(), StatusCode::kFailedPrecondition,
                                   "no column family 'reg.undo'"));
    auto registry = OpenRegistry(store->get());
    ASSERT_FALSE(registry.ok());
    EXPECT_TRUE(testing::FailsWith(registry.status(), StatusCode::kFailedPrecondition,
                                   "is in data format 6; this build reads format " +
                                       std::to_string(Registry::kFormatVersion) + " only"));
  }
  options.read_only = false;
  auto as_before = Store::Open(path_, options, format_six_columns);
  EXPECT_TRUE(as_before.ok()) << as_before.status().ToString();
}

}  // namespace
}  // namespace creg
