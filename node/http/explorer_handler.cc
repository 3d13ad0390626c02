#include "node/http/explorer_handler.h"

#include <utility>

namespace creg::http {
namespace {

void AddSecurityHeaders(Answer& a) {
  a.headers.emplace_back("Content-Security-Policy", kExplorerContentSecurityPolicy);
  a.headers.emplace_back("X-Content-Type-Options", "nosniff");
  a.headers.emplace_back("Referrer-Policy", "no-referrer");
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::string_view ContentTypeOf(std::string_view path) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".json", "application/json; charset=utf-8"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [extension, type] : kTypes) {
    if (EndsWith(path, extension)) return type;
  }
  return "application/octet-stream";
}

ExplorerHandler::ExplorerHandler(std::span<const EmbeddedFile> files, std::string not_found)
    : files_(files), not_found_(std::move(not_found)) {}

Answer ExplorerHandler::Handle(const Request& request) const {
  if (auto refused = RefuseMethod(request.method)) {
    AddSecurityHeaders(*refused);
    return *std::move(refused);
  }
  std::string_view path = request.path();
  if (path == "/") path = "/index.html";
  for (const EmbeddedFile& file : files_) {
    if (file.path != path) continue;
    Answer a;
    a.content_type = std::string(ContentTypeOf(file.path));
    // The files change with the program; no-cache makes a browser ask
    // again rather than mix pages of two versions.
    a.cache_control = "no-cache";
    a.body = std::string(file.bytes);
    AddSecurityHeaders(a);
    return a;
  }
  Answer a = TextAnswer(404, not_found_);
  AddSecurityHeaders(a);
  return a;
}

}  // namespace creg::http
