// C2SP tlog-witness bodies: round trips, the spec's example, and hostile
// bodies refused with a reason.
#include "ledger/witness_protocol.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace creg {
namespace {

constexpr char kNote[] =
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n"
    "\xe2\x80\x94 example.com/behind-the-sofa "
    "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/"
    "Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n";
constexpr char kProofLine[] = "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n";

std::vector<Hash> Proof(size_t n) {
  std::vector<Hash> proof;
  for (size_t i = 0; i < n; ++i) proof.push_back(Sha256(std::to_string(i)));
  return proof;
}

TEST(WitnessProtocolTest, SpecExampleParses) {
  const std::string body = std::string("old 20852014\n") + kProofLine +
                           "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"
                           "5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n"
                           "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n\n" +
                           kNote;
  StatusOr<AddCheckpointRequest> got = ParseAddCheckpointBody(body);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->old_size, 20852014u);
  ASSERT_EQ(got->proof.size(), 4u);
  EXPECT_EQ(got->proof[0].ToBase64() + "\n", kProofLine);
  EXPECT_EQ(got->note, kNote);
  EXPECT_EQ(AddCheckpointBody(got->old_size, got->proof, got->note), body);
}

TEST(WitnessProtocolTest, RoundTripsUpTo63ProofLines) {
  for (size_t n : {0, 1, 2, 62, 63}) {
    const std::vector<Hash> proof = Proof(n);
    const std::string body = AddCheckpointBody(n == 0 ? 0 : 7 * n, proof, kNote);
    StatusOr<AddCheckpointRequest> got = ParseAddCheckpointBody(body);
    ASSERT_TRUE(got.ok()) << n << ": " << got.status().ToString();
    EXPECT_EQ(got->old_size, n == 0 ? 0 : 7 * n);
    EXPECT_EQ(got->proof, proof);
    EXPECT_EQ(got->note, kNote);
  }
  EXPECT_EQ(ParseAddCheckpointBody("old 18446744073709551615\n\nx")->old_size, UINT64_MAX);
}

TEST(WitnessProtocolTest, HostileBodiesAreRefusedWithAReason) {
  const std::string note = kNote;
  const std::string proof63 = AddCheckpointBody(1, Proof(63), "");
  const std::string line63 = proof63.substr(6, proof63.size() - 7);  // the 63 proof lines
  struct Case {
    std::string body;
    std::string why;
  };
  const std::vector<Case> cases = {
      {"", "no \"old <size>\" line"},
      {note, "first line is not"},
      {"old 5", "no \"old <size>\" line"},
      {"Old 5\n\n" + note, "first line is not"},
      {"old5\n\n" + note, "first line is not"},
      {"old  5\n\n" + note, "old size is not decimal"},
      {"old 05\n\n" + note, "leading zero"},
      {"old -1\n\n" + note, "not decimal"},
      {"old +1\n\n" + note, "not decimal"},
      {"old \n\n" + note, "old size is empty"},
      {"old 5\r\n\r\n" + note, "not decimal"},
      {"old 18446744073709551616\n\n" + note, "larger than 2^64-1"},
      {"old 5\n" + line63 + kProofLine + "\n" + note, "more than 63 consistency proof lines"},
      {"old 5\nnot base64!\n\n" + note, "line 1 is not base64"},
      {"old 5\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkQ==\n\n" + note, "not base64 of a 32"},
      {"old 5\n" + std::string(kProofLine) + "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw\n\n" +
           note,
       "line 2 is not base64"},
      {"old 5\n" + std::string(kProofLine) + " \n\n" + note, "line 2 is not base64"},
      {"old 5\n" + std::string(kProofLine), "no blank line"},
      {"old 5\n\n", "no checkpoint after the blank line"},
      {"old 5\n" + std::string(kProofLine) + note, "line 2 is not base64"},
  };
  for (const Case& c : cases) {
    StatusOr<AddCheckpointRequest> got = ParseAddCheckpointBody(c.body);
    ASSERT_FALSE(got.ok()) << c.body;
    EXPECT_EQ(got.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(got.status().message().find(c.why), std::string::npos)
        << got.status().message() << " (wanted: " << c.why << ")";
    EXPECT_EQ(got.status().message().find("malformed add-checkpoint body: "), 0u);
  }
}

TEST(WitnessProtocolTest, TreeSizeBodyIsStrict) {
  EXPECT_EQ(TreeSizeBody(0), "0\n");
  EXPECT_EQ(TreeSizeBody(20852163), "20852163\n");
  EXPECT_EQ(ParseTreeSizeBody("20852163\n").value(), 20852163u);
  EXPECT_EQ(ParseTreeSizeBody("0\n").value(), 0u);
  for (const char* bad : {"", "\n", "5", "05\n", "5\n\n", "5\r\n", "-5\n", " 5\n", "5 \n",
                          "18446744073709551616\n", "0x5\n"}) {
    EXPECT_FALSE(ParseTreeSizeBody(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace creg
