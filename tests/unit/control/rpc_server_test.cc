// RpcServer over real UNIX sockets in a temp dir, with the real dispatcher and a configuration-only
// Switch behind it: many clients, oversize lines, idle and half-sent requests, vanishing clients,
// and the socket file's life cycle.
#include "switchd/control/rpc_server.h"

#include <grp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <fstream>
#include <future>
#include <thread>

#include "common/error.h"
#include "common/unique_fd.h"
#include "switchd/control/dispatcher.h"
#include "switchd/control/switch.h"
#include "tests/unit/control/test_dir.h"

using namespace vswitch;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

// A daemon in miniature: io_context on its own thread, the real dispatcher, a real Switch.
class Daemon {
 public:
  explicit Daemon(std::filesystem::path socket, std::chrono::milliseconds timeout = 5s,
                  std::string group = {})
      : sw_(io_, SwitchOptions{.on_config_change = {}, .allowed_interfaces = {}, .attach_ports = false}),
        dispatcher_(sw_),
        server_(io_, RpcServerOptions{socket, std::move(group), timeout, protocol::kMaxMessageSize, 128},
                [this](std::string_view line) { return dispatcher_.dispatch(line); }) {
    server_.start();
    thread_ = std::thread([this] {
      auto guard = boost::asio::make_work_guard(io_);
      io_.run();
    });
  }
  ~Daemon() { stop(); }
  void stop() {
    if (!thread_.joinable()) return;
    boost::asio::post(io_, [this] {
      server_.stop();
      io_.stop();
    });
    thread_.join();
  }
  std::size_t clients() {
    std::promise<std::size_t> p;
    boost::asio::post(io_, [&] { p.set_value(server_.client_count()); });
    return p.get_future().get();
  }

 private:
  boost::asio::io_context io_;
  Switch sw_;
  Dispatcher dispatcher_;
  RpcServer server_;
  std::thread thread_;
};

