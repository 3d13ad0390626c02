#include "ledger/registry/certificate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "ledger/encoding.h"
#include "ledger/json.h"
#include "ledger/log_entry.h"
#include "ledger/registry/transaction.h"
#include "tests/audit/audit_fixture.h"

namespace creg {
namespace {

using ::testing::HasSubstr;
using testing::Story;
using testing::StoryData;

// One story registry for the whole suite: every test only reads it.
class CertificateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new creg::testing::TempDir();
    story_data_ = new StoryData(*dir_);
  }
  static void TearDownTestSuite() {
    delete story_data_;
    delete dir_;
  }

  std::string Build(uint64_t entry_index) {
    StatusOr<std::string> cert =
        BuildRetirementCertificate(data_.harness().registry(), "R" + std::to_string(entry_index),
                                   data_.Note(data_.story().size), data_.story().size);
    EXPECT_TRUE(cert.ok()) << cert.status().ToString();
    return cert.ok() ? *cert : "";
  }
  NoteVerifier Verifier() { return NoteVerifier::FromVerifierKey(data_.VerifierKey()).value(); }
  StatusOr<VerifiedRetirement> Verify(const std::string& cert) {
    return VerifyRetirementCertificate(cert, Verifier());
  }
  // The certificate of the first retirement, edited as JSON.
  std::string Edited(const std::function<void(json::Value&)>& edit) {
    json::Value doc = json::Parse(Build(data_.story().retirement)).value();
    edit(doc);
    return json::Serialize(doc);
  }
  // Expects `cert` to be refused by check `check` with `code`.
  void ExpectRefused(const std::string& cert, std::string_view check, StatusCode code) {
    StatusOr<VerifiedRetirement> v = Verify(cert);
    ASSERT_FALSE(v.ok()) << "certificate was accepted";
    EXPECT_EQ(FailedCertificateCheck(v.status()), check) << v.status().ToString();
    EXPECT_EQ(v.status().code(), code) << v.status().ToString();
  }

  static creg::testing::TempDir* dir_;
  static StoryData* story_data_;
  StoryData& data_ = *story_data_;
};

creg::testing::TempDir* CertificateTest::dir_ = nullptr;
StoryData* CertificateTest::story_data_ = nullptr;

std::string FlipBase64Byte(const std::string& text, size_t offset) {
  std::string bytes = Base64Decode(text).value();
  bytes[offset % bytes.size()] ^= 0x01;
  return Base64Encode(bytes);
}

TEST_F(CertificateTest, RoundTripProvesTheRetirement) {
  const Story& story = data_.story();
  std::string cert = Build(story.retirement);
  StatusOr<VerifiedRetirement> v = Verify(cert);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->retirement_id, "R" + std::to_string(story.retirement));
  EXPECT_EQ(v->entry_index, story.retirement);
  EXPECT_EQ(v->origin, testing::RegistryHarness::kOrigin);
  EXPECT_EQ(v->checkpoint_size, story.size);
  EXPECT_EQ(v->checkpoint_root, data_.RootAt(story.size));
  EXPECT_EQ(v->account, "organiser");
  EXPECT_EQ(v->beneficiary, Story::kBeneficiary);
  EXPECT_EQ(v->reason, "VOLUNTARY_EVENT_OFFSET");
  EXPECT_EQ(v->purpose, "VOLUNTARY_EVENT_OFFSET: offsetting the emissions of the event");
  EXPECT_EQ(v->country_of_use, "CN");
  EXPECT_EQ(v->quantity, 120u);
  EXPECT_EQ(v->project_id, Story::kProjectA);
  EXPECT_THAT(v->serials,
              ::testing::ElementsAre("1-1-120-CREG-VCS-KE-ke-cookstoves-001-20250101-20251231"));
  ASSERT_EQ(v->batches.size(), 1u);
  EXPECT_EQ(v->batches[0].vintage_start, "2025-01-01");
  EXPECT_EQ(v->batches[0].vintage_end, "2025-12-31");
  EXPECT_EQ(v->key_rotations, 0u);
  EXPECT_THAT(v->retired_at,
              ::testing::MatchesRegex("20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-9:]{8}\\.[0-9]{6}Z"));

  // The document carries what DESIGN.md names, and the summary in full.
  json::Value doc = json::Parse(cert).value();
  EXPECT_EQ(doc.GetString("format").value(), kCertificateFormat);
  const json::Value& summary = *doc.Find("retirement");
  EXPECT_EQ(summary.GetString("retired_at").value(), v->retired_at);
  EXPECT_EQ(summary.GetUint("quantity").value(), 120u);
  EXPECT_EQ(doc.Find("accounts")->as_array().size(), 1u);
  EXPECT_EQ(doc.Find("issuances")->as_array().size(), 1u);
  EXPECT_EQ(doc.Find("projects")->as_array().size(), 1u);
}

