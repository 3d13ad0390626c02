#include "ledger/canonical_proto.h"

#include <gmock/gmock.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "creg/log.pb.h"
#include "creg/transaction.pb.h"
#include "tests/support/wire_bytes.h"

namespace creg {
namespace {

using ::testing::HasSubstr;

using testing::LdField;
using testing::Tag;
using testing::Varint;
using testing::VarintField;

// The canonical reading of TransactionBody bytes: the walk's verdict.
Status Check(const std::string& bytes) {
  return CheckCanonicalEncoding(*pb::TransactionBody::descriptor(), bytes);
}

// A retire body built the normal way, and its bytes.
pb::TransactionBody RetireBody() {
  pb::TransactionBody body;
  body.set_origin("test.creg.example");
  body.set_nonce("n-1");
  body.set_created_micros(1'760'000'000'000'000);
  pb::Retire* op = body.mutable_retire();
  op->set_account("organiser");
  op->mutable_credits()->set_batch(1);
  op->mutable_credits()->set_quantity(120);
  op->set_beneficiary("Example Forum 2026");
  op->set_reason(pb::VOLUNTARY_EVENT_OFFSET);
  return body;
}

std::string Header() {  // origin and nonce of a body
  return LdField(1, "test.creg.example") + LdField(2, "n-1");
}
std::string RetireBytes() {  // retire with account and beneficiary
  return LdField(1, "organiser") + LdField(3, "Example Forum 2026");
}

TEST(CanonicalProtoTest, NormallySerialisedMessagesAreCanonical) {
  pb::TransactionBody body = RetireBody();
  std::string bytes = SerializeCanonical(body);
  EXPECT_EQ(bytes, body.SerializeAsString());
  EXPECT_TRUE(Check(bytes).ok()) << Check(bytes).ToString();
  EXPECT_TRUE(CheckCanonical(body, bytes).ok());
  pb::TransactionBody parsed;
  EXPECT_TRUE(ParseCanonical(bytes, parsed).ok());
  EXPECT_EQ(parsed.retire().credits().quantity(), 120u);

  // Explicit blocks (a repeated message), an empty oneof member (set, so
  // written), an empty message, and a zero in a oneof are canonical too.
  pb::TransactionBody blocks = RetireBody();
  for (uint64_t first : {1, 10, 20}) {
    pb::SerialBlock* b = blocks.mutable_retire()->mutable_credits()->add_blocks();
    b->set_batch(1);
    b->set_first(first);
    b->set_last(first + 5);
  }
  blocks.mutable_retire()->mutable_credits()->add_blocks();  // all zero: empty message
  EXPECT_TRUE(Check(SerializeCanonical(blocks)).ok());
  pb::TransactionBody empty_op;
  empty_op.mutable_transfer();
  EXPECT_TRUE(Check(SerializeCanonical(empty_op)).ok());
  EXPECT_TRUE(Check("").ok());
}

TEST(CanonicalProtoTest, TwoOneofMembersAreRefused) {
  // A transfer, then a retire: protobuf keeps the last, the retire.
  std::string bytes = Header() + LdField(15, LdField(1, "organiser") + LdField(2, "developer")) +
                      LdField(16, RetireBytes());
  pb::TransactionBody lenient;
  ASSERT_TRUE(lenient.ParseFromString(bytes));
  EXPECT_TRUE(lenient.has_retire());
  EXPECT_THAT(Check(bytes).message(),
              HasSubstr("fields 15 (transfer) and 16 (retire) of TransactionBody are both set, "
                        "but belong to oneof kind"));
  EXPECT_EQ(Check(bytes).code(), StatusCode::kInvalidArgument);
}

TEST(CanonicalProtoTest, RepeatedSingularFieldIsRefused) {
  std::string bytes = LdField(1, "other.example") + Header() + LdField(16, RetireBytes());
  pb::TransactionBody lenient;
  ASSERT_TRUE(lenient.ParseFromString(bytes));
  EXPECT_EQ(lenient.origin(), "test.creg.example");  // the last one wins
  EXPECT_THAT(Check(bytes).message(),
              HasSubstr("field 1 (origin) of TransactionBody appears twice"));
  // Also inside a nested message.
  std::string nested = Header() + LdField(16, LdField(1, "organiser") + LdField(1, "developer") +
                                                  LdField(3, "Example Forum 2026"));
  EXPECT_THAT(Check(nested).message(),
              HasSubstr("field 1 (account) of TransactionBody.retire appears twice"));
}

TEST(CanonicalProtoTest, EnumOutOfRangeIsRefused) {
  // 2^32 + 1 reads as 1 (VOLUNTARY_EVENT_OFFSET) in protobuf's int32 enum.
  std::string bytes =
      Header() + LdField(16, RetireBytes() + VarintField(4, (uint64_t{1} << 32) + 1));
  pb::TransactionBody lenient;
  ASSERT_TRUE(lenient.ParseFromString(bytes));
  EXPECT_EQ(lenient.retire().reason(), pb::VOLUNTARY_EVENT_OFFSET);
  EXPECT_THAT(Check(bytes).message(),
              HasSubstr("field 4 (reason) of TransactionBody.retire holds enum value 4294967297, "
                        "out of range"));
  // A 32-bit value the enum does not declare.
  std::string undeclared = Header() + LdField(16, RetireBytes() + VarintField(4, 77));
  EXPECT_THAT(Check(undeclared).message(),
              HasSubstr("holds enum value 77, out of range: enum RetirementReason declares no "
                        "such value"));
  // Negative enum values as a 5-byte varint are not their sign-extended form.
  std::string negative = Header() + LdField(16, RetireBytes() + VarintField(4, 0xffffffffu));
  EXPECT_THAT(Check(negative).message(), HasSubstr("out of range"));
}

TEST(CanonicalProtoTest, UnknownFieldIsRefusedAtAnyDepth) {
  std::string top = SerializeCanonical(RetireBody()) + VarintField(99, 1);
  pb::TransactionBody lenient;
  ASSERT_TRUE(lenient.ParseFromString(top));
  EXPECT_THAT(Check(top).message(), HasSubstr("unknown field 99 in TransactionBody"));
  std::string nested =
      Header() +
      LdField(16, LdField(1, "organiser") + LdField(2, VarintField(2, 1) + VarintField(9, 5)) +
                      LdField(3, "Example Forum 2026"));
  EXPECT_THAT(Check(nested).message(),
              HasSubstr("unknown field 9 in TransactionBody.retire.credits"));
  // protobuf keeps unknown fields and writes them back, so a re-encoding
  // alone would not see them; CheckCanonical looks for them as well.
  ASSERT_TRUE(lenient.ParseFromString(nested));
  EXPECT_EQ(lenient.SerializeAsString(), nested);
  EXPECT_FALSE(CheckCanonical(lenient, nested).ok());
}

TEST(CanonicalProtoTest, NonMinimalVarintsAreRefused) {
  // created_micros = 5 as 0x85 0x00.
  std::string value = Header() + Tag(3, 0) + "\x85" + std::string(1, '\0');
  pb::TransactionBody lenient;
  ASSERT_TRUE(lenient.ParseFromString(value));
  EXPECT_EQ(lenient.created_micros(), 5);
  EXPECT_THAT(Check(value).message(),
              HasSubstr("field 3 (created_micros) of TransactionBody at byte 25 is a "
                        "non-minimal varint"));
  // A length prefix padded the same way.
  std::string length = Tag(1, 2) + "\x83" + std::string(1, '\0') + "abc";
  ASSERT_TRUE(lenient.ParseFromString(length));
  EXPECT_THAT(Check(length).message(), HasSubstr("field 1 (origin) of TransactionBody at byte 1 "
                                                 "is a non-minimal varint"));
  // A tag padded: 0x8a 0x00 is field 1, length-delimited.
  std::string tag = "\x8a" + std::string(1, '\0') + Varint(3) + "abc";
  ASSERT_TRUE(lenient.ParseFromString(tag));
  EXPECT_THAT(Check(tag).message(), HasSubstr("the tag at byte 0 in TransactionBody is a "
                                              "non-minimal varint"));
}

TEST(CanonicalProtoTest, ExplicitDefaultValuesAreRefused) {
  std::string zero = Header() + VarintField(3, 0) + LdField(16, RetireBytes());
  EXPECT_THAT(Check(zero).message(),
              HasSubstr("field 3 (created_micros) of TransactionBody holds its default value "
                        "explicitly"));
  std::string empty = LdField(1, "") + LdField(2, "n-1");
  EXPECT_THAT(Check(empty).message(),
              HasSubstr("field 1 (origin) of TransactionBody holds its default value"));
  std::string enum_zero = Header() + LdField(16, RetireBytes() + VarintField(4, 0));
  EXPECT_THAT(Check(enum_zero).message(),
              HasSubstr("field 4 (reason) of TransactionBody.retire holds its default value"));
}

TEST(CanonicalProtoTest, FieldsOutOfOrderAreRefused) {
  std::string bytes = LdField(2, "n-1") + LdField(1, "test.creg.example");
  pb::TransactionBody lenient;
  ASSERT_TRUE(lenient.ParseFromString(bytes));
  EXPECT_THAT(Check(bytes).message(),
              HasSubstr("field 1 (origin) of TransactionBody comes after field 2 (nonce)"));
  // A repeated message split around another field.
  std::string block = VarintField(1, 1);  // a SerialBlock of batch 1
  std::string split = LdField(1, block) + VarintField(2, 1) + LdField(1, block);
  EXPECT_THAT(CheckCanonicalEncoding(*pb::CreditSelection::descriptor(), split).message(),
              HasSubstr("field 1 (blocks) of CreditSelection comes after field 2 (batch)"));
  EXPECT_TRUE(CheckCanonicalEncoding(*pb::CreditSelection::descriptor(),
                                     LdField(1, block) + LdField(1, block))
                  .ok());
}

TEST(CanonicalProtoTest, WrongWireTypeAndCutOffBytesAreRefused) {
  EXPECT_THAT(Check(VarintField(1, 7)).message(),
              HasSubstr("field 1 (origin) of TransactionBody has wire type 0 (varint), expected "
                        "2 (length-delimited)"));
  EXPECT_THAT(Check(Tag(1, 2) + Varint(10) + "abc").message(), HasSubstr("is cut off"));
  EXPECT_THAT(Check(Tag(3, 0)).message(), HasSubstr("is cut off"));
  EXPECT_THAT(Check(Tag(0, 0) + Varint(1)).message(), HasSubstr("field number 0"));
  EXPECT_THAT(Check(LdField(1, "\xff\xfe")).message(), HasSubstr("is not valid UTF-8"));
  EXPECT_FALSE(Check(Tag(1, 3)).ok());  // a group
}

// A proto3 message with the field types creg's own messages lack: repeated
// scalars (packed by default), bool, int32, sint32 and fixed32.
class DynamicSampleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    google::protobuf::FileDescriptorProto file;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
        R"pb(
          name: "canonical_sample.proto"
          package: "sample"
          syntax: "proto3"
          message_type {
            name: "Sample"
            field { name: "values" number: 1 label: LABEL_REPEATED type: TYPE_UINT64 }
            field { name: "flag" number: 2 label: LABEL_OPTIONAL type: TYPE_BOOL }
            field { name: "small" number: 3 label: LABEL_OPTIONAL type: TYPE_INT32 }
            field { name: "zigzag" number: 4 label: LABEL_OPTIONAL type: TYPE_SINT32 }
            field { name: "words" number: 5 label: LABEL_REPEATED type: TYPE_FIXED32 }
            field { name: "names" number: 6 label: LABEL_REPEATED type: TYPE_STRING }
          }
        )pb",
        &file));
    const google::protobuf::FileDescriptor* built = pool_.BuildFile(file);
    ASSERT_NE(built, nullptr);
    type_ = built->FindMessageTypeByName("Sample");
    ASSERT_NE(type_, nullptr);
  }

  Status Check(const std::string& bytes) { return CheckCanonicalEncoding(*type_, bytes); }
  // Parses `bytes` as a Sample and checks them, walk, unknown fields and
  // re-encoding together.
  Status Parsed(const std::string& bytes) {
    std::unique_ptr<google::protobuf::Message> m(factory_.GetPrototype(type_)->New());
    return ParseCanonical(bytes, *m);
  }

  google::protobuf::DescriptorPool pool_;
  google::protobuf::DynamicMessageFactory factory_{&pool_};
  const google::protobuf::Descriptor* type_ = nullptr;
};

