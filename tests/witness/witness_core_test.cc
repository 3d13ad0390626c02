// The witness in process (tools/witness/witness.h): racing requests for one
// log never roll its state back, a torn record falls back to the one
// before, and a damaged state stops the witness instead of letting it
// start over from size 0.
#include "tools/witness/witness.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>
#include <vector>

#include "ledger/data_dir.h"
#include "ledger/hash.h"
#include "ledger/witness_protocol.h"
#include "tests/support/synthetic_log.h"
#include "tests/support/temp_dir.h"

namespace creg::witness {
namespace {

using testing::SyntheticLog;
using testing::TempDir;

constexpr char kOrigin[] = "log.example/core";

StatusOr<std::unique_ptr<Witness>> MakeWitness(const std::string& dir, const SyntheticLog& log) {
  CosignatureSigner signer =
      CosignatureSigner::Create("witness.example/core", PrivateKey::Generate().value()).value();
  std::vector<NoteVerifier> logs = {NoteVerifier::FromVerifierKey(log.VerifierKey()).value()};
  CREG_ASSIGN_OR_RETURN(WitnessStore store, WitnessStore::Open(dir));
  return Witness::Create(std::move(signer), std::move(logs), std::move(store));
}

// The size the witness holds for the log (from a 409 to "old 0").
uint64_t HeldSize(Witness& witness, const SyntheticLog& log) {
  http::Answer answer = witness.AddCheckpoint(log.AddCheckpoint(0, log.size()));
  if (answer.status == 200) return 0;
  EXPECT_EQ(answer.status, 409u) << answer.body;
  return ParseTreeSizeBody(answer.body).value();
}

TEST(WitnessCoreTest, RacingRequestsForOneLogNeverRollItsStateBack) {
  TempDir dir;
  SyntheticLog log(kOrigin);
  log.Append(200);
  std::unique_ptr<Witness> witness = MakeWitness(dir.Sub("w"), log).value();
  std::atomic<uint64_t> largest_cosigned{0};
  std::atomic<int> cosigned{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      std::vector<uint64_t> sizes;
      for (uint64_t s = 5; s <= 200; s += 5) sizes.push_back(s);
      std::shuffle(sizes.begin(), sizes.end(), std::mt19937(t));
      auto record = [&](uint64_t size) {
        ++cosigned;
        uint64_t seen = largest_cosigned.load();
        while (seen < size && !largest_cosigned.compare_exchange_weak(seen, size)) {
        }
      };
      for (uint64_t size : sizes) {
        // Ask from 0 to learn the held size (the very first one is
        // cosigned), then from it; another thread may move it in between
        // (409) or past `size`.
        http::Answer probe = witness->AddCheckpoint(log.AddCheckpoint(0, size));
        if (probe.status == 200) record(size);
        if (probe.status != 409) continue;
        const uint64_t held = ParseTreeSizeBody(probe.body).value();
        if (held > size) continue;
        http::Answer answer = witness->AddCheckpoint(log.AddCheckpoint(held, size));
        EXPECT_TRUE(answer.status == 200 || answer.status == 409) << answer.body;
        if (answer.status == 200) record(size);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_GT(cosigned.load(), 0);
  // The state is the largest size ever cosigned: no late, smaller request
  // rolled it back.
  EXPECT_EQ(HeldSize(*witness, log), largest_cosigned.load());
  // And so is what a restarted witness reads back.
  witness.reset();
  witness = MakeWitness(dir.Sub("w"), log).value();
  EXPECT_EQ(HeldSize(*witness, log), largest_cosigned.load());
}

// Overwrites `bytes` at `offset` of the file at `path`.
void Scribble(const std::string& path, size_t offset, const std::string& bytes) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekp(static_cast<std::streamoff>(offset));
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(file.good()) << path;
}

TEST(WitnessCoreTest, ATornRecordFallsBackToThePreviousOne) {
  TempDir dir;
  SyntheticLog log(kOrigin);
  log.Append(12);
  {
    std::unique_ptr<Witness> witness = MakeWitness(dir.Sub("w"), log).value();
    ASSERT_EQ(witness->AddCheckpoint(log.AddCheckpoint(0, 8)).status, 200u);   // record 1, slot 1
    ASSERT_EQ(witness->AddCheckpoint(log.AddCheckpoint(8, 12)).status, 200u);  // record 2, slot 0
  }
  // A crash that tore the write of record 2: the state is record 1's.
  const std::string state = WitnessStore::Open(dir.Sub("w"))->PathOf(kOrigin);
  Scribble(state, 20, "torn");
  std::unique_ptr<Witness> witness = MakeWitness(dir.Sub("w"), log).value();
  EXPECT_EQ(HeldSize(*witness, log), 8u);
  // And it goes on from there, into the torn slot.
  ASSERT_EQ(witness->AddCheckpoint(log.AddCheckpoint(8, 12)).status, 200u);
  witness = MakeWitness(dir.Sub("w"), log).value();
  EXPECT_EQ(HeldSize(*witness, log), 12u);
}

TEST(WitnessCoreTest, DamagedStateStopsTheWitness) {
  TempDir dir;
  SyntheticLog log(kOrigin);
  log.Append(8);
  {
    std::unique_ptr<Witness> witness = MakeWitness(dir.Sub("w"), log).value();
    ASSERT_EQ(witness->AddCheckpoint(log.AddCheckpoint(0, 8)).status, 200u);
  }
  const WitnessStore store = WitnessStore::Open(dir.Sub("w")).value();
  const std::string state = store.PathOf(kOrigin);
  const std::string good = ReadFile(state).value();
  // Both records torn; a file cut short; the state of another origin.
  Scribble(state, 20, "torn");
  Scribble(state, 4096 + 20, "torn");
  StatusOr<std::unique_ptr<Witness>> witness = MakeWitness(dir.Sub("w"), log);
  ASSERT_FALSE(witness.ok());
  EXPECT_EQ(witness.status().code(), StatusCode::kDataLoss);
  ASSERT_TRUE(WriteFileAtomically(state, good.substr(0, 5000)).ok());
  EXPECT_EQ(MakeWitness(dir.Sub("w"), log).status().code(), StatusCode::kDataLoss);
  ASSERT_TRUE(store.OpenLog("other.example").ok());
  std::filesystem::copy_file(store.PathOf("other.example"), state,
                             std::filesystem::copy_options::overwrite_existing);
  witness = MakeWitness(dir.Sub("w"), log);
  ASSERT_FALSE(witness.ok());
  EXPECT_EQ(witness.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(witness.status().message().find("other.example"), std::string::npos);
}

TEST(WitnessCoreTest, ALogKeyGivenTwiceIsRefused) {
  TempDir dir;
  SyntheticLog log(kOrigin);
  CosignatureSigner signer =
      CosignatureSigner::Create("witness.example/core", PrivateKey::Generate().value()).value();
  const NoteVerifier key = NoteVerifier::FromVerifierKey(log.VerifierKey()).value();
  StatusOr<std::unique_ptr<Witness>> witness =
      Witness::Create(std::move(signer), {key, key}, WitnessStore::Open(dir.Sub("w")).value());
  ASSERT_FALSE(witness.ok());
  EXPECT_EQ(witness.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace creg::witness
