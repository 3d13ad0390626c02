// ExplorerHandler: serves the embedded files with their content types and
// the security headers on every answer, "/" as index.html, 404 otherwise;
// and the build embedded web/ byte for byte.
#include "node/http/explorer_handler.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace creg::http {
namespace {

const EmbeddedFile kFiles[] = {
    {"/index.html", "<!doctype html>"},
    {"/js/app.js", "export {};"},
    {"/css/explorer.css", "body{}"},
    {"/favicon.svg", "<svg/>"},
};

std::string Header(const Answer& a, std::string_view name) {
  for (const auto& [field, value] : a.headers) {
    if (field == name) return value;
  }
  return "";
}

void ExpectSecurityHeaders(const Answer& a) {
  EXPECT_EQ(Header(a, "Content-Security-Policy").rfind("default-src 'self'", 0), 0u);
  EXPECT_EQ(Header(a, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(Header(a, "Referrer-Policy"), "no-referrer");
}

TEST(ExplorerHandlerTest, ServesEachFileWithItsContentType) {
  ExplorerHandler handler(kFiles, "nothing here");
  struct Case {
    const char* target;
    const char* type;
    const char* body;
  };
  for (const Case& c : {Case{"/", "text/html; charset=utf-8", "<!doctype html>"},
                        Case{"/?lang=zh", "text/html; charset=utf-8", "<!doctype html>"},
                        Case{"/index.html", "text/html; charset=utf-8", "<!doctype html>"},
                        Case{"/js/app.js", "text/javascript; charset=utf-8", "export {};"},
                        Case{"/css/explorer.css", "text/css; charset=utf-8", "body{}"},
                        Case{"/favicon.svg", "image/svg+xml", "<svg/>"}}) {
    Answer a = handler.Handle({"GET", c.target});
    EXPECT_EQ(a.status, 200u) << c.target;
    EXPECT_EQ(a.content_type, c.type) << c.target;
    EXPECT_EQ(a.body, c.body) << c.target;
    EXPECT_EQ(a.cache_control, "no-cache") << c.target;
    ExpectSecurityHeaders(a);
  }
  EXPECT_EQ(handler.Handle({"HEAD", "/js/app.js"}).status, 200u);
}

TEST(ExplorerHandlerTest, AnythingElseIsNotFoundWithTheSameHeaders) {
  ExplorerHandler handler(kFiles, "nothing here");
  for (const char* target :
       {"/index.htm", "/js/", "/js", "/js/../index.html", "//index.html", "/JS/APP.JS",
        "/js/app.js/", "/%2e%2e/index.html", "/api/v1/x", "/favicon.ico", "index.html", ""}) {
    Answer a = handler.Handle({"GET", target});
    EXPECT_EQ(a.status, 404u) << target;
    EXPECT_EQ(a.body, "nothing here\n") << target;
    ExpectSecurityHeaders(a);
  }
}

TEST(ExplorerHandlerTest, OnlyGetAndHead) {
  ExplorerHandler handler(kFiles, "nothing here");
  for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS", "get"}) {
    Answer a = handler.Handle({method, "/"});
    EXPECT_EQ(a.status, 405u) << method;
    EXPECT_EQ(a.allow, "GET, HEAD") << method;
    ExpectSecurityHeaders(a);
  }
}

TEST(ExplorerHandlerTest, ContentTypesByExtension) {
  EXPECT_EQ(ContentTypeOf("/a.png"), "image/png");
  EXPECT_EQ(ContentTypeOf("/a.json"), "application/json; charset=utf-8");
  EXPECT_EQ(ContentTypeOf("/a.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(ContentTypeOf("/a"), "application/octet-stream");
  EXPECT_EQ(ContentTypeOf("/a.html.bak"), "application/octet-stream");
}

// The build embeds web/ as it is: every listed file, byte for byte, and an
// index page that loads the application.
TEST(ExplorerHandlerTest, TheProgramCarriesWebAsWritten) {
  ExplorerHandler handler(ExplorerFiles(), "nothing here");
  Answer index = handler.Handle({"GET", "/"});
  ASSERT_EQ(index.status, 200u);
  EXPECT_NE(index.body.find("<script type=\"module\" src=\"js/app.js\">"), std::string::npos);
  // index.html preloads modules that exist, among them the retirement
  // page's, so a link to a retirement verifies without an import waterfall.
  size_t preloads = 0;
  constexpr std::string_view kPreload = "<link rel=\"modulepreload\" href=\"";
  for (size_t at = index.body.find(kPreload); at != std::string::npos;
       at = index.body.find(kPreload, at + 1)) {
    const size_t start = at + kPreload.size();
    const std::string path = "/" + index.body.substr(start, index.body.find('"', start) - start);
    EXPECT_EQ(handler.Handle({"GET", path}).status, 200u) << "index.html preloads " << path;
    ++preloads;
  }
  EXPECT_GE(preloads, 10u);
  EXPECT_NE(index.body.find("href=\"js/pages/retirement.js\""), std::string::npos);
  ASSERT_FALSE(ExplorerFiles().empty());
  for (const EmbeddedFile& file : ExplorerFiles()) {
    std::ifstream in(std::string(CREG_SOURCE_DIR "/web") + std::string(file.path),
                     std::ios::binary);
    ASSERT_TRUE(in) << file.path;
    std::stringstream bytes;
    bytes << in.rdbuf();
    EXPECT_EQ(bytes.str(), file.bytes) << file.path;
  }
}

}  // namespace
}  // namespace creg::http
