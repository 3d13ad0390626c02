// JSON written as it is produced, for listings of any length: one document,
// pretty-printed exactly as json::Serialize(value, true) prints it, built
// member by member and element by element on an ostream, so memory stays
// flat whatever the document's size.
//
// Not thread-safe; one per document.
#pragma once

#include <cstdio>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/json.h"
#include "ledger/status.h"

namespace creg::cli {

class JsonStream {
 public:
  explicit JsonStream(std::ostream& out) : out_(out) {}

  // Containers: as the document, an array element, or after Key().
  void BeginObject() { Begin(false); }
  void BeginArray() { Begin(true); }
  // Closes the innermost container; the document's end adds a newline.
  void End();
  // A member name, inside an object; its value follows.
  void Key(std::string_view key);
  // A whole value: an array element or a member's value.
  void Value(const json::Value& value);
  // Key() and Value() of each member of `object`.
  void Members(const json::Value& object);
  // A value already serialized compactly, on one line (a string, a number).
  void Raw(std::string_view serialized);

 private:
  struct Level {
    bool array = false;
    bool empty = true;
  };
  void Begin(bool array);
  void BeforeValue();
  void NewLine(size_t depth);

  std::ostream& out_;
  std::vector<Level> stack_;
  bool after_key_ = false;
};

// A list of compact JSON values kept for later, in memory up to a point and
// then in an anonymous temporary file, so that a list of any length costs
// flat memory. For a document that lists the same things twice (blocks,
// then their serial strings).
class SpillList {
 public:
  explicit SpillList(size_t in_memory = 1000) : in_memory_(in_memory) {}
  ~SpillList();
  SpillList(const SpillList&) = delete;
  SpillList& operator=(const SpillList&) = delete;

  // One value, serialized compactly (no line breaks).
  Status Add(std::string serialized);
  // Writes every value kept into `out` with Raw(), in order, and empties
  // the list.
  Status MoveTo(JsonStream& out);

 private:
  size_t in_memory_;
  std::vector<std::string> kept_;
  std::FILE* file_ = nullptr;
};

}  // namespace creg::cli
