#include "tools/cli/json_stream.h"

#include <cerrno>
#include <cstring>

namespace creg::cli {

void JsonStream::NewLine(size_t depth) {
  out_ << '\n';
  for (size_t i = 0; i < depth; ++i) out_ << "  ";
}

void JsonStream::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (stack_.empty()) return;
  Level& level = stack_.back();
  if (!level.empty) out_ << ',';
  level.empty = false;
  NewLine(stack_.size());
}

void JsonStream::Begin(bool array) {
  BeforeValue();
  out_ << (array ? '[' : '{');
  stack_.push_back(Level{array, true});
}

void JsonStream::End() {
  if (stack_.empty()) return;
  Level level = stack_.back();
  stack_.pop_back();
  if (!level.empty) NewLine(stack_.size());
  out_ << (level.array ? ']' : '}');
  if (stack_.empty()) out_ << '\n' << std::flush;
}

void JsonStream::Key(std::string_view key) {
  Level& level = stack_.back();
  if (!level.empty) out_ << ',';
  level.empty = false;
  NewLine(stack_.size());
  out_ << json::Serialize(json::Value(std::string(key))) << ": ";
  after_key_ = true;
}

void JsonStream::Value(const json::Value& value) {
  BeforeValue();
  std::string text = json::Serialize(value, true);
  // Serialize indents from column 0; nest it at this depth. Strings hold no
  // raw line breaks (they are escaped), so every '\n' is layout.
  std::string indent(stack_.size() * 2, ' ');
  size_t start = 0;
  for (size_t nl = text.find('\n'); nl != std::string::npos; nl = text.find('\n', start)) {
    out_.write(text.data() + start, static_cast<std::streamsize>(nl + 1 - start));
    out_ << indent;
    start = nl + 1;
  }
  out_.write(text.data() + start, static_cast<std::streamsize>(text.size() - start));
}

void JsonStream::Members(const json::Value& object) {
  for (const auto& [key, value] : object.as_object()) {
    Key(key);
    Value(value);
  }
}

void JsonStream::Raw(std::string_view serialized) {
  BeforeValue();
  out_ << serialized;
}

SpillList::~SpillList() {
  if (file_ != nullptr) std::fclose(file_);
}

Status SpillList::Add(std::string serialized) {
  if (file_ == nullptr && kept_.size() < in_memory_) {
    kept_.push_back(std::move(serialized));
    return OkStatus();
  }
  if (file_ == nullptr) {
    file_ = std::tmpfile();
    if (file_ == nullptr) {
      return InternalError(std::string("cannot make a temporary file: ") + std::strerror(errno));
    }
  }
  serialized += '\n';
  if (std::fwrite(serialized.data(), 1, serialized.size(), file_) != serialized.size()) {
    return InternalError(std::string("cannot write a temporary file: ") + std::strerror(errno));
  }
  return OkStatus();
}

Status SpillList::MoveTo(JsonStream& out) {
  for (const std::string& value : kept_) out.Raw(value);
  kept_.clear();
  if (file_ == nullptr) return OkStatus();
  std::rewind(file_);
  std::string line;
  int c;
  while ((c = std::fgetc(file_)) != EOF) {
    if (c != '\n') {
      line += static_cast<char>(c);
      continue;
    }
    out.Raw(line);
    line.clear();
  }
  bool failed = std::ferror(file_) != 0;
  std::fclose(file_);
  file_ = nullptr;
  if (failed) return InternalError("cannot read back a temporary file");
  return OkStatus();
}

}  // namespace creg::cli
