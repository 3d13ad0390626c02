// TLS end to end: the real cregd started with --tls-cert/--tls-key and a
// certificate made at test time, driven by the client library, raw sockets,
// creg and creg-audit.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "ledger/checkpoint.h"
#include "ledger/log_entry.h"
#include "ledger/merkle.h"
#include "ledger/registry/transaction.h"
#include "net/address.h"
#include "tests/support/node_process.h"
#include "tests/support/raw_connection.h"
#include "tests/support/tls_certs.h"

namespace creg {
namespace {

using testing::MakeSelfSignedCert;
using testing::NodeProcess;
using testing::ProgramPath;
using testing::RawConnection;
using testing::RunProgram;
using testing::RunResult;
using testing::TlsFiles;

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override { certs_ = MakeSelfSignedCert(dir_, "node"); }

  void StartNode(const std::vector<std::string>& flags, bool tls = true) {
    node_ = std::make_unique<NodeProcess>(dir_);
    std::vector<std::string> all = flags;
    if (tls) all.insert(all.end(), {"--tls-cert", certs_.cert, "--tls-key", certs_.key});
    ASSERT_TRUE(node_->Start(all));
  }

  StatusOr<std::unique_ptr<Client>> ConnectWithCa(const std::string& ca_file) {
    ClientOptions options;
    options.tls_ca_file = ca_file;
    return Client::Connect(node_->address(), options);
  }

  bool ServesTls() {
    auto client = ConnectWithCa(certs_.cert);
    return client.ok() && (*client)->GetStatus().ok();
  }

