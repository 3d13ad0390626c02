// Writes the seed corpora of the fuzz targets, from the fixed registry of
// fuzz_registry.h, into <out>/<target>/, e.g. <out>/frame_fuzzer/ (tests/fuzz/corpus is
// checked in):
//
//   build-fuzz/tests/fuzz/creg_fuzz_corpus_gen tests/fuzz/corpus
//
// The output is deterministic (fixed keys, nonces and timestamps), so
// running it again changes no file unless the formats changed.
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "creg/wire.pb.h"
#include "ledger/checkpoint.h"
#include "ledger/cosignature.h"
#include "ledger/data_dir.h"
#include "ledger/encoding.h"
#include "ledger/json.h"
#include "ledger/log_entry.h"
#include "ledger/registry/certificate.h"
#include "ledger/registry/leader_term.h"
#include "ledger/registry/transaction.h"
#include "ledger/witness_protocol.h"
#include "net/frame.h"
#include "node/quarantine.h"
#include "node/summary_snapshot.h"
#include "tests/fuzz/fuzz_registry.h"
#include "tools/cli/proposal.h"

namespace {

namespace fs = std::filesystem;
using creg::fuzz::FuzzRegistry;

fs::path out_root;

void Write(const std::string& target, const std::string& name, const std::string& bytes) {
  fs::path dir = out_root / (target + "_fuzzer");
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", (dir / name).c_str());
    std::exit(1);
  }
}

std::string Serialize(const google::protobuf::Message& m) {
  std::string bytes;
  m.SerializeToString(&bytes);
  return bytes;
}

std::vector<std::pair<std::string, creg::pb::Request>> Requests(const FuzzRegistry& r) {
  std::vector<std::pair<std::string, creg::pb::Request>> out;
  auto add = [&](std::string name) -> creg::pb::Request& {
    out.emplace_back(std::move(name), creg::pb::Request());
    out.back().second.set_id(out.size());
    return out.back().second;
  };
  add("get_entries").mutable_get_entries()->set_count(3);
  auto& tail = *add("get_entries_tail").mutable_get_entries();
  tail.set_start(10);
  tail.set_count(100);
  add("get_checkpoint").mutable_get_checkpoint();
  add("inclusion_proof").mutable_inclusion_proof()->set_index(5);
  auto& inclusion_sized = *add("inclusion_proof_sized").mutable_inclusion_proof();
  inclusion_sized.set_index(2);
  inclusion_sized.set_tree_size(7);
  auto& consistency = *add("consistency_proof").mutable_consistency_proof();
  consistency.set_size1(3);
  consistency.set_size2(11);
  add("consistency_proof_latest").mutable_consistency_proof()->set_size1(6);
  add("account").mutable_account()->set_account_id(creg::fuzz::kAlice);
  add("project").mutable_project()->set_project_id("ke-cookstoves-001");
  add("holdings").mutable_holdings()->set_account_id(creg::fuzz::kBob);
  add("holdings_none").mutable_holdings()->set_account_id(creg::fuzz::kOperator);
  add("batch").mutable_batch()->set_batch(1);
  add("retirement").mutable_retirement()->set_retirement_id(r.retirement_ids().front());
  add("retirements_beneficiary").mutable_retirements()->set_beneficiary("Example Forum 2026");
  add("retirements_account").mutable_retirements()->set_account_id(creg::fuzz::kBob);
  add("certificate").mutable_certificate()->set_retirement_id(r.retirement_ids().back());
  add("status").mutable_status();
  auto& history = *add("history").mutable_history();
  history.set_account_id(creg::fuzz::kAlice);
  history.set_limit(5);
  auto& provenance = *add("provenance").mutable_provenance();
  provenance.set_batch(1);
  provenance.set_serial(901);
  add("no_body");
  return out;
}

// A frame_fuzzer input: the stream in front; chunk sizes and the limit
// index at the end, in the order FuzzedDataProvider takes them from there.
std::string FrameInput(const std::string& stream, const std::vector<size_t>& chunks,
                       uint8_t limit_index) {
  // Read from the end: the limit byte, then two bytes per chunk size (range
  // 0..300), the byte nearer the end being the more significant.
  std::string tail;
  for (auto it = chunks.rbegin(); it != chunks.rend(); ++it) {
    tail += static_cast<char>(*it & 0xff);
    tail += static_cast<char>(*it >> 8);
  }
  return stream + tail + std::string(1, static_cast<char>(limit_index));
}

void FrameSeeds(const std::vector<std::pair<std::string, creg::pb::Request>>& requests) {
  std::string stream;
  for (const auto& [name, request] : requests) stream += creg::EncodeFrame(Serialize(request));
  // limit index 5 = 4096 bytes (see kLimits in frame_fuzzer.cc).
  std::string first_three = creg::EncodeFrame(Serialize(requests[0].second)) +
                            creg::EncodeFrame(Serialize(requests[1].second)) +
                            creg::EncodeFrame(Serialize(requests[2].second));
  Write("frame", "three_frames_one_chunk", FrameInput(first_three, {first_three.size()}, 5));
  Write("frame", "three_frames_small_chunks",
        FrameInput(first_three, {1, 2, 3, 5, 8, 13, 21, 300}, 5));
  Write("frame", "many_frames", FrameInput(stream.substr(0, 290), {7, 100, 183}, 5));
  std::string huge = std::string("\xff\xff\xff\xff", 4) + "more";
  Write("frame", "header_4gib", FrameInput(huge, {2, 6}, 6));
  std::string over = creg::EncodeFrame(std::string(80, 'x'));
  Write("frame", "over_limit_64", FrameInput(over, {84}, 3));
  Write("frame", "empty_frames", FrameInput(std::string(12, '\0'), {3, 9}, 0));
}