// A blocking test client.
class Conn {
 public:
  explicit Conn(const std::filesystem::path& path) {
    fd_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    REQUIRE(::connect(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  // False when the server closed the connection under us.
  bool send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  // The next line, or nullopt on EOF/reset/timeout.
  std::optional<std::string> line(std::chrono::milliseconds timeout = 5s) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (auto nl = buf_.find('\n'); nl != std::string::npos) {
        std::string l = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        return l;
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{fd_.get(), POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char tmp[65536];
      const ssize_t n = ::recv(fd_.get(), tmp, sizeof tmp, 0);
      if (n <= 0) return std::nullopt;
      buf_.append(tmp, static_cast<std::size_t>(n));
    }
  }
  // True when the server has closed the connection (EOF or reset) within `timeout`.
  bool closed_within(std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      pollfd p{fd_.get(), POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char tmp[4096];
      const ssize_t n = ::recv(fd_.get(), tmp, sizeof tmp, 0);
      if (n <= 0) return true;
    }
    return false;
  }
  void close() { fd_.reset(); }

 private:
  UniqueFd fd_;
  std::string buf_;
};

RpcServerOptions options_for(const std::filesystem::path& path, std::string group = {}) {
  RpcServerOptions o;
  o.socket_path = path;
  o.group = std::move(group);
  return o;
}

std::string request(int id, std::string_view method, json params = json::object()) {
  return protocol::to_line(protocol::make_request(id, method, std::move(params))) + "\n";
}

json reply(Conn& c) {
  auto l = c.line();
  REQUIRE(l);
  return json::parse(*l);
}

}  // namespace

TEST_CASE("one client: requests in, responses out, in order", "[rpc_server]") {
  test::TestDir dir;
  Daemon d(dir / "run" / "vswitchd.sock");
  Conn c(dir / "run" / "vswitchd.sock");
  // several requests in one write, a notification among them, CRLF and blank lines tolerated
  REQUIRE(c.send(request(1, "add-br", {{"bridge", "br0"}}) + "\r\n" +
                 R"({"jsonrpc":"2.0","method":"add-br","params":{"bridge":"br1"}})"
                 "\n" +
                 request(2, "list-br").substr(0, 20)));
  REQUIRE(c.send(request(2, "list-br").substr(20)));
  json r = reply(c);
  CHECK(r["id"] == 1);
  CHECK(r["result"] == json::object());
  r = reply(c);
  CHECK(r["id"] == 2);  // the notification got no reply
  CHECK(r["result"]["bridges"] == json({"br0", "br1"}));
  REQUIRE(c.send("garbage\n"));
  CHECK(reply(c)["error"]["code"] == -32700);
  REQUIRE(c.send(request(3, "version")));
  CHECK(reply(c)["id"] == 3);  // still served after an error
}

TEST_CASE("many clients at once", "[rpc_server]") {
  test::TestDir dir;
  const auto path = dir / "s.sock";
  Daemon d(path);
  constexpr int kClients = 60;
  std::vector<std::unique_ptr<Conn>> conns;
  for (int i = 0; i < kClients; ++i) conns.push_back(std::make_unique<Conn>(path));
  // everybody sends before anybody reads
  for (int i = 0; i < kClients; ++i)
    REQUIRE(conns[i]->send(request(i, "add-br", {{"bridge", "br" + std::to_string(i)}}) +
                           request(1000 + i, "list-br")));
  for (int i = 0; i < kClients; ++i) {
    json r = reply(*conns[i]);
    CHECK(r["id"] == i);
    CHECK(r.contains("result"));
    r = reply(*conns[i]);
    CHECK(r["id"] == 1000 + i);
  }
  Conn last(path);
  REQUIRE(last.send(request(1, "list-br")));
  CHECK(reply(last)["result"]["bridges"].size() == kClients);
  CHECK(d.clients() == kClients + 1);
  conns.clear();
  last.close();
  for (int i = 0; i < 100 && d.clients() != 0; ++i) std::this_thread::sleep_for(10ms);
  CHECK(d.clients() == 0);
}

TEST_CASE("a 10 MiB line gets an error, then the connection is closed; others go on", "[rpc_server]") {
  test::TestDir dir;
  const auto path = dir / "s.sock";
  Daemon d(path);
  Conn big(path);
  // The server stops reading once over the limit, so the sender must not block the test.
  auto sender = std::async(std::launch::async, [&] {
    const std::string chunk(1 << 20, 'a');
    for (int i = 0; i < 10; ++i)
      if (!big.send(chunk)) return false;
    return big.send("\n");
  });
  auto line = big.line(10s);
  REQUIRE(line);
  const json r = json::parse(*line);
  CHECK(r["error"]["code"] == -32600);
  CHECK_THAT(r["error"]["message"].get<std::string>(), Catch::Contains("larger than 1048576"));
  CHECK(big.closed_within(5s));
  CHECK_FALSE(sender.get());  // the server hung up before the 10 MiB were through

  Conn other(path);
  REQUIRE(other.send(request(1, "version")));
  CHECK(reply(other)["id"] == 1);
}

TEST_CASE("a line just under the limit is still read whole", "[rpc_server]") {
  test::TestDir dir;
  Daemon d(dir / "s.sock");
  Conn c(dir / "s.sock");
  // 1 MiB - 1 KiB of params: parsed, and refused for what it says, not for its size
  std::string name(protocol::kMaxMessageSize - 1024, 'b');
  REQUIRE(c.send(request(9, "add-br", {{"bridge", name}})));
  const json r = reply(c);
  CHECK(r["id"] == 9);
  CHECK(r["error"]["code"] == -32602);
}

TEST_CASE("idle, half-sent and trickling clients are disconnected after the timeout", "[rpc_server]") {
  test::TestDir dir;
  const auto path = dir / "s.sock";
  Daemon d(path, 300ms);
  Conn idle(path), half(path), trickle(path), busy(path);
  REQUIRE(half.send(R"({"jsonrpc":"2.0","id":1,"meth)"));
  // a client that keeps sending bytes but never finishes its request gets no more than the timeout
  auto dribble = std::async(std::launch::async, [&] {
    for (int i = 0; i < 20; ++i) {
      if (!trickle.send(" ")) return;
      std::this_thread::sleep_for(50ms);
    }
  });
  // a client that keeps sending complete requests stays
  for (int i = 0; i < 6; ++i) {
    REQUIRE(busy.send(request(i, "version")));
    CHECK(reply(busy)["id"] == i);
    std::this_thread::sleep_for(100ms);
  }
  CHECK(idle.closed_within(1s));
  CHECK(half.closed_within(1s));
  CHECK(trickle.closed_within(1s));
  dribble.get();
  REQUIRE(busy.send(request(7, "version")));
  CHECK(reply(busy)["id"] == 7);
}

TEST_CASE("a client vanishing mid-request or before its reply does no harm", "[rpc_server]") {
  test::TestDir dir;
  const auto path = dir / "s.sock";
  Daemon d(path);
  for (int i = 0; i < 20; ++i) {
    Conn gone(path);
    REQUIRE(gone.send(R"({"jsonrpc":"2.0","id":1,"method":"add-br","par)"));
    gone.close();
    Conn rude(path);
    REQUIRE(rude.send(request(1, "show")));
    rude.close();  // the reply has nowhere to go
  }
  Conn c(path);
  REQUIRE(c.send(request(1, "list-br")));
  CHECK(reply(c)["result"]["bridges"] == json::array());  // the half request did nothing
  c.close();
  for (int i = 0; i < 100 && d.clients() != 0; ++i) std::this_thread::sleep_for(10ms);
  CHECK(d.clients() == 0);
}

TEST_CASE("a client that never reads its replies holds up only itself", "[rpc_server]") {
  test::TestDir dir;
  const auto path = dir / "s.sock";
  Daemon d(path, 500ms);
  Conn hog(path);
  // Requests whose replies fill the socket buffers; the hog never reads.
  auto flood = std::async(std::launch::async, [&] {
    std::string many;
    for (int i = 0; i < 2000; ++i) many += request(i, "stats");
    return hog.send(many);
  });
  Conn other(path);
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(other.send(request(1, "version")));
  CHECK(reply(other)["id"] == 1);
  CHECK(std::chrono::steady_clock::now() - t0 < 400ms);
  CHECK(hog.closed_within(3s));
  flood.wait();
}

TEST_CASE("the socket file: mode 0660, group, stale file, second instance, removal", "[rpc_server]") {
  test::TestDir dir;
  const auto path = dir / "sub" / "vswitchd.sock";

  SECTION("created 0660 in a new parent directory, removed on stop") {
    {
      Daemon d(path);
      struct stat st {};
      REQUIRE(::stat(path.c_str(), &st) == 0);
      CHECK(S_ISSOCK(st.st_mode));
      CHECK((st.st_mode & 0777) == 0660);
      CHECK(st.st_gid == ::getegid());
    }
    CHECK_FALSE(std::filesystem::exists(path));
  }
  SECTION("group ownership") {
    const group* gr = ::getgrnam("daemon");
    if (!gr) gr = ::getgrnam("nogroup");
    REQUIRE(gr);
    const gid_t gid = gr->gr_gid;
    Daemon d(path, 5s, gr->gr_name);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK(st.st_gid == gid);
  }
  SECTION("an unknown group is refused") {
    boost::asio::io_context io;
    RpcServer s(io, options_for(path, "no-such-group-xyz"), [](std::string_view) { return std::string(); });
    CHECK_THROWS_WITH(s.start(), Catch::Contains("no-such-group-xyz"));
  }
  SECTION("a live daemon on the socket: a second one refuses") {
    Daemon first(path);
    boost::asio::io_context io;
    RpcServer second(io, options_for(path), [](std::string_view) { return std::string(); });
    CHECK_THROWS_WITH(second.start(), "another vswitchd is already running on " + path.string());
    // and the first one still serves, its file untouched
    Conn c(path);
    REQUIRE(c.send(request(1, "version")));
    CHECK(reply(c)["id"] == 1);
  }
  SECTION("a stale socket file left by a crash is replaced") {
    std::filesystem::create_directories(path.parent_path());
    {
      UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM, 0));
      sockaddr_un addr{};
      addr.sun_family = AF_UNIX;
      std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
      REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    }  // closed, file left behind
    REQUIRE(std::filesystem::exists(path));
    Daemon d(path);
    Conn c(path);
    REQUIRE(c.send(request(1, "version")));
    CHECK(reply(c)["id"] == 1);
  }
  SECTION("a path that is not a socket is left alone") {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << "precious";
    boost::asio::io_context io;
    RpcServer s(io, options_for(path), [](std::string_view) { return std::string(); });
    CHECK_THROWS_WITH(s.start(), Catch::Contains("not a socket"));
    CHECK(std::filesystem::file_size(path) == 8);
  }
}
