// Router: exact and prefix routes, the longest match, the fallback, and the
// method check before any route.
#include "node/http/router.h"

#include <gtest/gtest.h>

namespace creg::http {
namespace {

// Answers 200 with its own name and the path it saw.
class Named : public Handler {
 public:
  explicit Named(std::string name) : name_(std::move(name)) {}
  Answer Handle(const Request& request) const override {
    return TextAnswer(200, name_ + " " + std::string(request.target));
  }

 private:
  std::string name_;
};

Router MakeRouter() {
  Router router(NotFoundHandler("nothing here"));
  router.Add("/checkpoint", std::make_shared<Named>("checkpoint"));
  router.Add("/tile/", std::make_shared<Named>("tile"));
  router.Add("/tile/entries/", std::make_shared<Named>("entries"));
  return router;
}

TEST(RouterTest, ExactPathsMatchOnlyThemselves) {
  Router router = MakeRouter();
  EXPECT_EQ(router.Handle({"GET", "/checkpoint"}).body, "checkpoint /checkpoint\n");
  EXPECT_EQ(router.Handle({"GET", "/checkpoint?x=1"}).body, "checkpoint /checkpoint?x=1\n");
  EXPECT_EQ(router.Handle({"GET", "/checkpoint/"}).status, 404u);
  EXPECT_EQ(router.Handle({"GET", "/checkpoints"}).status, 404u);
}

TEST(RouterTest, TheLongestPrefixWinsAndOthersFallBack) {
  Router router = MakeRouter();
  EXPECT_EQ(router.Handle({"GET", "/tile/0/000"}).body, "tile /tile/0/000\n");
  EXPECT_EQ(router.Handle({"HEAD", "/tile/entries/000"}).body, "entries /tile/entries/000\n");
  EXPECT_EQ(router.Handle({"GET", "/tile"}).status, 404u);
  Answer none = router.Handle({"GET", "/"});
  EXPECT_EQ(none.status, 404u);
  EXPECT_EQ(none.body, "nothing here\n");
}

TEST(RouterTest, OnlyGetAndHeadReachARoute) {
  Router router = MakeRouter();
  for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS", "get"}) {
    Answer a = router.Handle({method, "/checkpoint"});
    EXPECT_EQ(a.status, 405u) << method;
    EXPECT_EQ(a.allow, "GET, HEAD") << method;
  }
}

TEST(RequestTest, PathAndQuerySplitAtTheFirstQuestionMark) {
  Request r{"GET", "/api/v1/x?a=1?b"};
  EXPECT_EQ(r.path(), "/api/v1/x");
  EXPECT_EQ(r.query(), "a=1?b");
  EXPECT_EQ((Request{"GET", "/p"}.query()), "");
}

}  // namespace
}  // namespace creg::http