TEST_F(CertificateTest, RetirementAfterKeyRotationAcrossTwoProjects) {
  const Story& story = data_.story();
  StatusOr<VerifiedRetirement> v = Verify(Build(story.multi_retirement));
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->key_rotations, 1u);
  EXPECT_EQ(v->quantity, 15u);
  EXPECT_EQ(v->project_id, std::string(Story::kProjectA) + "," + Story::kProjectB);
  EXPECT_EQ(v->purpose, "VOLUNTARY_CORPORATE_INVENTORY");
  EXPECT_EQ(v->claim_reference, "INV-2026-7");
  EXPECT_THAT(v->serials,
              ::testing::ElementsAre("1-121-130-CREG-VCS-KE-ke-cookstoves-001-20250101-20251231",
                                     "2-1-5-CREG-VCS-CN-cn-wind-002-20250101-20251231"));
  ASSERT_EQ(v->batches.size(), 2u);
  EXPECT_EQ(v->batches[1].quantity, 5u);
  EXPECT_EQ(v->batches[1].project_country, "CN");
}

TEST_F(CertificateTest, LabelsInForceAtRetirementAreProven) {
  const Story& story = data_.story();
  // Serials 1-125 of batch 1 carry ccp: all of the first retirement, and
  // 121-125 of the second.
  StatusOr<VerifiedRetirement> first = Verify(Build(story.retirement));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->labels.size(), 1u);
  EXPECT_EQ(first->labels[0].serials, "1-1-120-CREG-VCS-KE-ke-cookstoves-001-20250101-20251231");
  EXPECT_THAT(first->labels[0].labels, ::testing::ElementsAre("ccp"));
  std::string multi_cert = Build(story.multi_retirement);
  StatusOr<VerifiedRetirement> multi = Verify(multi_cert);
  ASSERT_TRUE(multi.ok()) << multi.status().ToString();
  ASSERT_EQ(multi->labels.size(), 1u);
  EXPECT_EQ(multi->labels[0].serials, "1-121-125-CREG-VCS-KE-ke-cookstoves-001-20250101-20251231");
  const json::Value doc = json::Parse(multi_cert).value();
  const json::Value& summary = *doc.Find("retirement");
  ASSERT_NE(summary.Find("labels"), nullptr);
  EXPECT_EQ(json::Serialize(*summary.Find("labels")),
            "[{\"serials\":\"1-121-125-CREG-VCS-KE-ke-cookstoves-001-20250101-20251231\","
            "\"labels\":[\"ccp\"]}]");

  // A summary that drops, changes or invents labels is refused.
  ExpectRefused(Edited([](json::Value& doc) {
                  json::Value& s = *doc.Find("retirement");
                  json::Object kept;
                  for (auto& [k, v] : s.as_object()) {
                    if (k != "labels") kept.emplace_back(k, v);
                  }
                  s = json::Value(std::move(kept));
                }),
                cert_check::kSummary, StatusCode::kDataLoss);
  ExpectRefused(Edited([](json::Value& doc) {
                  json::Value& run = doc.Find("retirement")->Find("labels")->as_array()[0];
                  run.Set("labels", json::Value(json::Array{json::Value("ccb")}));
                }),
                cert_check::kSummary, StatusCode::kDataLoss);
  ExpectRefused(
      Edited([](json::Value& doc) { doc.Find("retirement")->Set("colour", json::Value("green")); }),
      cert_check::kDocument, StatusCode::kInvalidArgument);
}