TEST_F(DynamicSampleTest, PackedRepeatedScalarsAreCanonical) {
  std::string packed = LdField(1, Varint(1) + Varint(300) + Varint(0));
  EXPECT_TRUE(Check(packed).ok()) << Check(packed).ToString();
  EXPECT_TRUE(Parsed(packed).ok()) << Parsed(packed).ToString();
  std::string words = LdField(5, std::string("\x01\0\0\0\0\0\0\0", 8));
  EXPECT_TRUE(Parsed(words).ok()) << Parsed(words).ToString();
  EXPECT_TRUE(Parsed(LdField(6, "") + LdField(6, "b")).ok());  // empty elements are written
}

TEST_F(DynamicSampleTest, UnpackedRepeatedScalarsAreRefused) {
  std::string unpacked = VarintField(1, 1) + VarintField(1, 300);
  EXPECT_THAT(Check(unpacked).message(),
              HasSubstr("repeated field 1 (values) of Sample is not packed"));
  EXPECT_FALSE(Parsed(unpacked).ok());
  EXPECT_THAT(Check(LdField(1, Varint(1)) + LdField(1, Varint(2))).message(),
              HasSubstr("appears twice; its values belong in one run"));
  EXPECT_THAT(Check(LdField(1, "")).message(), HasSubstr("is an empty run"));
  EXPECT_THAT(Check(LdField(1, "\x81" + std::string(1, '\0'))).message(),
              HasSubstr("non-minimal varint"));
  EXPECT_THAT(Check(LdField(5, "\x01\x02\x03")).message(),
              HasSubstr("not a whole number of 4-byte values"));
}