void TransactionSeeds(const FuzzRegistry& r) {
  auto record = [](const std::string& tx) {
    std::string out;
    out += static_cast<char>(tx.size() & 0xff);
    out += static_cast<char>(tx.size() >> 8);
    return out + tx;
  };
  const std::vector<std::string>& story = r.story();
  // Replays of committed transactions (duplicates), as a client sent them.
  Write("transaction", "replay_open_account", std::string(1, '\0') + record(story[1]));
  Write("transaction", "replay_issue", std::string(1, '\0') + record(story[6]));
  Write("transaction", "replay_retire", std::string(1, '\0') + record(story.back()));

  using creg::fuzz::kAlice;
  using creg::fuzz::kBob;
  using creg::fuzz::kCarol;
  using creg::fuzz::kOperator;
  int64_t at = creg::fuzz::kStoryStartMicros + 3'600'000'000;
  // New transactions with valid signatures by the story's keys.
  creg::pb::TransactionBody transfer = FuzzRegistry::Body("seed-transfer", at);
  transfer.mutable_transfer()->set_from_account(kAlice);
  transfer.mutable_transfer()->set_to_account(kBob);
  transfer.mutable_transfer()->mutable_credits()->set_batch(1);
  transfer.mutable_transfer()->mutable_credits()->set_quantity(7);
  creg::pb::TransactionBody retire = FuzzRegistry::Body("seed-retire", at);
  retire.mutable_retire()->set_account(kBob);
  auto* block = retire.mutable_retire()->mutable_credits()->add_blocks();
  block->set_batch(2);
  block->set_first(400);
  block->set_last(420);
  retire.mutable_retire()->set_beneficiary("Seed Beneficiary");
  retire.mutable_retire()->set_reason(creg::pb::VOLUNTARY_CORPORATE_INVENTORY);
  retire.mutable_retire()->set_country_of_use("DE");
  creg::pb::TransactionBody open = FuzzRegistry::Body("seed-open", at);
  open.mutable_open_account()->set_account_id("org-dave");
  open.mutable_open_account()->set_role(creg::pb::ROLE_HOLDER);
  open.mutable_open_account()->set_public_key(std::string(32, '\x42'));
  open.mutable_open_account()->set_display_name("Dave Ltd");
  creg::pb::TransactionBody issue = FuzzRegistry::Body("seed-issue", at);
  issue.mutable_issue()->set_project_id("br-forest-002");
  issue.mutable_issue()->set_vintage_start("2024-01-01");
  issue.mutable_issue()->set_vintage_end("2024-06-30");
  issue.mutable_issue()->set_quantity(250);
  issue.mutable_issue()->set_to_account(kBob);
  issue.mutable_issue()->set_verification_ref("VER-2024-777");
  creg::pb::TransactionBody cancel = FuzzRegistry::Body("seed-cancel", at);
  cancel.mutable_cancel()->set_account(kBob);
  cancel.mutable_cancel()->mutable_credits()->set_batch(2);
  cancel.mutable_cancel()->mutable_credits()->set_quantity(3);
  cancel.mutable_cancel()->set_reason("reversal");
  creg::pb::TransactionBody suspended = FuzzRegistry::Body("seed-suspended", at);
  suspended.mutable_transfer()->set_from_account(kCarol);
  suspended.mutable_transfer()->set_to_account(kAlice);
  suspended.mutable_transfer()->mutable_credits()->set_batch(1);
  suspended.mutable_transfer()->mutable_credits()->set_quantity(1);
  creg::pb::TransactionBody rotate = FuzzRegistry::Body("seed-rotate", at);
  rotate.mutable_rotate_key()->set_account_id(kAlice);
  rotate.mutable_rotate_key()->set_new_public_key(std::string(32, '\x17'));
  creg::pb::TransactionBody status = FuzzRegistry::Body("seed-status", at);
  status.mutable_set_account_status()->set_account_id(kCarol);
  status.mutable_set_account_status()->set_status(creg::pb::ACCOUNT_ACTIVE);
  status.mutable_set_account_status()->set_reason("review passed");
  creg::pb::TransactionBody project = FuzzRegistry::Body("seed-project", at);
  project.mutable_register_project()->set_project_id("in-solar-003");
  project.mutable_register_project()->set_name("Solar");
  project.mutable_register_project()->set_standard("GS");
  project.mutable_register_project()->set_methodology("ACM0002");
  project.mutable_register_project()->set_country("IN");
  project.mutable_register_project()->set_proponent(kAlice);

  creg::pb::TransactionBody label = FuzzRegistry::Body("seed-label", at);
  label.mutable_label()->set_action(creg::pb::LABEL_ADD);
  label.mutable_label()->set_label("corsia:2024-2026");
  *label.mutable_label()->mutable_credits()->add_blocks() = [] {
    creg::pb::SerialBlock b;
    b.set_batch(1);
    b.set_first(2);
    b.set_last(9);
    return b;
  }();
  label.mutable_label()->set_reference("ICAO TAB 2026-03");
  creg::pb::TransactionBody unlabel = FuzzRegistry::Body("seed-unlabel", at);
  unlabel.mutable_label()->set_action(creg::pb::LABEL_REMOVE);
  unlabel.mutable_label()->set_label("ccp");
  unlabel.mutable_label()->mutable_credits()->set_batch(2);
  unlabel.mutable_label()->set_reference("ICVCM review 2026-11");

  creg::pb::TransactionBody authorize = FuzzRegistry::Body("seed-authorize", at);
  authorize.mutable_authorize()->mutable_credits()->set_batch(1);
  {
    creg::pb::Article6Authorization* a = authorize.mutable_authorize()->mutable_authorization();
    a->set_party("GH");
    a->set_reference("GH LoA 2026-001");
    a->set_date("2026-03-02");
    a->add_uses(creg::pb::AUTHORIZED_NDC);
    a->add_uses(creg::pb::AUTHORIZED_OIMP);
    a->set_first_transfer(creg::pb::FIRST_TRANSFER_USE_OR_CANCELLATION);
  }
  creg::pb::TransactionBody adjust = FuzzRegistry::Body("seed-adjust", at);
  adjust.mutable_corresponding_adjustment()->mutable_credits()->set_batch(1);
  adjust.mutable_corresponding_adjustment()->set_status(creg::pb::ADJUSTMENT_APPLIED);
  adjust.mutable_corresponding_adjustment()->set_reference("GH BTR 2028");
  creg::pb::TransactionBody retire_ndc = retire;
  retire_ndc.set_nonce("seed-retire-ndc");
  retire_ndc.mutable_retire()->set_use(creg::pb::CREDIT_USE_NDC);
  retire_ndc.mutable_retire()->set_using_entity("Switzerland");

  const std::vector<std::pair<std::string, std::string>> signed_txs = {
      {"authorize", r.Sign(authorize, kOperator)},
      {"corresponding_adjustment", r.Sign(adjust, kOperator)},
      {"retire_ndc", r.Sign(retire_ndc, kBob)},
      {"label", r.Sign(label, kOperator)},
      {"unlabel", r.Sign(unlabel, kOperator)},
      {"transfer", r.Sign(transfer, kAlice)},
      {"retire_blocks", r.Sign(retire, kBob)},
      {"open_account", r.Sign(open, kOperator)},
      {"issue", r.Sign(issue, kOperator)},
      {"cancel", r.Sign(cancel, kOperator)},
      {"suspended_transfer", r.Sign(suspended, kCarol)},
      {"rotate_key", r.Sign(rotate, kAlice)},
      {"reinstate", r.Sign(status, kOperator)},
      {"register_project", r.Sign(project, kOperator)},
  };
  for (const auto& [name, tx] : signed_txs) {
    Write("transaction", "signed_" + name, std::string(1, '\0') + record(tx));
    Write("transaction", "trusted_" + name, std::string(1, '\1') + record(tx));
  }
  // Keyed signatures for the 2-of-3 account of FuzzRegistry::AddCouncil
  // (transaction_fuzzer's registry): enough keys, too few, a key off the
  // account, every key, a change of keys, and a rotation it may not use.
  {
    using creg::fuzz::FixedKey;
    using creg::fuzz::kCouncil;
    creg::pb::TransactionBody pay = FuzzRegistry::Body("seed-council-pay", at);
    pay.mutable_transfer()->set_from_account(kCouncil);
    pay.mutable_transfer()->set_to_account(kAlice);
    pay.mutable_transfer()->mutable_credits()->set_batch(1);
    pay.mutable_transfer()->mutable_credits()->set_quantity(3);
    creg::pb::TransactionBody keys = FuzzRegistry::Body("seed-council-keys", at);
    keys.mutable_set_account_keys()->set_account_id(kCouncil);
    for (FixedKey k : {FixedKey::kCouncil2, FixedKey::kCouncil3}) {
      keys.mutable_set_account_keys()->add_public_keys(
          creg::fuzz::LoadFixedKey(k).public_key().raw());
    }
    keys.mutable_set_account_keys()->set_threshold(1);
    creg::pb::TransactionBody rotate_council = FuzzRegistry::Body("seed-council-rotate", at);
    rotate_council.mutable_rotate_key()->set_account_id(kCouncil);
    rotate_council.mutable_rotate_key()->set_new_public_key(
        creg::fuzz::LoadFixedKey(FixedKey::kCouncil2).public_key().raw());
    const std::vector<std::pair<std::string, std::string>> keyed = {
        {"keyed_two_of_three",
         FuzzRegistry::SignKeyed(pay, kCouncil, {FixedKey::kCouncil1, FixedKey::kCouncil3})},
        {"keyed_one_of_three", FuzzRegistry::SignKeyed(pay, kCouncil, {FixedKey::kCouncil2})},
        {"keyed_foreign_key",
         FuzzRegistry::SignKeyed(pay, kCouncil, {FixedKey::kCouncil1, FixedKey::kAlice})},
        {"keyed_all_keys",
         FuzzRegistry::SignKeyed(pay, kCouncil,
                                 {FixedKey::kCouncil1, FixedKey::kCouncil2, FixedKey::kCouncil3})},
        {"keyed_set_keys",
         FuzzRegistry::SignKeyed(keys, kCouncil, {FixedKey::kCouncil2, FixedKey::kCouncil3})},
        {"keyed_rotate", FuzzRegistry::SignKeyed(rotate_council, kCouncil,
                                                 {FixedKey::kCouncil1, FixedKey::kCouncil2})},
        {"keyed_single_key_account", FuzzRegistry::SignKeyed(transfer, kAlice, {FixedKey::kAlice})},
    };
    for (const auto& [name, tx] : keyed) {
      Write("transaction", "signed_" + name, std::string(1, '\0') + record(tx));
      Write("transaction", "trusted_" + name, std::string(1, '\1') + record(tx));
    }
  }
  // Explicit serial blocks: unordered, overlapping, across batches, and
  // touching retired serials (alice retired 901-905 and 911-912 of batch 1).
  auto blocks_of = [&](const std::string& nonce, const std::string& from,
                       const std::vector<std::array<uint64_t, 3>>& blocks) {
    creg::pb::TransactionBody body = FuzzRegistry::Body(nonce, at);
    body.mutable_transfer()->set_from_account(from);
    body.mutable_transfer()->set_to_account(from == kAlice ? kBob : kAlice);
    for (const auto& [batch, first, last] : blocks) {
      auto* b = body.mutable_transfer()->mutable_credits()->add_blocks();
      b->set_batch(batch);
      b->set_first(first);
      b->set_last(last);
    }
    return r.Sign(body, from);
  };
  Write("transaction", "trusted_blocks_unordered",
        std::string(1, '\1') + record(blocks_of("seed-unordered", kAlice,
                                                {{1, 320, 330}, {1, 260, 270}, {1, 300, 300}})));
  Write("transaction", "trusted_blocks_overlap",
        std::string(1, '\1') +
            record(blocks_of("seed-overlap", kAlice, {{1, 300, 310}, {1, 305, 315}})));
  Write("transaction", "trusted_blocks_retired",
        std::string(1, '\1') + record(blocks_of("seed-retired", kAlice, {{1, 899, 902}})));
  Write("transaction", "trusted_blocks_two_batches",
        std::string(1, '\1') +
            record(blocks_of("seed-batches", kBob, {{2, 1, 5}, {1, 1, 3}, {2, 499, 500}})));
  // Groups in which later transactions depend on earlier ones (seeds are
  // named, so adding one to signed_txs does not change these).
  auto signed_tx = [&](std::string_view name) -> const std::string& {
    for (const auto& [n, tx] : signed_txs) {
      if (n == name) return tx;
    }
    std::fprintf(stderr, "no signed seed '%.*s'\n", static_cast<int>(name.size()), name.data());
    std::exit(1);
  };
  Write("transaction", "group_issue_then_transfer",
        std::string(1, '\1') + record(signed_tx("issue")) + record(r.Sign(transfer, kAlice)) +
            record(signed_tx("issue")));
  Write("transaction", "group_open_project",
        std::string(1, '\0') + record(signed_tx("open_account")) +
            record(signed_tx("register_project")));
  // Article 6 from authorisation to adjustment: batch 2 authorised for ndc
  // and oimp, 2:400-420 retired for an NDC, then their adjustment applied.
  creg::pb::TransactionBody authorize_2 = authorize;
  authorize_2.set_nonce("seed-authorize-2");
  authorize_2.mutable_authorize()->mutable_credits()->set_batch(2);
  creg::pb::TransactionBody adjust_retired = adjust;
  adjust_retired.set_nonce("seed-adjust-retired");
  creg::pb::BlockSelection* retired =
      adjust_retired.mutable_corresponding_adjustment()->mutable_credits();
  retired->Clear();
  *retired->add_blocks() = retire_ndc.retire().credits().blocks(0);
  Write("transaction", "group_article6",
        std::string(1, '\1') + record(r.Sign(authorize_2, kOperator)) +
            record(signed_tx("retire_ndc")) + record(r.Sign(adjust_retired, kOperator)));
  // A label added to batch 2 and taken off again.
  creg::pb::TransactionBody label_2 = unlabel;
  label_2.set_nonce("seed-label-2");
  label_2.mutable_label()->set_action(creg::pb::LABEL_ADD);
  Write("transaction", "group_labels",
        std::string(1, '\1') + record(r.Sign(label_2, kOperator)) + record(signed_tx("unlabel")));
  Write("transaction", "garbage", std::string(1, '\0') + record("not a transaction"));
  // A leader term, signed by the registry's key: never a client's
  // (NOT_A_CLIENT_OPERATION).
  {
    const creg::Checkpoint& head = r.checkpointer().latest()->checkpoint;
    const std::string term =
        creg::SignLeaderTerm(creg::fuzz::kOrigin, FuzzRegistry::LeaderTermAt(head.size, head.root),
                             creg::fuzz::LoadFixedKey(creg::fuzz::FixedKey::kCheckpoint), at);
    Write("transaction", "signed_leader_term", std::string(1, '\0') + record(term));
    Write("transaction", "trusted_leader_term", std::string(1, '\1') + record(term));
  }

  // Validly signed bodies that protobuf decodes but that are not in
  // canonical form, so each must be refused MALFORMED (and anything the
  // fuzzer makes of them either refused or canonical).
  auto signed_raw = [](const std::string& body_bytes) {
    creg::pb::SignedTransaction tx;
    tx.set_body(body_bytes);
    tx.set_signer(std::string(kOperator));
    tx.set_signature(creg::fuzz::LoadFixedKey(creg::fuzz::FixedKey::kOperator)
                         .Sign(creg::TransactionSigningMessage(body_bytes)));
    return Serialize(tx);
  };
  creg::pb::TransactionBody decoy = FuzzRegistry::Body("seed-two-operations", at);
  decoy.mutable_open_account()->set_account_id("org-erin");
  creg::pb::TransactionBody issue_only;
  *issue_only.mutable_issue() = issue.issue();
  const std::string two_operations = Serialize(decoy) + Serialize(issue_only);
  creg::pb::TransactionBody other_origin;
  other_origin.set_origin("other.example");
  const std::string repeated_origin = Serialize(other_origin) + Serialize(issue);
  const std::string unknown_field = Serialize(issue) + std::string("\x98\x06\x01", 3);  // 99: 1
  // An open_account whose role ROLE_HOLDER (0x10 0x02) is sent as 2^32 + 2,
  // which protobuf reads as 2.
  std::string op = Serialize(open.open_account());
  op.replace(op.find(std::string("\x10\x02", 2)), 2, std::string("\x10\x82\x80\x80\x80\x10", 6));
  const std::string role_bytes = Serialize(FuzzRegistry::Body("seed-enum", at)) + "\x52" +
                                 static_cast<char>(op.size()) + op;  // field 10, under 128 bytes
  for (const auto& [name, body] :
       std::vector<std::pair<std::string, std::string>>{{"two_operations", two_operations},
                                                        {"repeated_origin", repeated_origin},
                                                        {"unknown_field", unknown_field},
                                                        {"enum_over_32_bits", role_bytes}}) {
    Write("transaction", "noncanonical_" + name, std::string(1, '\1') + record(signed_raw(body)));
  }
}

