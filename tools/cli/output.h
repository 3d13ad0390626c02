// Output formatting for creg: aligned tables and "key: value" blocks for
// people, pretty JSON for machines, and the names creg prints for enum
// values (stable: they are part of the --json format, docs/cli.md).
#pragma once

#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "creg/state.pb.h"
#include "creg/transaction.pb.h"
#include "ledger/json.h"

namespace creg::cli {

// Pretty JSON and a newline on stdout.
void PrintJson(const json::Value& value);

// A table of text cells. Columns are padded to their widest cell and set two
// spaces apart; columns whose cells are all numbers are right-aligned.
class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void AddRow(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  bool empty() const { return rows_.empty(); }
  void Print(std::ostream& out = std::cout) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// A table printed as its rows come, for listings of any length: the first
// `sample_rows` rows are kept to set the column widths and alignment (as
// Table does), then printed, and every later row is printed at once with
// those widths (a wider cell pushes the rest of its row right). Memory
// stays at sample_rows rows whatever the number of rows.
class TableStream {
 public:
  explicit TableStream(std::vector<std::string> headers, std::ostream& out = std::cout,
                       size_t sample_rows = 1000);
  void AddRow(std::vector<std::string> cells);
  // Prints the rows still kept (and the headers if nothing was printed).
  void Finish();
  size_t rows() const { return rows_; }

 private:
  void Flush();

  std::vector<std::string> headers_;
  std::ostream& out_;
  size_t sample_rows_;
  std::vector<std::vector<std::string>> kept_;
  std::vector<size_t> width_;
  std::vector<bool> numeric_;
  bool printing_ = false;
  size_t rows_ = 0;
};

// "key:  value" lines with the values aligned; empty values are skipped.
using Fields = std::vector<std::pair<std::string, std::string>>;
void PrintFields(const Fields& fields, std::ostream& out = std::cout);

// Microseconds since the Unix epoch as "2026-05-01T12:00:00Z" (UTC); "" for 0.
std::string IsoTime(int64_t micros);

// Enum names: lower case with dashes.
std::string ReasonName(pb::RetirementReason reason);  // "voluntary-event-offset"
std::optional<pb::RetirementReason> ParseReason(std::string_view name);
// The reason names with a description each, one per line, for --help.
std::string ReasonList();
std::string RoleName(pb::Role role);  // "operator", "holder", "auditor"
// The inverse of RoleName for the three roles an account can be opened with.
std::optional<pb::Role> RoleNamed(std::string_view name);
std::string AccountStatusName(pb::AccountStatus status);  // "active", ...
std::string BlockStatusName(pb::BlockStatus status);      // "active", "retired", ...

// "BATCH:FIRST-LAST" (the serial notation of docs/cli.md).
std::string BlockText(const pb::SerialBlock& block);
std::string BlocksText(const google::protobuf::RepeatedPtrField<pb::SerialBlock>& blocks);

// "1 credit", "500 credits".
std::string Credits(uint64_t n);

}  // namespace creg::cli
