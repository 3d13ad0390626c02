// ExplorerHandler: serves the web explorer's static files (web/, compiled
// into the program; node/http/explorer_files.h) as the Router's fallback.
// "/" is index.html; every other file at "/<its path under web/>". The
// pages route with the URL fragment (/#/retirement/R41), so the server
// never builds a page from data: the browser asks the JSON API.
//
// Every answer, 404 included, carries Content-Security-Policy
// (default-src 'self'; no inline script or style, no other origin),
// X-Content-Type-Options: nosniff and Referrer-Policy: no-referrer. Files
// are answered with the content type of their extension and
// Cache-Control: no-cache. A query string is ignored. Methods other than
// GET and HEAD are 405.
//
// Thread-safe: Handle only reads.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "node/http/explorer_files.h"
#include "node/http/handler.h"

namespace creg::http {

inline constexpr char kExplorerContentSecurityPolicy[] =
    "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

class ExplorerHandler : public Handler {
 public:
  // `files` must outlive the handler (ExplorerFiles() does). A path that is
  // none of them is 404 with `not_found` as its text.
  ExplorerHandler(std::span<const EmbeddedFile> files, std::string not_found);

  Answer Handle(const Request& request) const override;

 private:
  std::span<const EmbeddedFile> files_;
  std::string not_found_;
};

// The Content-Type for a file name by its extension (.html, .js, .css,
// .svg, .png, .json, .txt); application/octet-stream for any other.
std::string_view ContentTypeOf(std::string_view path);

}  // namespace creg::http
