#include "node/control_socket.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>

#include "ledger/registry/backup.h"
#include "node/log.h"

namespace creg {
namespace {

// A file descriptor closed when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd& operator=(Fd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

StatusOr<sockaddr_un> SocketAddress(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) {
    return InvalidArgumentError("the control socket path " + path + " is longer than " +
                                std::to_string(sizeof address.sun_path - 1) +
                                " bytes; use a data folder with a shorter path");
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  return address;
}

void SetTimeout(int fd, int option, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  ::setsockopt(fd, SOL_SOCKET, option, &tv, sizeof tv);
}

// Reads one line (without its newline), at most kMaxControlLine bytes.
StatusOr<std::string> ReadLine(int fd) {
  std::string line;
  char c = 0;
  while (true) {
    ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return UnavailableError(std::string("cannot read: ") + std::strerror(errno));
    if (n == 0) return UnavailableError("the connection closed before a whole line");
    if (c == '\n') return line;
    if (line.size() == kMaxControlLine) {
      return InvalidArgumentError("line longer than " + std::to_string(kMaxControlLine) + " bytes");
    }
    line.push_back(c);
  }
}

void WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // The client left; nothing to tell it.
    text.remove_prefix(static_cast<size_t>(n));
  }
}

std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

}  // namespace

StatusOr<ControlRequest> ParseControlRequest(std::string_view line) {
  constexpr std::string_view kBackup = "backup ";
  if (!line.starts_with(kBackup)) {
    return InvalidArgumentError("unknown request; the only one is: backup DEST");
  }
  ControlRequest request;
  request.backup_destination = std::string(line.substr(kBackup.size()));
  const std::string& destination = request.backup_destination;
  if (destination.empty() || destination.front() != '/') {
    return InvalidArgumentError("the backup destination must be an absolute path");
  }
  if (destination.find_first_of(std::string_view("\0\r\n", 3)) != std::string::npos) {
    return InvalidArgumentError("the backup destination holds a NUL or a line break");
  }
  return request;
}

struct ControlSocket::State {
  const DataDir& data;
  const Store& store;
  Fd listener;
  Fd stop;  // an eventfd written once by the destructor
  std::thread thread;

  std::string Answer(std::string_view line) {
    StatusOr<ControlRequest> request = ParseControlRequest(line);
    if (!request.ok()) return "error " + request.status().message();
    const std::string& destination = request->backup_destination;
    LogInfo("backup to " + destination + " started");
    StatusOr<BackupResult> made = BackupDataDir(data, store, destination);
    if (!made.ok()) {
      LogWarning("backup to " + destination + " failed: " + made.status().ToString());
      return "error " + OneLine(made.status().ToString());
    }
    LogInfo("backup to " + destination + " made: " + std::to_string(made->entries) + " entries");
    return "ok " + std::to_string(made->entries) + " " + std::to_string(made->database_bytes);
  }

  void Serve(int client) {
    SetTimeout(client, SO_RCVTIMEO, kControlReadTimeout);
    SetTimeout(client, SO_SNDTIMEO, kControlReadTimeout);
    StatusOr<std::string> request = ReadLine(client);
    std::string answer =
        request.ok() ? Answer(*request) : "error " + OneLine(request.status().message());
    WriteAll(client, answer + "\n");
  }

  void Loop() {
    pollfd fds[2] = {{listener.get(), POLLIN, 0}, {stop.get(), POLLIN, 0}};
    while (true) {
      int ready = ::poll(fds, 2, -1);
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0 || (fds[1].revents & POLLIN) != 0) return;
      if ((fds[0].revents & POLLIN) == 0) continue;
      Fd client(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (client.get() >= 0) Serve(client.get());
    }
  }
};

ControlSocket::ControlSocket(std::unique_ptr<State> state) : state_(std::move(state)) {}

StatusOr<std::unique_ptr<ControlSocket>> ControlSocket::Start(const DataDir& data,
                                                              const Store& store) {
  const std::string path = data.control_socket_path();
  CREG_ASSIGN_OR_RETURN(sockaddr_un address, SocketAddress(path));
  // The caller holds the database, so no other node uses this folder: a
  // socket file here is a stale one from a node that was killed.
  ::unlink(path.c_str());
  auto state = std::unique_ptr<State>(new State{data, store, Fd(), Fd(), {}});
  state->listener = Fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  state->stop = Fd(::eventfd(0, EFD_CLOEXEC));
  if (state->listener.get() < 0 || state->stop.get() < 0) {
    return UnavailableError(std::string("cannot make the control socket: ") + std::strerror(errno));
  }
  // Owner only, before anyone can connect: connecting needs the socket
  // file's write permission, and a socket that is not yet listening refuses.
  if (::bind(state->listener.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) !=
          0 ||
      ::chmod(path.c_str(), 0600) != 0 || ::listen(state->listener.get(), 4) != 0) {
    return UnavailableError("cannot listen on " + path + ": " + std::strerror(errno));
  }
  State* raw = state.get();
  state->thread = std::thread([raw] { raw->Loop(); });
  return std::unique_ptr<ControlSocket>(new ControlSocket(std::move(state)));
}

ControlSocket::~ControlSocket() {
  uint64_t one = 1;
  if (::write(state_->stop.get(), &one, sizeof one) < 0) {
    // Cannot happen for an eventfd below its maximum; the join would hang.
    std::terminate();
  }
  state_->thread.join();
  ::unlink(state_->data.control_socket_path().c_str());
}

StatusOr<std::string> SendControlRequest(const DataDir& data, std::string_view request,
                                         std::chrono::milliseconds timeout) {
  const std::string path = data.control_socket_path();
  CREG_ASSIGN_OR_RETURN(sockaddr_un address, SocketAddress(path));
  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return UnavailableError(std::string("socket: ") + std::strerror(errno));
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    if (errno == ENOENT || errno == ECONNREFUSED) {
      return NotFoundError("no node is serving " + data.root() + " (" + path + ")");
    }
    return UnavailableError("cannot connect to " + path + ": " + std::strerror(errno));
  }
  SetTimeout(fd.get(), SO_RCVTIMEO, timeout);
  SetTimeout(fd.get(), SO_SNDTIMEO, timeout);
  WriteAll(fd.get(), std::string(request) + "\n");
  return ReadLine(fd.get());
}

}  // namespace creg
