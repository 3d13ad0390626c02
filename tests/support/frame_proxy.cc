#include "tests/support/frame_proxy.h"

#include <memory>
#include <optional>
#include <utility>

#include "net/frame.h"

namespace creg::testing {

// Decodes the node's response frames and re-encodes each after the edit.
class FrameProxy::EditFilter : public TcpProxy::Filter {
 public:
  explicit EditFilter(FrameProxy& proxy) : proxy_(proxy) {}

  bool Feed(std::string_view in, std::string& out) override {
    decoder_.Feed(in);
    while (true) {
      StatusOr<std::optional<std::string>> frame = decoder_.Next();
      if (!frame.ok()) return false;
      if (!frame->has_value()) return true;
      std::string body = std::move(**frame);
      pb::Response response;
      if (Edit edit = proxy_.CurrentEdit(); edit && response.ParseFromString(body)) {
        edit(response);
        body = response.SerializeAsString();
      }
      out += EncodeFrame(body);
    }
  }

 private:
  FrameProxy& proxy_;
  FrameDecoder decoder_{64u << 20};
};

FrameProxy::FrameProxy(std::string upstream)
    : proxy_(std::move(upstream), [this] { return std::make_unique<EditFilter>(*this); }) {}

void FrameProxy::SetEdit(Edit edit) {
  std::lock_guard lock(mu_);
  edit_ = std::move(edit);
}

FrameProxy::Edit FrameProxy::CurrentEdit() {
  std::lock_guard lock(mu_);
  return edit_;
}

}  // namespace creg::testing
