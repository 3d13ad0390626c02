// docs/protocol.md carries the .proto files so that a
// client can be written from that page alone; these copies must be the
// files themselves, byte for byte, or the page misleads.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/temp_dir.h"

namespace creg {
namespace {

using creg::testing::SourcePath;

std::string ReadSource(const std::string& relative) {
  std::ifstream in(SourcePath(relative));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The first ```proto block after the line `heading` in `markdown`; empty if
// there is none.
std::string ProtoBlockAfter(const std::string& markdown, const std::string& heading) {
  size_t at = markdown.find("\n" + heading + "\n");
  if (at == std::string::npos) return "";
  const std::string open = "```proto\n";
  size_t start = markdown.find(open, at);
  if (start == std::string::npos) return "";
  start += open.size();
  size_t end = markdown.find("```", start);
  if (end == std::string::npos) return "";
  return markdown.substr(start, end - start);
}

TEST(ProtoAppendixTest, ProtocolAppendicesAreTheProtoFiles) {
  const std::string page = ReadSource("docs/protocol.md");
  ASSERT_FALSE(page.empty());
  const std::string wire = ReadSource("proto/creg/wire.proto");
  const std::string transaction = ReadSource("proto/creg/transaction.proto");
  ASSERT_FALSE(wire.empty());
  ASSERT_FALSE(transaction.empty());
  EXPECT_EQ(ProtoBlockAfter(page, "## Appendix A: wire.proto"), wire)
      << "copy proto/creg/wire.proto into docs/protocol.md, Appendix A";
  EXPECT_EQ(ProtoBlockAfter(page, "## Appendix B: transaction.proto"), transaction)
      << "copy proto/creg/transaction.proto into docs/protocol.md, Appendix B";
  for (const std::string name : {"effects", "state", "log"}) {
    const std::string file = ReadSource("proto/creg/" + name + ".proto");
    ASSERT_FALSE(file.empty()) << name;
    EXPECT_EQ(ProtoBlockAfter(page, "### " + name + ".proto"), file)
        << "copy proto/creg/" << name << ".proto into docs/protocol.md, Appendix D";
  }
}

}  // namespace
}  // namespace creg
