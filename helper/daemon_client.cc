#include "helper/daemon_client.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace vswitch::helper {

namespace {

constexpr std::size_t kMaxResponse = 4 << 20;  // a `show` of a big switch is well below this

}  // namespace

DaemonClient DaemonClient::connect(const std::string& socket_path, std::chrono::seconds timeout) {
  const std::string where = "cannot connect to vswitchd at " + socket_path + ": ";
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.empty() || socket_path.size() >= sizeof(addr.sun_path))
    throw Error(ErrorCode::SystemError, where + "socket path is empty or too long");
  std::memcpy(addr.sun_path, socket_path.data(), socket_path.size());

  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) throw Error(ErrorCode::SystemError, where + std::strerror(errno));
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count());
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    const int err = errno;
    std::string hint;
    if (err == ENOENT || err == ECONNREFUSED) hint = " (is vswitchd running? systemctl status vswitchd)";
    if (err == EACCES) hint = " (the socket is restricted to vswitchd's --socket-group)";
    throw Error(ErrorCode::SystemError, where + std::strerror(err) + hint);
  }
  return DaemonClient(std::move(fd), socket_path);
}

std::string DaemonClient::read_line() {
  for (;;) {
    if (const auto nl = buffered_.find('\n'); nl != std::string::npos) {
      std::string line = buffered_.substr(0, nl);
      buffered_.erase(0, nl + 1);
      return line;
    }
    if (buffered_.size() > kMaxResponse)
      throw Error(ErrorCode::SystemError,
                  "vswitchd sent a response larger than " + std::to_string(kMaxResponse));
    char buf[8192];
    const ssize_t n = ::recv(fd_.get(), buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      throw Error(ErrorCode::SystemError, "vswitchd at " + path_ + " did not answer in time");
    if (n < 0)
      throw Error(ErrorCode::SystemError, "reading from vswitchd: " + std::string(std::strerror(errno)));
    if (n == 0) throw Error(ErrorCode::SystemError, "vswitchd closed the connection");
    buffered_.append(buf, static_cast<std::size_t>(n));
  }
}

nlohmann::json DaemonClient::call(const std::string& method, const nlohmann::json& params) {
  const int id = next_id_++;
  const nlohmann::json request = {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}};
  const std::string line = request.dump() + "\n";
  std::size_t sent = 0;
  while (sent < line.size()) {
    const ssize_t n = ::send(fd_.get(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw Error(ErrorCode::SystemError, "writing to vswitchd: " + std::string(std::strerror(errno)));
    sent += static_cast<std::size_t>(n);
  }

  for (;;) {
    const nlohmann::json response = nlohmann::json::parse(read_line(), nullptr, /*allow_exceptions=*/false);
    if (!response.is_object())
      throw Error(ErrorCode::SystemError, "vswitchd sent something that is not a JSON-RPC response");
    if (response.value("id", nlohmann::json()) != nlohmann::json(id)) continue;  // not ours: a notification
    if (const auto err = response.find("error"); err != response.end() && err->is_object()) {
      const int code = err->value("code", static_cast<int>(ErrorCode::InternalError));
      throw Error(static_cast<ErrorCode>(code), err->value("message", std::string("unknown error")));
    }
    return response.value("result", nlohmann::json());
  }
}

}  // namespace vswitch::helper