void CheckpointSeeds(const FuzzRegistry& r) {
  std::string note = r.CheckpointNote();
  Write("checkpoint", "note", note);
  Write("checkpoint", "body", note.substr(0, note.find("\n\n") + 1));
  Write("checkpoint", "verifier_key", creg::fuzz::CheckpointVerifier().VerifierKey());
  creg::NoteSigner other =
      creg::NoteSigner::Create("witness.example",
                               creg::fuzz::LoadFixedKey(creg::fuzz::FixedKey::kCarol))
          .value();
  // The same body signed by a witness too: two signature lines.
  std::string witnessed = other.Sign(note.substr(0, note.find("\n\n") + 1));
  Write("checkpoint", "note_two_signatures", note + witnessed.substr(witnessed.find("\n\n") + 2));
  creg::Checkpoint extension{creg::fuzz::kOrigin, 0, creg::Hash()};
  std::string body = creg::CheckpointBody(extension) + "extension line\n";
  Write("checkpoint", "note_extension", creg::fuzz::CheckpointSigner().Sign(body));
}

// Certificates whose every proof verifies but whose evidence belongs to
// another retirement, so that the fuzzer starts from inputs that reach the
// checks behind the proofs (accounts, signature, issuances, projects).
void MixedCertificateSeeds(const std::vector<creg::json::Value>& certs) {
  const creg::NoteVerifier verifier = creg::fuzz::CheckpointVerifier();
  auto mix = [&](const std::string& name, size_t base, size_t donor, const char* member) {
    creg::json::Value mixed = certs[base];
    *mixed.Find(member) = *certs[donor].Find(member);
    std::string text = creg::json::Serialize(mixed, true);
    auto verified = creg::VerifyRetirementCertificate(text, verifier);
    std::printf("certificate seed %-28s fails check '%s'\n", name.c_str(),
                std::string(creg::FailedCertificateCheck(verified.status())).c_str());
    Write("certificate", name, text);
  };
  // certs: R10 bob batch 1; R12 bob batch 2 after a key rotation; R13 alice.
  mix("mixed_accounts_no_rotation", 1, 0, "accounts");
  mix("mixed_accounts_other_holder", 2, 0, "accounts");
  mix("mixed_issuances", 0, 1, "issuances");
  mix("mixed_projects", 0, 1, "projects");
  mix("mixed_summary", 0, 2, "retirement");
}

