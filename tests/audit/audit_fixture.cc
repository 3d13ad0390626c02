#include "tests/audit/audit_fixture.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "ledger/encoding.h"
#include "ledger/json.h"
#include "ledger/log_entry.h"
#include "ledger/merkle.h"
#include "ledger/registry/certificate.h"
#include "ledger/registry/transaction.h"
#include "ledger/store.h"

#ifndef CREG_AUDIT_BIN
#error "CREG_AUDIT_BIN must name the creg-audit binary"
#endif

namespace creg::testing {
namespace {

uint64_t IndexOf(const Verdict& v) {
  EXPECT_TRUE(IsAccepted(v)) << Describe(v);
  return IsAccepted(v) ? AcceptedOf(v).entry_index : 0;
}

std::string ShellQuote(const std::string& word) {
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

StoryData::StoryData(const TempDir& dir, const std::string& name) : root_(dir.Sub(name)) {
  std::filesystem::create_directories(root_);
  harness_ = std::make_unique<RegistryHarness>(dir, name + "/db");
  RegistryHarness& h = *harness_;
  IndexOf(h.OpenAccount("developer"));
  IndexOf(h.OpenAccount("organiser"));
  IndexOf(h.RegisterProject(Story::kProjectA, "developer", "KE"));
  IndexOf(h.RegisterProject(Story::kProjectB, "developer", "CN"));
  IndexOf(h.Issue(Story::kProjectA, 1000, "developer", "VR-A-2025"));
  IndexOf(h.Issue(Story::kProjectB, 500, "developer", "VR-B-2025"));
  IndexOf(h.TransferQuantity("developer", "organiser", 1, 500));
  IndexOf(h.TransferQuantity("developer", "organiser", 2, 100));
  story_.labelling = IndexOf(h.AddLabel("ccp", {Serials(1, 1, 125)}));
  story_.retirement = IndexOf(h.RetireQuantity("organiser", 1, 120, Story::kBeneficiary));

  // The organiser rotates its key: signed by the old key, naming the new.
  std::string old_pem = h.KeyOf("organiser").ToPem();
  const PrivateKey& fresh = h.NewKeyFor("organiser");
  pb::TransactionBody rotate = h.Body();
  rotate.mutable_rotate_key()->set_account_id("organiser");
  rotate.mutable_rotate_key()->set_new_public_key(fresh.public_key().raw());
  PrivateKey old_key = PrivateKey::FromPem(old_pem).value();
  story_.rotation = IndexOf(h.SubmitSigned(SignTransaction(rotate, "organiser", old_key)));

  // Ghana (the story's host party) authorises the organiser's credits that
  // the next retirement uses for OIMP.
  story_.authorization = IndexOf(h.Authorize({Serials(1, 121, 130), Serials(2, 1, 100)},
                                             {pb::AUTHORIZED_NDC, pb::AUTHORIZED_OIMP},
                                             pb::FIRST_TRANSFER_USE_OR_CANCELLATION));

  pb::TransactionBody retire = h.Body();
  auto* op = retire.mutable_retire();
  op->set_account("organiser");
  *op->mutable_credits()->add_blocks() = Serials(1, 121, 130);
  *op->mutable_credits()->add_blocks() = Serials(2, 1, 5);
  op->set_beneficiary("Example Sponsor Ltd");
  op->set_reason(pb::VOLUNTARY_CORPORATE_INVENTORY);
  op->set_country_of_use("DE");
  op->set_claim_reference("INV-2026-7");
  op->set_use(pb::CREDIT_USE_OIMP);
  op->set_using_entity("Example Airline");
  story_.multi_retirement = IndexOf(h.Submit(retire, "organiser"));
  story_.cancellation = IndexOf(h.CancelQuantity("developer", 1, 10));
  story_.adjustment = IndexOf(h.Adjust({Serials(2, 1, 5)}, pb::ADJUSTMENT_APPLIED));
  story_.term = IndexOf(h.AppendTerm(42));
  IndexOf(h.TransferQuantity("developer", "organiser", 1, 50));

  const MerkleLog& log = h.registry().log();
  story_.size = log.size();
  for (uint64_t size = 0; size <= story_.size; ++size) roots_.push_back(log.RootAt(size).value());
  signer_ = std::make_unique<NoteSigner>(
      NoteSigner::Create("test.creg.example-checkpoints",
                         PrivateKey::FromPem(RegistryHarness::RegistryKey().ToPem()).value())
          .value());
  WriteText(root_ + "/checkpoint", Note(story_.size));
  WriteText(root_ + "/verifier.key", VerifierKey() + "\n");
}

StoryData::~StoryData() = default;

void StoryData::Close() { harness_.reset(); }

std::string StoryData::Note(uint64_t size) const {
  return SignedNote(Checkpoint{RegistryHarness::kOrigin, size, roots_.at(size)});
}

std::string StoryData::SignedNote(const Checkpoint& checkpoint) const {
  return SignCheckpoint(checkpoint, *signer_);
}

void CopyDataDir(const std::string& from, const std::string& to) {
  std::filesystem::copy(from, to, std::filesystem::copy_options::recursive);
}

namespace {

std::unique_ptr<Store> OpenForDamage(const std::string& data_root) {
  StoreOptions options;
  options.sync = false;
  auto store = Store::Open(data_root + "/db", options, Registry::ColumnNames());
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

}  // namespace

void RewriteLog(const std::string& from, const std::string& to,
                const std::function<void(uint64_t index, pb::LogEntry& entry)>& edit) {
  std::vector<std::string> entries;
  {
    std::unique_ptr<Store> source = OpenForDamage(from);
    ASSERT_NE(source, nullptr);
    Hash prev;  // zeros for entry 0
    Status s = source->Scan(source->Column("log.entries").value(), "", "",
                            [&](std::string_view, std::string_view bytes) {
                              pb::LogEntry entry;
                              EXPECT_TRUE(entry.ParseFromString(std::string(bytes)));
                              edit(entries.size(), entry);
                              entry.set_prev_hash(prev.str());
                              entries.push_back(EncodeLogEntry(entry));
                              prev = merkle::LeafHash(entries.back());
                              return true;
                            });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  std::filesystem::create_directories(to);
  StoreOptions options;
  options.create_if_missing = true;
  options.sync = false;
  std::unique_ptr<Store> store = Store::Open(to + "/db", options, Registry::ColumnNames()).value();
  ASSERT_TRUE(Registry::Open(store.get(), RegistryHarness::Options()).ok());
  if (std::filesystem::exists(from + "/verifier.key")) {
    std::filesystem::copy_file(from + "/verifier.key", to + "/verifier.key");
  }
  std::unique_ptr<MerkleLog> log = MerkleLog::Open(store.get(), LogEntryLinkReader()).value();
  StatusOr<TreeHead> head = log->Append(entries);
  ASSERT_TRUE(head.ok()) << head.status().ToString();
}

std::string TwoOperationBody(const pb::TransactionBody& body) {
  EXPECT_FALSE(body.has_open_account());
  pb::TransactionBody decoy = body;
  decoy.mutable_open_account();  // replaces the operation: one oneof
  pb::TransactionBody operation = body;
  operation.clear_origin();
  operation.clear_nonce();
  operation.clear_created_micros();
  return decoy.SerializeAsString() + operation.SerializeAsString();
}

std::string WithSignedBody(const std::string& entry_bytes, const std::string& body_bytes,
                           const PrivateKey& key) {
  pb::LogEntry entry;
  EXPECT_TRUE(entry.ParseFromString(entry_bytes));
  pb::SignedTransaction tx;
  EXPECT_TRUE(tx.ParseFromString(entry.signed_transaction()));
  tx.set_body(body_bytes);
  tx.set_signature(key.Sign(TransactionSigningMessage(body_bytes)));
  entry.set_signed_transaction(tx.SerializeAsString());
  return EncodeLogEntry(entry);
}

std::string CertificateWithEntry(StoryData& data, uint64_t index, const std::string& entry_bytes) {
  Registry& registry = data.harness().registry();
  const uint64_t size = data.story().size;
  StatusOr<std::string> built =
      BuildRetirementCertificate(registry, "R" + std::to_string(index), data.Note(size), size);
  EXPECT_TRUE(built.ok()) << built.status().ToString();
  if (!built.ok()) return "";
  std::vector<Hash> leaves;
  for (uint64_t i = 0; i < index; ++i)
    leaves.push_back(merkle::LeafHash(registry.log().Entry(i).value()));
  leaves.push_back(merkle::LeafHash(entry_bytes));
  // Brute force: the perfect subtree of 2^level leaves from index << level.
  merkle::NodeSource nodes = [&](int level, uint64_t at) -> StatusOr<Hash> {
    std::vector<Hash> hashes(leaves.begin() + static_cast<ptrdiff_t>(at << level),
                             leaves.begin() + static_cast<ptrdiff_t>((at + 1) << level));
    while (hashes.size() > 1) {
      std::vector<Hash> up;
      for (size_t i = 0; i < hashes.size(); i += 2)
        up.push_back(merkle::NodeHash(hashes[i], hashes[i + 1]));
      hashes = std::move(up);
    }
    return hashes[0];
  };
  const uint64_t tree_size = index + 1;
  auto proof_of = [&](uint64_t i) {
    json::Array out;
    for (const Hash& h : merkle::InclusionProof(i, tree_size, nodes).value())
      out.emplace_back(h.ToBase64());
    return out;
  };
  json::Value doc = json::Parse(*built).value();
  doc.Set("entry", Base64Encode(entry_bytes));
  doc.Set("inclusion_proof", proof_of(index));
  for (const char* list : {"accounts", "issuances", "projects"}) {
    for (json::Value& e : doc.Find(list)->as_array()) {
      e.Set("inclusion_proof", proof_of(e.Find("entry_index")->as_uint()));
    }
  }
  doc.Set("checkpoint", data.SignedNote(Checkpoint{RegistryHarness::kOrigin, tree_size,
                                                   merkle::RootAt(tree_size, nodes).value()}));
  return json::Serialize(doc, /*pretty=*/true) + "\n";
}

std::optional<std::string> ReadRecord(const std::string& data_root, const std::string& column,
                                      const std::string& key) {
  std::unique_ptr<Store> store = OpenForDamage(data_root);
  if (store == nullptr) return std::nullopt;
  StatusOr<std::optional<std::string>> value = store->Get(store->Column(column).value(), key);
  EXPECT_TRUE(value.ok()) << value.status().ToString();
  return value.ok() ? *value : std::nullopt;
}

void WriteRecord(const std::string& data_root, const std::string& column, const std::string& key,
                 const std::optional<std::string>& value) {
  std::unique_ptr<Store> store = OpenForDamage(data_root);
  ASSERT_NE(store, nullptr);
  ColumnId cf = store->Column(column).value();
  WriteBatch batch(*store);
  if (value.has_value()) {
    batch.Put(cf, key, *value);
  } else {
    batch.Delete(cf, key);
  }
  ASSERT_TRUE(store->Write(batch).ok());
}

void EditRecord(const std::string& data_root, const std::string& column, const std::string& key,
                const std::function<void(std::string&)>& edit) {
  std::optional<std::string> value = ReadRecord(data_root, column, key);
  ASSERT_TRUE(value.has_value()) << "no record to edit in " << column;
  edit(*value);
  WriteRecord(data_root, column, key, value);
}

std::vector<std::string> ColumnKeys(const std::string& data_root, const std::string& column) {
  std::unique_ptr<Store> store = OpenForDamage(data_root);
  std::vector<std::string> keys;
  if (store == nullptr) return keys;
  Status s = store->Scan(store->Column(column).value(), "", "",
                         [&](std::string_view key, std::string_view) {
                           keys.emplace_back(key);
                           return true;
                         });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return keys;
}

std::string IndexKey(uint64_t index) {
  std::string key;
  AppendBigEndian64(&key, index);
  return key;
}

AuditResult RunAudit(const std::vector<std::string>& args, const std::string& stdin_path) {
  std::string command = ShellQuote(CREG_AUDIT_BIN);
  for (const std::string& arg : args) command += " " + ShellQuote(arg);
  command += " <" + ShellQuote(stdin_path.empty() ? "/dev/null" : stdin_path) + " 2>&1";
  AuditResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot run " << command;
    return result;
  }
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (std::getenv("CREG_AUDIT_TEST_VERBOSE") != nullptr) {
    std::fprintf(stderr, "$ %s\n%s[exit %d]\n", command.c_str(), result.output.c_str(),
                 result.exit_code);
  }
  return result;
}

void WriteText(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  ASSERT_TRUE(out.good()) << "cannot write " << path;
}

}  // namespace creg::testing