  // `cregd run` on the data folder with these flags, expected to fail.
  RunResult RunNode(const std::vector<std::string>& flags) {
    NodeProcess init(dir_);  // creates the registry if needed
    std::vector<std::string> argv = {ProgramPath("CREGD_BIN"), "run",      "--data",
                                     init.data_dir(),          "--listen", "127.0.0.1:0"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    return RunProgram(argv);
  }

  testing::TempDir dir_;
  TlsFiles certs_;
  std::unique_ptr<NodeProcess> node_;
};

TEST_F(TlsTest, TlsClientGetsStatusCommitsAndProofs) {
  StartNode({});
  EXPECT_NE(node_->log_text().find("with TLS"), std::string::npos) << node_->log_text();
  auto client = ConnectWithCa(certs_.cert);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  EXPECT_TRUE((*client)->tls());

  auto status = (*client)->GetStatus();
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(status->origin(), NodeProcess::kOrigin);
  // A read left pending at a deadline does not disturb the TLS stream.
  auto nothing =
      (*client)->ReceiveBefore(std::chrono::steady_clock::now() + std::chrono::milliseconds(30));
  ASSERT_TRUE(nothing.ok()) << nothing.status().ToString();
  EXPECT_FALSE(nothing->has_value());

  pb::TransactionBody body;
  body.set_origin(NodeProcess::kOrigin);
  body.set_nonce("tls-" + std::to_string(NowMicros()));
  body.mutable_open_account()->set_account_id("holder-over-tls");
  body.mutable_open_account()->set_role(pb::ROLE_HOLDER);
  body.mutable_open_account()->set_public_key(PrivateKey::Generate().value().public_key().raw());
  auto answer = (*client)->Submit(SignTransaction(body, "operator", node_->OperatorKey()));
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  ASSERT_TRUE(answer->has_committed()) << answer->refused().message();
  const uint64_t index = answer->committed().entry_index();

  auto checkpoint = (*client)->GetCheckpoint();
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status().ToString();
  NoteVerifier verifier = NoteVerifier::FromVerifierKey(node_->VerifierKey()).value();
  Checkpoint head = VerifyCheckpoint(checkpoint->note(), verifier, NodeProcess::kOrigin).value();
  ASSERT_GT(head.size, index);
  pb::Request request;
  request.mutable_inclusion_proof()->set_index(index);
  request.mutable_inclusion_proof()->set_tree_size(head.size);
  auto proof = (*client)->Call(request);
  ASSERT_TRUE(proof.ok()) << proof.status().ToString();
  ASSERT_TRUE(proof->has_proof()) << proof->error().message();
  std::vector<std::string> hashes(proof->proof().hashes().begin(), proof->proof().hashes().end());
  EXPECT_TRUE(merkle::VerifyInclusion(index, head.size, proof->proof().leaf_hash(), hashes,
                                      head.root.view())
                  .ok());
  EXPECT_EQ(node_->Stop(), 0);
}

TEST_F(TlsTest, PlainClientFailsCleanlyAndTheNodeKeepsServing) {
  StartNode({});
  for (int i = 0; i < 3; ++i) {
    auto plain = Client::Connect(node_->address());
    ASSERT_TRUE(plain.ok()) << plain.status().ToString();  // TCP itself connects
    auto status = (*plain)->GetStatus();
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.status().code(), StatusCode::kUnavailable) << status.status().ToString();
    EXPECT_NE(status.status().message().find("TLS"), std::string::npos)
        << status.status().ToString();
  }
  EXPECT_TRUE(ServesTls());
  EXPECT_EQ(node_->Stop(), 0);
}

TEST_F(TlsTest, TlsClientAgainstPlainNodeFailsCleanly) {
  StartNode({}, /*tls=*/false);
  auto client = ConnectWithCa(certs_.cert);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(client.status().message().find("TLS handshake"), std::string::npos)
      << client.status().ToString();
  auto plain = Client::Connect(node_->address());
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE((*plain)->GetStatus().ok());
}

TEST_F(TlsTest, WrongCaIsRefusedNamingCertificateVerification) {
  StartNode({});
  TlsFiles other = MakeSelfSignedCert(dir_, "other", "another node");
  auto client = ConnectWithCa(other.cert);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(client.status().message().find("certificate verification failed"), std::string::npos)
      << client.status().ToString();
  EXPECT_NE(client.status().message().find(other.cert), std::string::npos)
      << client.status().ToString();
  EXPECT_TRUE(ServesTls());
}

TEST_F(TlsTest, CertificateForAnotherAddressIsRefused) {
  // Trusted (it is its own CA) but issued for 127.0.0.2, not 127.0.0.1.
  certs_ = MakeSelfSignedCert(dir_, "elsewhere", "creg test node", "IP:127.0.0.2");
  StartNode({});
  auto client = ConnectWithCa(certs_.cert);
  ASSERT_FALSE(client.ok());
  EXPECT_NE(client.status().message().find("certificate verification failed"), std::string::npos)
      << client.status().ToString();
  EXPECT_NE(client.status().message().find("IP address mismatch"), std::string::npos)
      << client.status().ToString();
}

TEST_F(TlsTest, ClientThatNeverHandshakesIsDroppedAfterTheReadTimeout) {
  StartNode({"--read-timeout", "2", "--idle-timeout", "300"});
  RawConnection silent(node_->address(), std::chrono::seconds(20));  // never says anything
  ASSERT_TRUE(silent.connected());
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(ServesTls());  // others are served meanwhile
  ASSERT_TRUE(silent.ClosedByPeer());
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GE(waited, 1.5);
  EXPECT_LT(waited, 10.0);
  EXPECT_TRUE(ServesTls());
}

TEST_F(TlsTest, UnusableCertificateOrKeyStopsTheNodeBeforeItServes) {
  TlsFiles other = MakeSelfSignedCert(dir_, "other", "another node");
  RunResult mismatch = RunNode({"--tls-cert", certs_.cert, "--tls-key", other.key});
  EXPECT_EQ(mismatch.exit_code, 1) << mismatch.err;
  EXPECT_NE(mismatch.err.find("does not match the certificate"), std::string::npos) << mismatch.err;
  EXPECT_NE(mismatch.err.find(other.key), std::string::npos) << mismatch.err;
  EXPECT_EQ(mismatch.err.find("serving on"), std::string::npos) << mismatch.err;

  std::string missing = dir_.Sub("missing.crt");
  RunResult unreadable = RunNode({"--tls-cert", missing, "--tls-key", certs_.key});
  EXPECT_EQ(unreadable.exit_code, 1) << unreadable.err;
  EXPECT_NE(unreadable.err.find("cannot read the TLS certificate " + missing), std::string::npos)
      << unreadable.err;

  std::string garbage = dir_.Sub("garbage.crt");
  std::ofstream(garbage) << "not a certificate\n";
  RunResult not_pem = RunNode({"--tls-cert", garbage, "--tls-key", certs_.key});
  EXPECT_EQ(not_pem.exit_code, 1) << not_pem.err;
  EXPECT_NE(not_pem.err.find("cannot load the TLS certificate " + garbage), std::string::npos)
      << not_pem.err;

  RunResult half = RunNode({"--tls-cert", certs_.cert});
  EXPECT_EQ(half.exit_code, 2) << half.err;
  EXPECT_NE(half.err.find("--tls-key"), std::string::npos) << half.err;
}

TEST_F(TlsTest, CregAndCregAuditConnectWithTlsCa) {
  StartNode({});
  RunResult status = RunProgram({ProgramPath("CREG_BIN"), "status", "--node", node_->address(),
                                 "--tls-ca", certs_.cert, "--json"});
  EXPECT_EQ(status.exit_code, 0) << status.out << status.err;
  EXPECT_NE(status.out.find(NodeProcess::kOrigin), std::string::npos) << status.out;

  RunResult plain = RunProgram({ProgramPath("CREG_BIN"), "status", "--node", node_->address()});
  EXPECT_EQ(plain.exit_code, 3) << plain.out << plain.err;
  EXPECT_NE(plain.err.find("--tls-ca"), std::string::npos) << plain.err;

  RunResult watch =
      RunProgram({ProgramPath("CREG_AUDIT_BIN"), "watch", "--node", node_->address(), "--tls-ca",
                  certs_.cert, "--state", dir_.Sub("watch.state"), "--key", node_->VerifierKey()});
  EXPECT_EQ(watch.exit_code, 0) << watch.out << watch.err;
}

}  // namespace
}  // namespace creg