TEST_F(CertificateTest, UseAndArticle6AuthorisationAtRetirementAreProven) {
  const Story& story = data_.story();
  // The second retirement is for OIMP use of credits Ghana authorised:
  // 1:121-125 (also labelled ccp), 1:126-130 and 2:1-5. It is their first
  // transfer; the adjustment applied later does not change the certificate.
  std::string cert = Build(story.multi_retirement);
  StatusOr<VerifiedRetirement> v = Verify(cert);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->use, "oimp");
  EXPECT_EQ(v->using_entity, "Example Airline");
  ASSERT_EQ(v->article6.size(), 3u);
  EXPECT_EQ(v->article6[2].serials, "2-1-5-CREG-VCS-CN-cn-wind-002-20250101-20251231");
  const json::Value doc = json::Parse(cert).value();
  const json::Value& summary = *doc.Find("retirement");
  EXPECT_EQ(summary.GetString("use").value(), "oimp");
  EXPECT_EQ(summary.GetString("using_entity").value(), "Example Airline");
  ASSERT_NE(summary.Find("article6"), nullptr);
  EXPECT_EQ(json::Serialize(summary.Find("article6")->as_array()[2]),
            "{\"serials\":\"2-1-5-CREG-VCS-CN-cn-wind-002-20250101-20251231\",\"party\":\"GH\","
            "\"reference\":\"GH LoA 2026-001\",\"date\":\"2026-03-02\",\"uses\":[\"ndc\","
            "\"oimp\"],\"first_transfer\":\"use-or-cancellation\",\"adjustment\":\"pending\","
            "\"adjustment_reference\":\"\",\"first_transfer_entry\":" +
                std::to_string(story.multi_retirement) + "}");
  // A voluntary retirement of unauthorised credits says neither.
  const json::Value first = json::Parse(Build(story.retirement)).value();
  EXPECT_EQ(first.Find("retirement")->Find("use"), nullptr);
  EXPECT_EQ(first.Find("retirement")->Find("article6"), nullptr);

  // A summary that changes, drops or invents them is refused.
  auto edited = [&](const std::function<void(json::Value&)>& edit) {
    json::Value d = json::Parse(cert).value();
    edit(*d.Find("retirement"));
    return json::Serialize(d);
  };
  ExpectRefused(edited([](json::Value& s) { s.Set("use", json::Value("ndc")); }),
                cert_check::kSummary, StatusCode::kDataLoss);
  ExpectRefused(edited([](json::Value& s) { s.Set("using_entity", json::Value("Other")); }),
                cert_check::kSummary, StatusCode::kDataLoss);
  ExpectRefused(edited([](json::Value& s) {
                  s.Find("article6")->as_array()[0].Set("adjustment", json::Value("applied"));
                }),
                cert_check::kSummary, StatusCode::kDataLoss);
  ExpectRefused(edited([](json::Value& s) {
                  json::Object kept;
                  for (auto& [k, value] : s.as_object()) {
                    if (k != "article6") kept.emplace_back(k, value);
                  }
                  s = json::Value(std::move(kept));
                }),
                cert_check::kSummary, StatusCode::kDataLoss);
  ExpectRefused(
      Edited([](json::Value& d) { d.Find("retirement")->Set("use", json::Value("oimp")); }),
      cert_check::kSummary, StatusCode::kDataLoss);
}

