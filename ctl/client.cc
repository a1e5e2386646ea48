#include "ctl/client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <thread>

#include "common/unique_fd.h"

namespace vswitch::ctl {

namespace {

using Clock = std::chrono::steady_clock;

class Deadline {
 public:
  explicit Deadline(std::chrono::milliseconds timeout)
      : forever_(timeout.count() == 0), end_(Clock::now() + timeout) {}
  // Milliseconds left for poll(): -1 = forever, 0 = expired.
  int poll_ms() const {
    if (forever_) return -1;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end_ - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1 << 30));
  }
  bool expired() const { return !forever_ && Clock::now() >= end_; }

 private:
  bool forever_;
  Clock::time_point end_;
};

}  // namespace

protocol::Response Client::call(std::string_view method, const nlohmann::json& params) {
  const Deadline deadline(timeout_);
  const std::string where = "vswitchd at " + path_;
  auto fail = [&](const std::string& what) -> void { throw ConnectionError(what); };
  auto timed_out = [&]() {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%g", static_cast<double>(timeout_.count()) / 1000.0);
    fail("no reply from " + where + " within " + seconds + " s");
  };

  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path_.size() >= sizeof addr.sun_path) fail("cannot connect to " + where + ": socket path too long");
  std::memcpy(addr.sun_path, path_.data(), path_.size());
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) fail(std::string("cannot create a socket: ") + std::strerror(errno));
  // A non-blocking UNIX connect fails with EAGAIN while the daemon's backlog is full: retry.
  while (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno == EINTR) continue;
    if (errno == EAGAIN) {
      if (deadline.expired()) timed_out();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    fail("cannot connect to " + where + ": " + std::strerror(errno));
  }

  const nlohmann::json id = 1;
  const std::string request = protocol::to_line(protocol::make_request(id, method, params)) + "\n";
  std::size_t sent = 0;
  while (sent < request.size()) {
    pollfd p{fd.get(), POLLOUT, 0};
    const int r = ::poll(&p, 1, deadline.poll_ms());
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) timed_out();
    const ssize_t n = ::send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      fail("cannot send to " + where + ": " + std::strerror(errno));
    }
    sent += static_cast<std::size_t>(n);
  }

  std::string reply;
  char buf[65536];
  for (;;) {
    pollfd p{fd.get(), POLLIN, 0};
    const int r = ::poll(&p, 1, deadline.poll_ms());
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) timed_out();
    const ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      fail("cannot read from " + where + ": " + std::strerror(errno));
    }
    if (n == 0) fail(where + " closed the connection without replying");
    reply.append(buf, static_cast<std::size_t>(n));
    if (const auto nl = reply.find('\n'); nl != std::string::npos) {
      reply.resize(nl);
      break;
    }
    if (reply.size() > 64 * protocol::kMaxMessageSize) fail("reply from " + where + " is too large");
  }

  protocol::Response response;
  try {
    response = protocol::parse_response(reply);
  } catch (const std::exception& e) {
    fail(std::string("bad reply from ") + where + ": " + e.what());
  }
  if (response.id != id && !(response.id.is_null() && !response.ok()))
    fail("bad reply from " + where + ": it answers another request");
  return response;
}

}  // namespace vswitch::ctl