TEST_F(DynamicSampleTest, ScalarRangesFollowTheirTypes) {
  EXPECT_THAT(Check(VarintField(2, 2)).message(), HasSubstr("not a bool"));
  EXPECT_TRUE(Parsed(VarintField(2, 1)).ok());
  // -1 as an int32 is sign-extended to ten bytes; its 5-byte form is refused.
  EXPECT_TRUE(Parsed(VarintField(3, ~uint64_t{0})).ok())
      << Parsed(VarintField(3, ~uint64_t{0})).ToString();
  EXPECT_THAT(Check(VarintField(3, 0xffffffffu)).message(),
              HasSubstr("holds 4294967295, out of range for int32"));
  EXPECT_THAT(Check(VarintField(4, uint64_t{1} << 32)).message(),
              HasSubstr("out of range for sint32"));
  EXPECT_TRUE(Parsed(VarintField(4, 0xffffffffu)).ok());
  // Over 64 bits.
  EXPECT_FALSE(Check(Tag(3, 0) + std::string(9, '\xff') + "\x02").ok());
}

TEST(CanonicalProtoTest, ParseCanonicalSaysWhetherBytesDecode) {
  pb::TransactionBody body;
  Status garbage = ParseCanonical("\xff\xff", body);
  EXPECT_THAT(garbage.message(), HasSubstr("bytes do not decode as a TransactionBody"));
  Status twice = ParseCanonical(LdField(2, "a") + LdField(2, "b"), body);
  EXPECT_THAT(twice.message(),
              HasSubstr("bytes are not in canonical form: field 2 (nonce) of TransactionBody "
                        "appears twice"));
}

TEST(CanonicalProtoTest, LogEntriesAsEncodedAreCanonical) {
  pb::LogEntry entry;
  entry.set_index(0);
  entry.set_prev_hash(std::string(32, '\0'));
  entry.set_signed_transaction("tx");
  entry.mutable_effects();  // set but empty: written as an empty message
  std::string bytes = SerializeCanonical(entry);
  pb::LogEntry parsed;
  EXPECT_TRUE(ParseCanonical(bytes, parsed).ok());
  EXPECT_TRUE(parsed.has_effects());
}

}  // namespace
}  // namespace creg