void CertificateSeeds(FuzzRegistry& r) {
  uint64_t size = r.registry().log().size();
  std::vector<creg::json::Value> certs;
  for (const std::string& id : r.retirement_ids()) {
    creg::StatusOr<std::string> cert =
        creg::BuildRetirementCertificate(r.registry(), id, r.CheckpointNote(), size);
    creg::fuzz::CheckOk(cert.status(), "certificate " + id);
    Write("certificate", "certificate_" + id, *cert);
    if (id == r.retirement_ids().front()) Write("json", "certificate_" + id, *cert);
    certs.push_back(creg::json::Parse(*cert).value());
  }
  // The first retirement under the smallest checkpoint that holds it.
  const std::string& first = r.retirement_ids().front();
  uint64_t small = std::stoull(first.substr(1)) + 1;
  creg::Checkpoint checkpoint{creg::fuzz::kOrigin, small, r.registry().log().RootAt(small).value()};
  std::string note = creg::SignCheckpoint(checkpoint, creg::fuzz::CheckpointSigner());
  creg::StatusOr<std::string> early =
      creg::BuildRetirementCertificate(r.registry(), first, note, small);
  creg::fuzz::CheckOk(early.status(), "certificate at the smallest checkpoint");
  Write("certificate", "certificate_" + first + "_at_" + std::to_string(small), *early);
  MixedCertificateSeeds(certs);
}