TEST_F(CertificateTest, BuildRefusesUnknownAndUncoveredRetirements) {
  const Registry& registry = data_.harness().registry();
  const Story& story = data_.story();
  EXPECT_EQ(BuildRetirementCertificate(registry, "R999", data_.Note(story.size), story.size)
                .status()
                .code(),
            StatusCode::kNotFound);
  StatusOr<std::string> early =
      BuildRetirementCertificate(registry, "R" + std::to_string(story.retirement),
                                 data_.Note(story.retirement), story.retirement);
  EXPECT_EQ(early.status().code(), StatusCode::kFailedPrecondition) << early.status().ToString();
  StatusOr<std::string> mismatched = BuildRetirementCertificate(
      registry, "R" + std::to_string(story.retirement), data_.Note(story.size - 1), story.size);
  EXPECT_EQ(mismatched.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(CertificateTest, ChangedBeneficiaryIsRefused) {
  ExpectRefused(
      Edited([](json::Value& doc) { doc.Find("retirement")->Set("beneficiary", "Someone Else"); }),
      cert_check::kSummary, StatusCode::kDataLoss);
}

TEST_F(CertificateTest, ChangedQuantityIsRefused) {
  std::string cert =
      Edited([](json::Value& doc) { doc.Find("retirement")->Set("quantity", 1200); });
  ExpectRefused(cert, cert_check::kSummary, StatusCode::kDataLoss);
  EXPECT_THAT(Verify(cert).status().message(), HasSubstr("expected 120"));
}

TEST_F(CertificateTest, ChangedSerialIsRefused) {
  ExpectRefused(Edited([](json::Value& doc) {
                  doc.Find("retirement")->Find("serials")->as_array()[0] =
                      "1-1-121-CREG-VCS-KE-ke-cookstoves-001-20250101-20251231";
                }),
                cert_check::kSummary, StatusCode::kDataLoss);
}

TEST_F(CertificateTest, ChangedProofHashIsRefused) {
  ExpectRefused(Edited([](json::Value& doc) {
                  json::Value& hash = doc.Find("inclusion_proof")->as_array().at(0);
                  hash = FlipBase64Byte(hash.as_string(), 7);
                }),
                cert_check::kInclusion, StatusCode::kDataLoss);
}

TEST_F(CertificateTest, ChangedEntryByteIsRefused) {
  ExpectRefused(Edited([](json::Value& doc) {
                  json::Value& entry = *doc.Find("entry");
                  entry = FlipBase64Byte(entry.as_string(), 40);
                }),
                cert_check::kInclusion, StatusCode::kDataLoss);
}

TEST_F(CertificateTest, ChangedCheckpointLineIsRefused) {
  ExpectRefused(Edited([](json::Value& doc) {
                  json::Value& note = *doc.Find("checkpoint");
                  std::string text = note.as_string();
                  size_t size_line = text.find('\n') + 1;
                  text.insert(size_line, "1");  // tree size 14 becomes 114
                  note = text;
                }),
                cert_check::kCheckpoint, StatusCode::kDataLoss);
}

TEST_F(CertificateTest, ChangedCheckpointSignatureIsRefused) {
  ExpectRefused(Edited([](json::Value& doc) {
                  json::Value& note = *doc.Find("checkpoint");
                  std::string text = note.as_string();
                  size_t sig = text.rfind(' ') + 1;
                  std::string flipped = FlipBase64Byte(text.substr(sig, text.size() - sig - 1), 30);
                  note = text.substr(0, sig) + flipped + "\n";
                }),
                cert_check::kCheckpoint, StatusCode::kDataLoss);
}

TEST_F(CertificateTest, CheckpointOfAnotherKeyIsRefused) {
  NoteSigner other = NoteSigner::Create("other-log", PrivateKey::Generate().value()).value();
  std::string note =
      SignCheckpoint(Checkpoint{testing::RegistryHarness::kOrigin, data_.story().size,
                                data_.RootAt(data_.story().size)},
                     other);
  ExpectRefused(Edited([&](json::Value& doc) { doc.Set("checkpoint", note); }),
                cert_check::kCheckpoint, StatusCode::kPermissionDenied);
}

TEST_F(CertificateTest, OriginOtherThanTheCheckpointsIsRefused) {
  ExpectRefused(Edited([](json::Value& doc) { doc.Set("origin", "other.example"); }),
                cert_check::kOrigin, StatusCode::kPermissionDenied);
}

TEST_F(CertificateTest, AnotherIncludedEntryIsNotARetirement) {
  // A real, included entry (the cancellation) in place of the retirement.
  const Story& story = data_.story();
  auto proof = data_.harness().registry().log().InclusionProof(story.cancellation, story.size);
  json::Array hashes;
  for (const Hash& h : proof.value()) hashes.emplace_back(h.ToBase64());
  std::string bytes = data_.harness().registry().log().Entry(story.cancellation).value();
  ExpectRefused(Edited([&](json::Value& doc) {
                  doc.Set("entry_index", story.cancellation);
                  doc.Set("entry", Base64Encode(bytes));
                  doc.Set("inclusion_proof", std::move(hashes));
                }),
                cert_check::kEntry, StatusCode::kDataLoss);
}

TEST_F(CertificateTest, MissingKeyRotationEvidenceFailsTheSignature) {
  json::Value doc = json::Parse(Build(data_.story().multi_retirement)).value();
  doc.Find("accounts")->as_array().pop_back();  // drop the rotate_key entry
  ExpectRefused(json::Serialize(doc), cert_check::kSignature, StatusCode::kPermissionDenied);
}

TEST_F(CertificateTest, WrongIssuanceAndProjectEvidenceIsRefused) {
  json::Value multi = json::Parse(Build(data_.story().multi_retirement)).value();
  json::Value issuance_b = multi.Find("issuances")->as_array().at(1);
  json::Value project_b = multi.Find("projects")->as_array().at(1);
  ExpectRefused(
      Edited([&](json::Value& doc) { doc.Find("issuances")->as_array()[0] = issuance_b; }),
      cert_check::kIssuances, StatusCode::kDataLoss);
  ExpectRefused(Edited([&](json::Value& doc) { doc.Find("projects")->as_array()[0] = project_b; }),
                cert_check::kProjects, StatusCode::kDataLoss);
}

TEST_F(CertificateTest, UnknownMissingAndMistypedFieldsAreRefused) {
  ExpectRefused(Edited([](json::Value& doc) { doc.Set("extra", true); }), cert_check::kDocument,
                StatusCode::kInvalidArgument);
  ExpectRefused(Edited([](json::Value& doc) { doc.Find("retirement")->Set("note", "x"); }),
                cert_check::kDocument, StatusCode::kInvalidArgument);
  ExpectRefused(Edited([](json::Value& doc) {
                  auto& members = doc.Find("retirement")->as_object();
                  members.erase(members.begin());
                }),
                cert_check::kDocument, StatusCode::kInvalidArgument);
  ExpectRefused(Edited([](json::Value& doc) { doc.Set("entry_index", "41"); }),
                cert_check::kDocument, StatusCode::kInvalidArgument);
  ExpectRefused(
      Edited([](json::Value& doc) { doc.Set("format", "creg-retirement-certificate/2"); }),
      cert_check::kFormat, StatusCode::kInvalidArgument);
  ExpectRefused("not json", cert_check::kDocument, StatusCode::kInvalidArgument);
}

TEST_F(CertificateTest, NonCanonicalRetirementBodyIsRefused) {
  // The retirement's own body, re-signed by the retiring account's current
  // key as two operations; protobuf reads the retire, so the summary, the
  // signature and every proof would check.
  const uint64_t index = data_.story().multi_retirement;
  std::string stored = data_.harness().registry().log().Entry(index).value();
  pb::LogEntry entry = DecodeLogEntry(stored).value();
  auto tx = PrepareTransaction(entry.signed_transaction());
  ASSERT_TRUE(std::holds_alternative<PreparedTransaction>(tx));
  const std::string body = testing::TwoOperationBody(std::get<PreparedTransaction>(tx).body);
  std::string forged = testing::WithSignedBody(stored, body, data_.harness().KeyOf("organiser"));

  // The control: the same bytes, canonically re-signed, verify.
  std::string control =
      testing::WithSignedBody(stored, std::get<PreparedTransaction>(tx).envelope.body(),
                              data_.harness().KeyOf("organiser"));
  StatusOr<VerifiedRetirement> good = Verify(testing::CertificateWithEntry(data_, index, control));
  ASSERT_TRUE(good.ok()) << good.status().ToString();

  StatusOr<VerifiedRetirement> v = Verify(testing::CertificateWithEntry(data_, index, forged));
  ASSERT_FALSE(v.ok()) << "a non-canonical body was verified";
  EXPECT_EQ(FailedCertificateCheck(v.status()), cert_check::kEntry) << v.status().ToString();
  EXPECT_EQ(v.status().code(), StatusCode::kDataLoss);
  EXPECT_THAT(v.status().message(),
              HasSubstr("entry " + std::to_string(index) +
                        ": MALFORMED: transaction body is not in canonical form: fields 10 "
                        "(open_account) and 16 (retire) of TransactionBody are both set"));
}

// The certificate's key evidence comes from the account's key index, not
// from its history: an account that took part in many transactions gets its
// certificate without any of those entries being read. Here every entry of
// the account's history that is not key evidence is overwritten with bytes
// that do not decode; a builder that walked the history would fail on the
// first of them.
TEST(CertificateCostTest, KeyEvidenceReadsNoneOfTheAccountsOtherEntries) {
  using testing::IsAccepted;
  using testing::RegistryHarness;
  constexpr int kTransfers = 200;  // per half; each one an entry of the account's history
  creg::testing::TempDir dir;
  RegistryHarness h(dir);
  ASSERT_TRUE(IsAccepted(h.OpenAccount("developer")));
  ASSERT_TRUE(IsAccepted(h.OpenAccount("organiser")));
  ASSERT_TRUE(IsAccepted(h.RegisterProject("ke-cookstoves-001", "developer")));
  ASSERT_TRUE(IsAccepted(h.Issue("ke-cookstoves-001", 1000, "developer", "VR-1")));
  std::vector<uint64_t> others;  // entries of the organiser's history, not key evidence
  auto transfers = [&] {
    for (int i = 0; i < kTransfers; ++i) {
      Verdict v = h.TransferQuantity("developer", "organiser", 1, 1);
      ASSERT_TRUE(IsAccepted(v)) << testing::Describe(v);
      others.push_back(testing::AcceptedOf(v).entry_index);
    }
  };
  transfers();
  std::string old_pem = h.KeyOf("organiser").ToPem();
  const PrivateKey& fresh = h.NewKeyFor("organiser");
  pb::TransactionBody rotate = h.Body();
  rotate.mutable_rotate_key()->set_account_id("organiser");
  rotate.mutable_rotate_key()->set_new_public_key(fresh.public_key().raw());
  Verdict rotated =
      h.SubmitSigned(SignTransaction(rotate, "organiser", PrivateKey::FromPem(old_pem).value()));
  ASSERT_TRUE(IsAccepted(rotated)) << testing::Describe(rotated);
  transfers();
  Verdict retired = h.RetireQuantity("organiser", 1, 2 * kTransfers);
  ASSERT_TRUE(IsAccepted(retired)) << testing::Describe(retired);
  const uint64_t retirement = testing::AcceptedOf(retired).entry_index;
  EXPECT_EQ(h.registry().AccountHistory("organiser", 10'000).value().size(),
            2 * kTransfers + 3u);  // opened, transfers, rotation, retirement
  EXPECT_THAT(h.registry().KeyEntries("organiser", retirement).value(),
              ::testing::ElementsAre(h.registry().Account("organiser").value()->opened_at_entry(),
                                     testing::AcceptedOf(rotated).entry_index));

  const uint64_t size = h.registry().log().size();
  NoteSigner signer =
      NoteSigner::Create("test.creg.example-checkpoints", PrivateKey::Generate().value()).value();
  std::string note = SignCheckpoint(
      Checkpoint{RegistryHarness::kOrigin, size, h.registry().log().head().root}, signer);
  ColumnId entries = h.store().Column("log.entries").value();
  WriteBatch damage(h.store());
  for (uint64_t index : others) damage.Put(entries, testing::IndexKey(index), "\xff not an entry");
  ASSERT_TRUE(h.store().Write(damage).ok());

  StatusOr<std::string> cert =
      BuildRetirementCertificate(h.registry(), "R" + std::to_string(retirement), note, size);
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  StatusOr<VerifiedRetirement> v = VerifyRetirementCertificate(
      *cert, NoteVerifier::FromVerifierKey(signer.VerifierKey()).value());
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->key_rotations, 1u);
  EXPECT_EQ(v->quantity, 2u * kTransfers);
}

TEST(Rfc3339MicrosTest, FormatsUtcWithMicroseconds) {
  EXPECT_EQ(Rfc3339Micros(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(Rfc3339Micros(1'777'000'000'123'456), "2026-04-24T03:06:40.123456Z");
  EXPECT_EQ(Rfc3339Micros(-1), "1969-12-31T23:59:59.999999Z");
}

}  // namespace
}  // namespace creg
