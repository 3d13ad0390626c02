// EntryChain (tools/audit/entry_chain.h): resuming from a saved state at
// every size gives the same tree, and each kind of bad entry is refused.
#include "tools/audit/entry_chain.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "ledger/log_entry.h"
#include "ledger/merkle.h"
#include "ledger/registry/leader_term.h"
#include "ledger/registry/transaction.h"
#include "tests/support/status_assertions.h"

namespace creg::audit {
namespace {

using creg::testing::FailsWith;
using ::testing::HasSubstr;

constexpr char kOrigin[] = "chain.creg.example";

// Builds a log of signed entries: entry 0 is the operator opening its own
// account, as in every registry.
class LogMaker {
 public:
  LogMaker() { Add(OpenAccount("operator", op_key_), "operator", op_key_); }

  pb::TransactionBody Body(const std::string& origin = kOrigin) {
    pb::TransactionBody body;
    body.set_origin(origin);
    body.set_nonce("n" + std::to_string(nonce_++));
    return body;
  }
  pb::TransactionBody OpenAccount(const std::string& id, const PrivateKey& key) {
    pb::TransactionBody body = Body();
    body.mutable_open_account()->set_account_id(id);
    body.mutable_open_account()->set_role(id == "operator" ? pb::ROLE_OPERATOR : pb::ROLE_HOLDER);
    body.mutable_open_account()->set_public_key(key.public_key().raw());
    return body;
  }
  // Appends a correctly linked entry; returns its bytes.
  const std::string& Add(const pb::TransactionBody& body, const std::string& signer,
                         const PrivateKey& key) {
    return AddRaw(entries_.size(), SignTransaction(body, signer, key));
  }
  const std::string& AddRaw(uint64_t index, const std::string& signed_transaction) {
    pb::LogEntry entry;
    entry.set_index(index);
    entry.set_timestamp_micros(1'700'000'000'000'000 + static_cast<int64_t>(entries_.size()));
    entry.set_prev_hash(prev_.str());
    entry.set_signed_transaction(signed_transaction);
    entries_.push_back(EncodeLogEntry(entry));
    prev_ = merkle::LeafHash(entries_.back());
    return entries_.back();
  }
  // Opens `count` holder accounts signed by the operator.
  void AddAccounts(int count) {
    for (int i = 0; i < count; ++i) {
      Add(OpenAccount("holder-" + std::to_string(entries_.size()), PrivateKey::Generate().value()),
          "operator", op_key_);
    }
  }

  const std::vector<std::string>& entries() const { return entries_; }
  const PrivateKey& op_key() const { return op_key_; }

 private:
  PrivateKey op_key_ = PrivateKey::Generate().value();
  std::vector<std::string> entries_;
  Hash prev_;
  int nonce_ = 0;
};

TEST(EntryChainTest, ResumingAtEverySizeGivesTheSameTree) {
  LogMaker log;
  log.AddAccounts(22);
  const std::vector<std::string>& entries = log.entries();
  EntryChain whole(kOrigin, true);
  std::vector<Hash> roots = {whole.root()};
  for (const std::string& e : entries) {
    ASSERT_TRUE(whole.Append(e).ok());
    roots.push_back(whole.root());
  }
  EXPECT_EQ(roots.back(), merkle::RootAt(entries.size(), [&](int level, uint64_t index) {
                            // Brute force: hash the 2^level leaves from index << level.
                            std::vector<Hash> hashes;
                            for (uint64_t i = index << level; i < (index + 1) << level; ++i) {
                              hashes.push_back(merkle::LeafHash(entries[i]));
                            }
                            while (hashes.size() > 1) {
                              std::vector<Hash> up;
                              for (size_t i = 0; i < hashes.size(); i += 2) {
                                up.push_back(merkle::NodeHash(hashes[i], hashes[i + 1]));
                              }
                              hashes = up;
                            }
                            return StatusOr<Hash>(hashes[0]);
                          }).value());

  for (size_t stop = 0; stop <= entries.size(); ++stop) {
    EntryChain first(kOrigin, true);
    for (size_t i = 0; i < stop; ++i) ASSERT_TRUE(first.Append(entries[i]).ok());
    ChainState state = first.state();
    EXPECT_EQ(state.size, stop);
    EXPECT_EQ(state.Root().value(), roots[stop]) << "size " << stop;
    StatusOr<EntryChain> resumed = EntryChain::Resume(kOrigin, true, state);
    ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
    for (size_t i = stop; i < entries.size(); ++i) {
      ASSERT_TRUE(resumed->Append(entries[i]).ok()) << "resumed at " << stop << ", entry " << i;
    }
    EXPECT_EQ(resumed->root(), roots.back()) << "resumed at " << stop;
  }
}

TEST(EntryChainTest, AFrontierThatDoesNotFitTheSizeIsRefused) {
  ChainState state;
  state.size = 5;  // two set bits
  state.frontier = {Hash()};
  EXPECT_FALSE(state.Root().ok());
  EXPECT_FALSE(EntryChain::Resume(kOrigin, false, state).ok());
}

// Appends the entries of `log` to a fresh chain; the first problem.
Status Check(const LogMaker& log) {
  EntryChain chain(kOrigin, true);
  for (const std::string& e : log.entries()) CREG_RETURN_IF_ERROR(chain.Append(e));
  return OkStatus();
}

TEST(EntryChainTest, FollowsKeyRotations) {
  LogMaker log;
  PrivateKey old_key = PrivateKey::Generate().value();
  PrivateKey new_key = PrivateKey::Generate().value();
  log.Add(log.OpenAccount("holder", old_key), "operator", log.op_key());
  pb::TransactionBody rotate = log.Body();
  rotate.mutable_rotate_key()->set_account_id("holder");
  rotate.mutable_rotate_key()->set_new_public_key(new_key.public_key().raw());
  log.Add(rotate, "holder", old_key);
  EXPECT_TRUE(Check(log).ok());

  log.Add(log.OpenAccount("other", new_key), "holder", new_key);
  EXPECT_TRUE(Check(log).ok()) << Check(log).ToString();

  log.Add(log.OpenAccount("third", new_key), "holder", old_key);  // the replaced key
  Status s = Check(log);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("entry 4: its signature does not verify"));
}

// A leader term is checked against the registry's key the chain was given.
TEST(EntryChainTest, ChecksLeaderTermsWithTheRegistrysKey) {
  const PrivateKey registry_key = PrivateKey::Generate().value();
  const PrivateKey forger = PrivateKey::Generate().value();
  pb::LeaderTerm term;
  term.set_leader("10.0.0.1:7601");
  term.set_etcd_revision(42);
  term.set_cluster("c1");
  term.set_previous_size(1);
  term.set_previous_root(std::string(32, 'r'));
  auto check = [&](const PrivateKey& signer, std::optional<PublicKey> key) {
    LogMaker log;
    log.AddRaw(1, SignLeaderTerm(kOrigin, term, signer, 1));
    log.AddAccounts(1);
    EntryChain chain(kOrigin, true, std::move(key));
    for (const std::string& e : log.entries()) CREG_RETURN_IF_ERROR(chain.Append(e));
    return OkStatus();
  };
  EXPECT_TRUE(check(registry_key, registry_key.public_key()).ok());
  EXPECT_TRUE(FailsWith(check(forger, registry_key.public_key()), StatusCode::kDataLoss,
                        "entry 1: its leader term is not signed by the registry's key: "
                        "BAD_SIGNATURE"));
  EXPECT_TRUE(FailsWith(check(registry_key, std::nullopt), StatusCode::kDataLoss,
                        "cannot be checked without the registry's key"));
}

TEST(EntryChainTest, RefusesBadEntries) {
  PrivateKey stranger = PrivateKey::Generate().value();
  struct Case {
    const char* name;
    std::function<void(LogMaker&)> damage;
    const char* expected;
  };
  std::vector<Case> cases = {
      {"unknown signer",
       [&](LogMaker& l) { l.Add(l.OpenAccount("x", stranger), "nobody", stranger); },
       "entry 1: signed by account 'nobody', which the log has not opened"},
      {"wrong key", [&](LogMaker& l) { l.Add(l.OpenAccount("x", stranger), "operator", stranger); },
       "entry 1: its signature does not verify"},
      {"other origin",
       [&](LogMaker& l) {
         pb::TransactionBody body = l.OpenAccount("x", stranger);
         body.set_origin("elsewhere.example");
         l.Add(body, "operator", l.op_key());
       },
       "entry 1: its transaction is for registry 'elsewhere.example'"},
      {"index",
       [&](LogMaker& l) { l.AddRaw(7, SignTransaction(l.Body(), "operator", l.op_key())); },
       "entry 1: carries index 7"},
      {"undecodable transaction", [&](LogMaker& l) { l.AddRaw(1, "not a transaction"); },
       "entry 1: its transaction is refused: MALFORMED: transaction bytes are not a "
       "SignedTransaction"},
      {"non-canonical body",
       [&](LogMaker& l) {
         // Two operations, validly signed: protobuf reads the last one.
         pb::TransactionBody decoy = l.OpenAccount("decoy", stranger);
         pb::TransactionBody second;
         second.mutable_rotate_key()->set_account_id("operator");
         second.mutable_rotate_key()->set_new_public_key(stranger.public_key().raw());
         std::string body = decoy.SerializeAsString() + second.SerializeAsString();
         pb::SignedTransaction tx;
         tx.set_body(body);
         tx.set_signer("operator");
         tx.set_signature(l.op_key().Sign(TransactionSigningMessage(body)));
         l.AddRaw(1, tx.SerializeAsString());
       },
       "entry 1: its transaction is refused: MALFORMED: transaction body is not in canonical "
       "form: fields 10 (open_account) and 12 (rotate_key) of TransactionBody are both set"},
      {"second open",
       [&](LogMaker& l) { l.Add(l.OpenAccount("operator", stranger), "operator", l.op_key()); },
       "entry 1: opens account 'operator' a second time"},
  };
  for (const Case& c : cases) {
    LogMaker log;
    c.damage(log);
    Status s = Check(log);
    EXPECT_EQ(s.code(), StatusCode::kDataLoss) << c.name;
    EXPECT_THAT(s.message(), HasSubstr(c.expected)) << c.name;
  }

  // A broken link: entry 1 of another log after entry 0 of this one.
  LogMaker a, b;
  a.AddAccounts(1);
  b.AddAccounts(1);
  EntryChain chain(kOrigin, true);
  ASSERT_TRUE(chain.Append(a.entries()[0]).ok());
  Status s = chain.Append(b.entries()[1]);
  EXPECT_THAT(s.message(), HasSubstr("entry 1: prev_hash does not name the leaf hash of entry 0"));
  EXPECT_EQ(chain.size(), 2u);  // appended anyway, so later entries line up
}

}  // namespace
}  // namespace creg::audit