void JsonSeeds() {
  Write(
      "json", "scalars",
      R"([null,true,false,0,-0,1.5e-7,18446744073709551615,-9223372036854775808,"a\u00e9\ud83d\ude00"])");
  Write("json", "nested", R"({"a":{"b":[[],{},[1,[2,[3]]]]},"c":"\"\\\/\b\f\n\r\t"})");
  Write("json", "pretty", "{\n  \"k\": [\n    1.0,\n    2\n  ]\n}");
}

void ControlRequestSeeds() {
  Write("control_request", "backup", "backup /srv/backups/monday");
  Write("control_request", "relative", "backup relative");
  Write("control_request", "unknown", "restore /x");
  Write("control_request", "nul", std::string("backup /a\0b", 11));
}

void TilePathSeeds() {
  Write("tile_path", "tile", "0/x001/x234/067");
  Write("tile_path", "partial", "2/000.p/1");
  Write("tile_path", "entries", "entries/273.p/112");
  Write("tile_path", "max_index", "63/x018/x446/x744/x073/x709/x551/615.p/255");
  Write("tile_path", "url_tile", "/tile/0/000.p/5");
  Write("tile_path", "url_entries", "/tile/entries/000?x=1");
  Write("tile_path", "url_checkpoint", "/checkpoint");
  Write("tile_path", "traversal", "/tile/0/../../checkpoint");
  Write("tile_path", "leading_zero", "0/x000/001.p/01");
  Write("api_request", "status", "/api/v1/status");
  Write("api_request", "projects", "/api/v1/projects?cursor=AA");
  Write("api_request", "project_batches", "/api/v1/projects/ke-cookstoves-001/batches");
  Write("api_request", "batch", "/api/v1/batches/1");
  Write("api_request", "retirements", "/api/v1/retirements?beneficiary=A%20b&cursor=");
  Write("api_request", "account", "/api/v1/retirements?account=alice");
  Write("api_request", "entry", "/api/v1/entries/3");
  Write("api_request", "provenance", "/api/v1/provenance/1/1");
  Write("api_request", "serial", "/api/v1/serials/1:5");
  Write("api_request", "certificate", "/api/v1/certificates/R9");
  Write("api_request", "bad_escape", "/api/v1/projects/%zz%");
}

