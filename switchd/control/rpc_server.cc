#include "switchd/control/rpc_server.h"

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <set>
#include <vector>

#include "common/error.h"
#include "common/log.h"
#include "common/unique_fd.h"

namespace vswitch {

namespace asio = boost::asio;
using stream = asio::local::stream_protocol;
using Clock = std::chrono::steady_clock;

struct RpcServer::Shared {
  Handler handler;
  RpcServerOptions options;
  std::set<Session*> sessions;
};

// One client connection. Kept alive by the shared_ptr its pending operations hold; registered in
// Shared::sessions until closed, so that the server can close it on stop.
class RpcServer::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(stream::socket socket, std::shared_ptr<Shared> shared)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), shared_(std::move(shared)) {
    shared_->sessions.insert(this);
  }
  ~Session() { shared_->sessions.erase(this); }

  void start() {
    describe_peer();
    log::debug("control: client connected", peer_);
    restart_deadline();
    watch_deadline();
    pump();
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    shared_->sessions.erase(this);
    boost::system::error_code ignored;
    socket_.shutdown(stream::socket::shutdown_both, ignored);
    socket_.close(ignored);
    timer_.cancel();
  }

 private:
  const RpcServerOptions& options() const { return shared_->options; }

  void describe_peer() {
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(socket_.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0)
      peer_ = " (pid " + std::to_string(cred.pid) + ", uid " + std::to_string(cred.uid) + ")";
  }

  void restart_deadline() { deadline_ = Clock::now() + options().read_timeout; }

  // One timer per session, re-armed for the current deadline until the session closes.
  void watch_deadline() {
    timer_.expires_at(deadline_);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code&) {
      if (self->closed_) return;
      if (Clock::now() < self->deadline_) {
        self->watch_deadline();
        return;
      }
      if (self->writing_)
        log::warn("control: client", self->peer_, " did not read its reply in time; disconnecting");
      else if (self->pending() > 0)
        log::warn("control: client", self->peer_, " did not finish its request in time; disconnecting");
      else
        log::debug("control: idle client", self->peer_, " timed out; disconnecting");
      self->close();
    });
  }

  std::size_t pending() const { return buffer_.size() - start_; }

  // Answers every complete line in the buffer, one reply at a time, then reads more.
  void pump() {
    while (!closed_) {
      const auto nl = buffer_.find('\n', scan_);
      if (nl == std::string::npos) {
        scan_ = buffer_.size();
        if (pending() > options().max_message) {
          oversize();
          return;
        }
        read();
        return;
      }
      std::string_view line(buffer_.data() + start_, nl - start_);
      start_ = scan_ = nl + 1;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.size() > options().max_message) {
        oversize();
        return;
      }
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;  // blank line
      std::string reply;
      try {
        reply = shared_->handler(line);
      } catch (const std::exception& e) {
        log::error("control: request handler failed: ", e.what());
        close();
        return;
      }
      restart_deadline();  // the next request gets a full timeout
      if (!reply.empty()) {
        write(std::move(reply), false);
        return;
      }
    }
  }

  void read() {
    // Drop consumed bytes before reading more, so the buffer never holds more than one message.
    if (start_ > 0) {
      buffer_.erase(0, start_);
      scan_ -= start_;
      start_ = 0;
    }
    socket_.async_read_some(asio::buffer(chunk_),
                            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                              if (self->closed_) return;
                              if (ec) {
                                if (self->pending() > 0)
                                  log::info("control: client", self->peer_,
                                            " went away in the middle of a request (", ec.message(), ")");
                                else
                                  log::debug("control: client", self->peer_, " disconnected");
                                self->close();
                                return;
                              }
                              self->buffer_.append(self->chunk_.data(), n);
                              self->pump();
                            });
  }

  void oversize() {
    log::warn("control: client", peer_, " sent a message larger than ", options().max_message,
              " bytes; disconnecting");
    auto error = protocol::make_error(
        nullptr, ErrorCode::InvalidRequest,
        "message larger than " + std::to_string(options().max_message) + " bytes; closing the connection");
    buffer_.clear();
    start_ = scan_ = 0;
    write(protocol::to_line(error), true);
  }

  void write(std::string reply, bool then_close) {
    out_ = std::move(reply);
    out_ += '\n';
    writing_ = true;
    restart_deadline();
    asio::async_write(
        socket_, asio::buffer(out_),
        [self = shared_from_this(), then_close](const boost::system::error_code& ec, std::size_t) {
          self->writing_ = false;
          if (self->closed_) return;
          if (ec) {
            log::debug("control: client", self->peer_, " went away before its reply: ", ec.message());
            self->close();
            return;
          }
          if (then_close) {
            self->close();
            return;
          }
          self->restart_deadline();
          self->pump();
        });
  }

  stream::socket socket_;
  asio::steady_timer timer_;
  std::shared_ptr<Shared> shared_;
  std::array<char, 65536> chunk_{};
  std::string buffer_;     // received bytes; [start_, size) not yet answered
  std::size_t start_ = 0;  // first byte of the next message
  std::size_t scan_ = 0;   // where to look for the next newline (bytes before it have none)
  std::string out_;        // the reply being written
  Clock::time_point deadline_{};
  std::string peer_;
  bool writing_ = false;
  bool closed_ = false;
};

