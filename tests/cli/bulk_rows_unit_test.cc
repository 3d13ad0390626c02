// tools/cli/bulk_rows.h on its own: which headers a bulk file may have, the
// transaction each row becomes (or the column at fault), and the derived
// nonce that makes a rerun safe.
#include "tools/cli/bulk_rows.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace creg::cli {
namespace {

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// The records of `csv` (which must parse).
std::vector<CsvRecord> Records(std::string_view csv) {
  StatusOr<std::vector<CsvRecord>> records = ParseCsv(csv);
  EXPECT_TRUE(records.ok()) << records.status().ToString();
  return records.ok() ? *records : std::vector<CsvRecord>{};
}

StatusOr<BulkLayout> LayoutOf(BulkKind kind, std::string_view header_line) {
  std::vector<CsvRecord> header = Records(header_line);
  if (header.size() != 1) return InvalidArgumentError("test header does not parse");
  return BulkLayout::FromHeader(kind, header[0]);
}

std::string HeaderRefusal(BulkKind kind, std::string_view header_line) {
  StatusOr<BulkLayout> layout = LayoutOf(kind, header_line);
  EXPECT_FALSE(layout.ok()) << header_line << " was accepted";
  if (layout.ok()) return "";
  EXPECT_EQ(layout.status().code(), StatusCode::kInvalidArgument);
  return layout.status().message();
}

// The bodies of a file's rows under its header: each row's transaction, or
// its refusal message prefixed with "error: ".
std::vector<std::string> RowsOf(BulkKind kind, std::string_view file) {
  std::vector<CsvRecord> records = Records(file);
  if (records.empty()) return {};
  StatusOr<BulkLayout> layout = BulkLayout::FromHeader(kind, records[0]);
  EXPECT_TRUE(layout.ok()) << layout.status().ToString();
  if (!layout.ok()) return {};
  std::vector<std::string> out;
  for (size_t i = 1; i < records.size(); ++i) {
    StatusOr<pb::TransactionBody> body = layout->Body(records[i], "developer");
    out.push_back(body.ok() ? body->ShortDebugString() : "error: " + body.status().message());
  }
  return out;
}

TEST(BulkRowsTest, HeadersNameKnownColumnsOnce) {
  EXPECT_TRUE(LayoutOf(BulkKind::kTransfer, "to_account,batch,quantity").ok());
  EXPECT_TRUE(LayoutOf(BulkKind::kTransfer, "serials,to_account,memo,request_id").ok());
  // Case, '-' for '_' and spaces around names do not matter.
  EXPECT_TRUE(LayoutOf(BulkKind::kTransfer, " To-Account ,BATCH,Quantity").ok());
  EXPECT_TRUE(LayoutOf(BulkKind::kRetire, "batch,quantity,beneficiary,reason,details").ok());

  std::string unknown = HeaderRefusal(BulkKind::kTransfer, "to,batch,quantity");
  EXPECT_TRUE(Contains(unknown, "unknown column 'to'")) << unknown;
  EXPECT_TRUE(Contains(unknown, BulkColumnsText(BulkKind::kTransfer))) << unknown;
  // A retire column is unknown in a transfer file.
  EXPECT_TRUE(Contains(HeaderRefusal(BulkKind::kTransfer, "to_account,serials,beneficiary"),
                       "'beneficiary'"));
  EXPECT_TRUE(Contains(HeaderRefusal(BulkKind::kTransfer, "to_account,serials,Serials"),
                       "'serials' twice"));
  EXPECT_TRUE(Contains(HeaderRefusal(BulkKind::kTransfer, "batch,quantity,memo"),
                       "no column 'to_account'"));
  EXPECT_TRUE(
      Contains(HeaderRefusal(BulkKind::kRetire, "serials,beneficiary"), "no column 'reason'"));
  // Which credits: batch and quantity together, or serials.
  for (std::string_view header : {"to_account,memo", "to_account,batch", "to_account,quantity"}) {
    EXPECT_TRUE(
        Contains(HeaderRefusal(BulkKind::kTransfer, header), "batch and quantity, or serials"))
        << header;
  }
}

TEST(BulkRowsTest, TransferRowsBecomeTransfersSignedByTheCaller) {
  std::vector<CsvRecord> records = Records(
      "to_account,batch,quantity,serials,memo\n"
      " organiser ,1,10,,\"quoted, memo\"\n"
      "organiser,,,1:1-5 1:9,\n");
  StatusOr<BulkLayout> layout = BulkLayout::FromHeader(BulkKind::kTransfer, records[0]);
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  EXPECT_EQ(layout->kind(), BulkKind::kTransfer);

  StatusOr<pb::TransactionBody> by_quantity = layout->Body(records[1], "developer");
  ASSERT_TRUE(by_quantity.ok()) << by_quantity.status().ToString();
  const pb::Transfer& t = by_quantity->transfer();
  EXPECT_EQ(t.from_account(), "developer");
  EXPECT_EQ(t.to_account(), "organiser");  // trimmed
  EXPECT_EQ(t.credits().batch(), 1u);
  EXPECT_EQ(t.credits().quantity(), 10u);
  EXPECT_EQ(t.memo(), "quoted, memo");
  // Origin and nonce are the caller's to set.
  EXPECT_EQ(by_quantity->origin(), "");
  EXPECT_EQ(by_quantity->nonce(), "");

  StatusOr<pb::TransactionBody> by_serials = layout->Body(records[2], "developer");
  ASSERT_TRUE(by_serials.ok()) << by_serials.status().ToString();
  ASSERT_EQ(by_serials->transfer().credits().blocks_size(), 2);
  EXPECT_EQ(by_serials->transfer().credits().blocks(1).first(), 9u);
}

TEST(BulkRowsTest, BadTransferRowsNameWhatIsWrong) {
  std::vector<std::string> rows = RowsOf(BulkKind::kTransfer,
                                         "to_account,batch,quantity,memo\n"
                                         "organiser,1,-5,negative\n"
                                         "organiser,1\n"
                                         "organiser,1,2,memo,extra\n"
                                         "organiser,1,lots,not a number\n"
                                         ",1,3,no recipient\n"
                                         "organiser,,3,no batch\n");
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_TRUE(Contains(rows[0], "error: quantity must be a whole number")) << rows[0];
  EXPECT_TRUE(Contains(rows[0], "'-5'")) << rows[0];
  EXPECT_EQ(rows[1], "error: the row has 2 fields but the header has 4 (missing columns)");
  EXPECT_EQ(rows[2], "error: the row has 5 fields but the header has 4");
  EXPECT_TRUE(Contains(rows[3], "'lots'")) << rows[3];
  EXPECT_EQ(rows[4], "error: to_account is empty");
  EXPECT_TRUE(Contains(rows[5], "error: a quantity needs the batch")) << rows[5];
}

TEST(BulkRowsTest, RetireRowsAndReasonOtherNeedsDetails) {
  std::vector<std::string> rows =
      RowsOf(BulkKind::kRetire,
             "batch,quantity,beneficiary,reason,details,country_of_use,claim_reference\n"
             "1,5,Airline X,other,,,\n"
             "1,7,Airline Y,other,crew travel,KE,CLAIM-1\n"
             "1,7,Airline Y,Voluntary_Event_Offset,,,\n"
             "1,7,Airline Y,feeling-good,,,\n"
             "1,7,,compliance,,,\n");
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_TRUE(Contains(rows[0], "error: details is empty; reason 'other' needs details"))
      << rows[0];
  EXPECT_TRUE(Contains(rows[1], "account: \"developer\"")) << rows[1];
  EXPECT_TRUE(Contains(rows[1], "reason: OTHER")) << rows[1];
  EXPECT_TRUE(Contains(rows[1], "details: \"crew travel\"")) << rows[1];
  EXPECT_TRUE(Contains(rows[1], "country_of_use: \"KE\"")) << rows[1];
  EXPECT_TRUE(Contains(rows[1], "claim_reference: \"CLAIM-1\"")) << rows[1];
  // Reason names as `creg retire` takes them, in any case.
  EXPECT_TRUE(Contains(rows[2], "reason: VOLUNTARY_EVENT_OFFSET")) << rows[2];
  EXPECT_TRUE(Contains(rows[3], "error: reason 'feeling-good' is not one of the reasons"))
      << rows[3];
  EXPECT_EQ(rows[4], "error: beneficiary is empty");
}

TEST(BulkRowsTest, RetireRowsTakeAUseAndAUsingEntity) {
  EXPECT_TRUE(LayoutOf(BulkKind::kRetire, "serials,beneficiary,reason,Use,Using-Entity").ok());
  // Use columns are retire columns only.
  EXPECT_TRUE(
      Contains(HeaderRefusal(BulkKind::kTransfer, "to_account,serials,use"), "unknown column"));
  std::vector<std::string> rows = RowsOf(BulkKind::kRetire,
                                         "serials,beneficiary,reason,use,using_entity\n"
                                         "1:1-10,Swiss Confederation,compliance,ndc,Switzerland\n"
                                         "1:11-20,Airline Y,compliance,oimp,Airline Y\n"
                                         "1:21-30,Someone,voluntary-individual,,\n"
                                         "1:31-40,Someone,voluntary-individual,voluntary,\n"
                                         "1:41-50,Japan,compliance,NDC,\n"
                                         "1:51-60,Japan,compliance,corsia,\n");
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_TRUE(Contains(rows[0], "use: CREDIT_USE_NDC")) << rows[0];
  EXPECT_TRUE(Contains(rows[0], "using_entity: \"Switzerland\"")) << rows[0];
  EXPECT_TRUE(Contains(rows[1], "use: CREDIT_USE_OIMP")) << rows[1];
  // An empty use is voluntary, the default (left out of the text form).
  EXPECT_FALSE(Contains(rows[2], "use:")) << rows[2];
  EXPECT_FALSE(Contains(rows[2], "using_entity")) << rows[2];
  EXPECT_FALSE(Contains(rows[3], "use:")) << rows[3];
  EXPECT_FALSE(Contains(rows[3], "error")) << rows[3];
  // Use names as 'creg retire --use' takes them: lower case, nothing else.
  EXPECT_EQ(rows[4], "error: unknown use 'NDC'; use voluntary, ndc or oimp");
  EXPECT_EQ(rows[5], "error: unknown use 'corsia'; use voluntary, ndc or oimp");
}

TEST(BulkRowsTest, NoncesAreDerivedSoARerunRepeatsThem) {
  std::vector<CsvRecord> records = Records(
      "to_account,batch,quantity,request_id\n"
      "organiser,1,10,\n"
      "organiser,1,10,\n"
      "organiser,1,10,pay-7\n"
      "organiser,1,99,pay-7\n");
  StatusOr<BulkLayout> transfer = BulkLayout::FromHeader(BulkKind::kTransfer, records[0]);
  ASSERT_TRUE(transfer.ok());
  const std::string digest = "file digest";
  const std::string n1 = transfer->Nonce(records[1], digest);
  EXPECT_EQ(n1.rfind("bulk-", 0), 0u) << n1;
  EXPECT_EQ(n1.size(), 5u + 64u) << n1;
  // The same row of the same file: the same nonce, every run.
  EXPECT_EQ(transfer->Nonce(records[1], digest), n1);
  // The same text on another line, or in another file, is another row.
  EXPECT_NE(transfer->Nonce(records[2], digest), n1);
  EXPECT_NE(transfer->Nonce(records[1], "other digest"), n1);
  // A request_id alone decides: the row may be edited, or the file changed.
  const std::string by_id = transfer->Nonce(records[3], digest);
  EXPECT_EQ(transfer->Nonce(records[4], "other digest"), by_id);
  EXPECT_NE(by_id, n1);
  // ...within a kind: a retire with that request_id is another transaction.
  StatusOr<BulkLayout> retire =
      LayoutOf(BulkKind::kRetire, "batch,quantity,beneficiary,reason,request_id");
  ASSERT_TRUE(retire.ok());
  std::vector<CsvRecord> retire_row = Records("1,1,X,other,pay-7\n");
  EXPECT_NE(retire->Nonce(retire_row[0], digest), by_id);
}

}  // namespace
}  // namespace creg::cli