void WitnessSeeds(FuzzRegistry& r) {
  const creg::MerkleLog& log = r.registry().log();
  const std::string note = r.CheckpointNote();
  const creg::Checkpoint checkpoint =
      creg::ParseCheckpointBody(note.substr(0, note.find("\n\n") + 1)).value();
  const uint64_t old_size = checkpoint.size / 2;
  const std::vector<creg::Hash> proof = log.ConsistencyProof(old_size, checkpoint.size).value();
  Write("witness", "add_checkpoint", creg::AddCheckpointBody(old_size, proof, note));
  Write("witness", "add_checkpoint_first", creg::AddCheckpointBody(0, {}, note));
  const creg::CosignatureSigner signer =
      creg::CosignatureSigner::Create(creg::fuzz::kWitnessKeyName,
                                      creg::fuzz::LoadFixedKey(creg::fuzz::FixedKey::kCarol))
          .value();
  const std::string body = creg::CheckpointBody(checkpoint);
  Write("witness", "cosigned_note", note + signer.Cosign(body, 1'780'000'000));
  Write("witness", "witness_key", signer.VerifierKey());
  Write("witness", "tree_size", creg::TreeSizeBody(checkpoint.size));
}

}  // namespace

// Proposal files (tools/cli/proposal.h) as creg writes them: unsigned,
// signed by one key and by two, for several kinds of transaction.
void ProposalSeeds() {
  using creg::fuzz::FixedKey;
  using creg::fuzz::LoadFixedKey;
  const int64_t at = creg::fuzz::kStoryStartMicros + 3'600'000'000;
  creg::pb::TransactionBody pay = FuzzRegistry::Body("seed-proposal-pay", at);
  pay.mutable_transfer()->set_from_account(creg::fuzz::kCouncil);
  pay.mutable_transfer()->set_to_account(creg::fuzz::kAlice);
  *pay.mutable_transfer()->mutable_credits()->add_blocks() = [] {
    creg::pb::SerialBlock b;
    b.set_batch(1);
    b.set_first(300);
    b.set_last(304);
    return b;
  }();
  creg::pb::TransactionBody keys = FuzzRegistry::Body("seed-proposal-keys", at);
  keys.mutable_set_account_keys()->set_account_id(creg::fuzz::kOperator);
  for (FixedKey k : {FixedKey::kOperator, FixedKey::kCouncil1, FixedKey::kCouncil2}) {
    keys.mutable_set_account_keys()->add_public_keys(LoadFixedKey(k).public_key().raw());
  }
  keys.mutable_set_account_keys()->set_threshold(2);
  creg::cli::Proposal transfer = creg::cli::NewProposal(pay, creg::fuzz::kCouncil);
  Write("proposal", "unsigned_transfer", creg::cli::ProposalText(transfer));
  creg::AddKeyedSignature(transfer.envelope, LoadFixedKey(FixedKey::kCouncil1));
  Write("proposal", "one_signature", creg::cli::ProposalText(transfer));
  creg::AddKeyedSignature(transfer.envelope, LoadFixedKey(FixedKey::kCouncil3));
  Write("proposal", "two_signatures", creg::cli::ProposalText(transfer));
  creg::cli::Proposal set_keys = creg::cli::NewProposal(keys, creg::fuzz::kOperator);
  creg::AddKeyedSignature(set_keys.envelope, LoadFixedKey(FixedKey::kOperator));
  Write("proposal", "set_account_keys", creg::cli::ProposalText(set_keys));
  Write("proposal", "not_a_proposal", R"({"format": "creg-proposal/1", "signer": "x"})");
}

// mirror_fuzzer records: kind byte (0 entries page, 1 checkpoint note),
// 2-byte little-endian length, bytes.
std::string MirrorRecord(uint8_t kind, const std::string& bytes) {
  std::string out(1, static_cast<char>(kind));
  out += static_cast<char>(bytes.size() & 0xff);
  out += static_cast<char>((bytes.size() >> 8) & 0xff);
  return out + bytes;
}

void MirrorSeeds(FuzzRegistry& r) {
  const creg::MerkleLog& log = r.registry().log();
  auto page_of = [&](uint64_t begin, uint64_t end) {
    creg::pb::EntriesResponse page;
    page.set_start(begin);
    for (uint64_t i = begin; i < end; ++i) page.add_entries(log.Entry(i).value());
    return MirrorRecord(0, page.SerializeAsString());
  };
  const std::string note = MirrorRecord(1, r.CheckpointNote());
  std::string whole;
  for (uint64_t begin = 0; begin < log.size(); begin += 4) {
    whole += page_of(begin, std::min<uint64_t>(begin + 4, log.size()));
  }
  Write("mirror", "whole_log_then_checkpoint", whole + note);
  Write("mirror", "checkpoint_first", note + whole);
  // Entries 0-3 twice: the second page starts where the log no longer is.
  Write("mirror", "page_repeated", page_of(0, 4) + page_of(0, 4));
  // The last entry with its signed transaction cut short.
  creg::pb::EntriesResponse tampered;
  tampered.set_start(0);
  for (uint64_t i = 0; i < log.size(); ++i) {
    std::string bytes = log.Entry(i).value();
    if (i + 1 == log.size()) bytes[bytes.size() / 2] ^= 1;
    tampered.add_entries(bytes);
  }
  Write("mirror", "last_entry_flipped", MirrorRecord(0, tampered.SerializeAsString()) + note);

  // The story continued with a leader term, signed by the registry's key
  // (accepted), and the same term re-signed by alice's key (the alarm).
  std::unique_ptr<FuzzRegistry> with_term = FuzzRegistry::Create();
  with_term->AddLeaderTerm();
  const creg::MerkleLog& term_log = with_term->registry().log();
  creg::pb::EntriesResponse term_page;
  term_page.set_start(0);
  for (uint64_t i = 0; i < term_log.size(); ++i) term_page.add_entries(term_log.Entry(i).value());
  Write("mirror", "leader_term", MirrorRecord(0, term_page.SerializeAsString()) + note);
  creg::pb::LogEntry term =
      creg::DecodeLogEntry(term_page.entries(term_page.entries_size() - 1)).value();
  creg::pb::SignedTransaction forged;
  forged.ParseFromString(term.signed_transaction());
  forged.set_signature(creg::fuzz::LoadFixedKey(creg::fuzz::FixedKey::kAlice)
                           .Sign(creg::TransactionSigningMessage(forged.body())));
  term.set_signed_transaction(forged.SerializeAsString());
  *term_page.mutable_entries(term_page.entries_size() - 1) = creg::EncodeLogEntry(term);
  Write("mirror", "leader_term_forged", MirrorRecord(0, term_page.SerializeAsString()) + note);
}

// etcd_answer_fuzzer inputs: a mode byte, then answers etcd 3.4.23 gave
// (node/etcd_answer.h), or a key, a NUL and a value for the request bodies.
void EtcdSeeds() {
  const std::string header =
      R"("header":{"cluster_id":"15118495548433857066","member_id":"13668033151171901709",)"
      R"("revision":"28","raft_term":"2"})";
  const std::string kv =
      R"({"key":"L2NyZWcvYzEvbGVhZGVy","create_revision":"28","mod_revision":"28",)"
      R"("version":"1","value":"MTI3LjAuMC4xOjc2MDE=","lease":"2324035863751977081"})";
  auto seed = [](const std::string& name, char mode, const std::string& text) {
    Write("etcd_answer", name, std::string(1, mode) + text);
  };
  seed("grant", 0, "{" + header + R"(,"ID":"2324035863751974665","TTL":"2"})");
  seed("keepalive", 1, R"({"result":{)" + header + R"(,"ID":"2324035863751974665","TTL":"2"}})");
  seed("keepalive_gone", 1, R"({"result":{)" + header + R"(,"ID":"2324035863751974665"}})");
  seed("keepalive_error", 1,
       R"({"error":{"grpc_code":14,"http_code":503,"message":"etcdserver: no leader"}})");
  seed("revoke", 2, "{" + header + "}");
  seed("range", 3, "{" + header + R"(,"kvs":[)" + kv + R"(],"count":"1"})");
  seed("range_absent", 3, "{" + header + "}");
  seed("campaign_won", 4,
       "{" + header +
           R"(,"succeeded":true,"responses":[{"response_put":{"header":{"revision":"28"}}}]})");
  seed("swap_refused", 4,
       "{" + header + R"(,"responses":[{"response_range":{"header":{"revision":"28"},"kvs":[)" +
           kv + R"(],"count":"1"}},{"response_range":{"header":{"revision":"28"}}}]})");
  // The status byte 'h' (104) makes HTTP 404.
  seed("error_not_found", 5,
       "h" + std::string(R"({"error":"etcdserver: requested lease not found",)") +
           R"("message":"etcdserver: requested lease not found","code":5})");
  seed("bodies", 6, std::string("/creg/c1/leader") + '\0' + "127.0.0.1:7601");
}

// undo_record_fuzzer inputs: the size to cut back to, then records of the
// entry, a 2-byte little-endian length and the undo record to put there.
std::string UndoInput(uint64_t cut, const std::vector<std::pair<uint64_t, std::string>>& records) {
  std::string out(1, static_cast<char>(cut));
  for (const auto& [entry, record] : records) {
    out += static_cast<char>(entry);
    out += static_cast<char>(record.size() & 0xff);
    out += static_cast<char>((record.size() >> 8) & 0xff);
    out += record;
  }
  return out;
}

// The fixed registry's own undo records: for each entry, a cut back to it
// that reads its genuine record (one seed per kind of transaction, named by
// the story's nonce); a whole log cut back; and damaged records.
void UndoSeeds(FuzzRegistry& r) {
  const creg::Store& store = r.store();
  const creg::ColumnId undo = store.Column("reg.undo").value();
  const uint64_t size = r.registry().log().size();
  auto genuine = [&](uint64_t entry) {
    std::string key;
    creg::AppendBigEndian64(&key, entry);
    std::optional<std::string> record = store.Get(undo, key).value();
    if (!record.has_value()) {
      std::fprintf(stderr, "entry %llu has no undo record\n",
                   static_cast<unsigned long long>(entry));
      std::exit(1);
    }
    return *record;
  };
  for (uint64_t entry = 0; entry < size; ++entry) {
    creg::pb::SignedTransaction tx;
    creg::pb::TransactionBody body;
    if (!tx.ParseFromString(r.story().at(entry)) || !body.ParseFromString(tx.body())) {
      std::fprintf(stderr, "story transaction %llu does not decode\n",
                   static_cast<unsigned long long>(entry));
      std::exit(1);
    }
    char name[64];
    std::snprintf(name, sizeof name, "entry_%02llu_%s", static_cast<unsigned long long>(entry),
                  body.nonce().c_str());
    Write("undo_record", name, UndoInput(entry, {{entry, genuine(entry)}}));
  }
  Write("undo_record", "whole_log", UndoInput(0, {}));
  Write("undo_record", "last_three",
        UndoInput(size - 3, {{size - 3, genuine(size - 3)},
                             {size - 2, genuine(size - 2)},
                             {size - 1, genuine(size - 1)}}));
  Write("undo_record", "record_of_the_entry_before",
        UndoInput(size - 2, {{size - 1, genuine(size - 2)}}));
  const std::string last = genuine(size - 1);
  Write("undo_record", "cut_short",
        UndoInput(size - 1, {{size - 1, last.substr(0, last.size() / 2)}}));
  Write("undo_record", "empty", UndoInput(size - 1, {{size - 1, ""}}));
}

// quarantine_file_fuzzer inputs: the files QuarantineTail writes when it
// moves the tail of the fixed registry aside, then the rest of its log.
void QuarantineSeeds() {
  std::unique_ptr<FuzzRegistry> r = FuzzRegistry::Create();
  const fs::path folder = fs::temp_directory_path() / "creg-corpus-quarantine";
  fs::remove_all(folder);
  const creg::DataDir dir(folder.string());
  const uint64_t size = r->registry().log().size();
  const std::string checkpoint_note = r->CheckpointNote();
  for (uint64_t first : {size - 4, uint64_t{0}}) {
    creg::QuarantineRequest request;
    request.first = first;
    request.term_revision = 28;
    request.reason = "past the registry's checkpoint of size " + std::to_string(first);
    request.checkpoint_note = checkpoint_note;
    creg::StatusOr<creg::Quarantined> moved = creg::QuarantineTail(r->registry(), dir, request);
    creg::fuzz::CheckOk(moved.status(), "quarantine");
    Write("quarantine_file", "entries_from_" + std::to_string(first),
          creg::ReadFile(moved->path).value());
  }
  fs::remove_all(folder);
}

// summary_snapshot_fuzzer inputs: what a node writes, and near misses.
void SummarySnapshotSeeds() {
  creg::SummarySnapshot s;
  Write("summary_snapshot", "empty_log", creg::EncodeSummarySnapshot(s));
  s.size = 1'000'000;
  s.root = creg::Sha256("root");
  s.counts.days[20'000] = {.issued = 1'000, .retired = 3, .cancelled = 5};
  s.counts.days[20'001] = {.issued = 250, .retired = 0, .cancelled = 0};
  s.counts.totals = {.issued = 1'250, .retired = 3, .cancelled = 5};
  s.counts.projects = 1;
  s.counts.batches = 2;
  s.counts.retirements = 1;
  const std::string text = creg::EncodeSummarySnapshot(s);
  Write("summary_snapshot", "two_days", text);
  Write("summary_snapshot", "cut_short", text.substr(0, text.size() / 2));
  s.counts.totals.issued = 1'251;
  Write("summary_snapshot", "totals_off_by_one", creg::EncodeSummarySnapshot(s));
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR (e.g. tests/fuzz/corpus)\n", argv[0]);
    return 2;
  }
  out_root = argv[1];
  std::unique_ptr<FuzzRegistry> registry = FuzzRegistry::Create();
  auto requests = Requests(*registry);
  for (const auto& [name, request] : requests) Write("request", name, Serialize(request));
  FrameSeeds(requests);
  TransactionSeeds(*registry);
  CheckpointSeeds(*registry);
  CertificateSeeds(*registry);
  JsonSeeds();
  ControlRequestSeeds();
  TilePathSeeds();
  WitnessSeeds(*registry);
  ProposalSeeds();
  MirrorSeeds(*registry);
  EtcdSeeds();
  UndoSeeds(*registry);
  QuarantineSeeds();
  SummarySnapshotSeeds();
  return 0;
}