namespace {

// Is a daemon answering on `path`? Throws for a path we must not touch.
bool someone_listening(const std::filesystem::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return false;
    throw Error(ErrorCode::SystemError, "cannot inspect " + path.string() + ": " + std::strerror(errno));
  }
  if (!S_ISSOCK(st.st_mode))
    throw Error(ErrorCode::SystemError,
                path.string() + " exists and is not a socket; refusing to replace it");
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd)
    throw Error(ErrorCode::SystemError, std::string("cannot create a socket: ") + std::strerror(errno));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) return true;
  // Refused: the file is left over from a daemon that died. Anything else we cannot judge.
  if (errno == ECONNREFUSED) return false;
  throw Error(ErrorCode::SystemError, "cannot check " + path.string() + ": " + std::strerror(errno));
}

gid_t lookup_group(const std::string& name) {
  std::vector<char> buf(16384);
  group gr{};
  group* result = nullptr;
  const int err = ::getgrnam_r(name.c_str(), &gr, buf.data(), buf.size(), &result);
  if (err != 0)
    throw Error(ErrorCode::SystemError, "cannot look up group '" + name + "': " + std::strerror(err));
  if (!result) throw Error(ErrorCode::NoSuchEntry, "no such group '" + name + "'");
  return result->gr_gid;
}

}  // namespace

RpcServer::RpcServer(asio::io_context& io, RpcServerOptions options, Handler handler)
    : options_(std::move(options)),
      shared_(std::make_shared<Shared>(Shared{std::move(handler), options_, {}})),
      acceptor_(io),
      retry_timer_(io) {}

RpcServer::~RpcServer() { stop(); }

std::size_t RpcServer::client_count() const { return shared_->sessions.size(); }

void RpcServer::start() {
  const auto& path = options_.socket_path;
  if (path.string().size() >= sizeof(sockaddr_un::sun_path))
    throw Error(ErrorCode::SystemError, "socket path " + path.string() + " is too long (at most " +
                                            std::to_string(sizeof(sockaddr_un::sun_path) - 1) + " bytes)");
  const gid_t gid = options_.group.empty() ? static_cast<gid_t>(-1) : lookup_group(options_.group);

  if (path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec)
      throw Error(ErrorCode::SystemError,
                  "cannot create directory " + path.parent_path().string() + ": " + ec.message());
  }
  if (someone_listening(path))
    throw Error(ErrorCode::SystemError, "another vswitchd is already running on " + path.string());
  if (::unlink(path.c_str()) == 0) log::info("removed stale socket ", path.string());

  boost::system::error_code ec;
  acceptor_.open(stream(), ec);
  if (!ec) acceptor_.bind(stream::endpoint(path.string()), ec);
  if (ec) {
    acceptor_.close();
    if (ec == boost::asio::error::address_in_use)
      throw Error(ErrorCode::SystemError, "another vswitchd is already running on " + path.string());
    throw Error(ErrorCode::SystemError, "cannot bind " + path.string() + ": " + ec.message());
  }
  struct stat st {};
  ::stat(path.c_str(), &st);
  socket_inode_ = st.st_ino;
  // Permissions are set before listen(): until then nobody can connect, whatever the umask gave.
  auto fail = [&](const std::string& what) {
    const int err = errno;
    acceptor_.close();
    ::unlink(path.c_str());
    throw Error(ErrorCode::SystemError, what + " " + path.string() + ": " + std::strerror(err));
  };
  if (::chmod(path.c_str(), 0660) != 0) fail("cannot chmod");
  if (gid != static_cast<gid_t>(-1) && ::chown(path.c_str(), static_cast<uid_t>(-1), gid) != 0)
    fail("cannot chown");
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    errno = ec.value();
    fail("cannot listen on");
  }
  running_ = true;
  log::info("listening on ", path.string());
  accept();
}

void RpcServer::accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, stream::socket socket) {
    if (!running_ || ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of fds or memory: back off briefly instead of spinning on the error.
      log::warn("control: accept failed: ", ec.message());
      retry_timer_.expires_after(std::chrono::milliseconds(100));
      retry_timer_.async_wait([this](const boost::system::error_code& e) {
        if (!e && running_) accept();
      });
      return;
    }
    if (shared_->sessions.size() >= options_.max_clients) {
      log::warn("control: too many clients (", options_.max_clients, "); refusing a connection");
      const std::string line =
          protocol::to_line(protocol::make_error(nullptr, ErrorCode::LimitReached, "too many clients")) +
          "\n";
      boost::system::error_code ignored;
      socket.non_blocking(true, ignored);
      socket.write_some(asio::buffer(line), ignored);
    } else {
      std::make_shared<Session>(std::move(socket), shared_)->start();
    }
    accept();
  });
}

void RpcServer::stop() {
  if (running_) {
    running_ = false;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    retry_timer_.cancel();
    // Remove the file only if it is still ours (not one a newer daemon created after us).
    struct stat st {};
    if (::stat(options_.socket_path.c_str(), &st) == 0 && st.st_ino == socket_inode_)
      ::unlink(options_.socket_path.c_str());
  }
  // Close every client; copy first, close() unregisters.
  const std::vector<Session*> open(shared_->sessions.begin(), shared_->sessions.end());
  for (Session* s : open) s->close();
}

}  // namespace vswitch
