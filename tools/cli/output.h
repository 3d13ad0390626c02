// Output formatting for creg: aligned tables and "key: value" blocks for
// people, pretty JSON for machines. The names creg prints for enum values
// are in ledger/records/names.h.
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
#include "ledger/records/names.h"

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

}  // namespace creg::cli
