// TcpProxy: a loopback TCP proxy in front of a server, for tests of
// partitions and of misbehaving peers.
//
// Bytes pass through as they are, unless a downstream filter is given: a
// new Filter per connection sees what the server sends back, as it
// arrives, and says what to pass on (FrameProxy decodes creg frames so).
//
// Faults, until Heal():
//   Cut()        closes every connection and refuses new ones (accepted
//                and closed at once): a peer that went away.
//   Blackhole()  stops moving bytes and accepting, without closing
//                anything: requests go unanswered and time out, as in a
//                network partition. A connection attempt completes (the
//                kernel's listen queue takes it) and then hears nothing.
//                Heal() lets everything queued meanwhile through, as TCP
//                would after a partition heals.
//
// Listens on 127.0.0.1 with an ephemeral port; proxies to an IPv4 loopback
// HOST:PORT. Thread-safe; every thread it starts ends in the destructor.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace creg::testing {

class TcpProxy {
 public:
  class Filter {
   public:
    virtual ~Filter() = default;
    // `in`: the next bytes from the server. Appends what the client gets
    // to `out`; false closes the connection.
    virtual bool Feed(std::string_view in, std::string& out) = 0;
  };
  using FilterFactory = std::function<std::unique_ptr<Filter>()>;

  // Proxies to `upstream` (HOST:PORT, an IPv4 loopback address; anything
  // else throws std::invalid_argument).
  explicit TcpProxy(std::string upstream, FilterFactory downstream = nullptr);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  // Where clients connect: "127.0.0.1:PORT".
  const std::string& address() const { return address_; }
  void Cut();
  void Blackhole();
  void Heal();
  // Connections accepted and passed on so far.
  size_t connections() const { return connections_.load(); }

 private:
  enum class Mode { kPass, kCut, kBlackhole };
  struct Link {
    int client = -1;
    int server = -1;
    std::thread up;
    std::thread down;
  };
  void AcceptLoop();
  void Start(int client);
  // Moves bytes from `from` to `to` until either closes; through `filter`
  // if not null.
  void Copy(int from, int to, Filter* filter);
  // Waits until `fd` is readable and bytes may move: false after a poll
  // interval without (the caller checks stopping_ and polls again).
  bool Ready(int fd);
  void CloseAll();

  const std::string upstream_;
  const FilterFactory downstream_;
  std::string address_;
  int listener_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<Mode> mode_{Mode::kPass};
  std::atomic<size_t> connections_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::condition_variable mode_changed_;
  std::list<Link> links_;  // guarded by mu_
};

}  // namespace creg::testing
