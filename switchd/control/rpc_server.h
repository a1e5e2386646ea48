// The control socket: a UNIX stream server that reads one JSON-RPC request per line from each
// client and writes back the handler's response line.
//
// - Many clients at once, all served on the one control thread (the io_context's): a client that
//   sends slowly or never reads its replies holds up only itself, never the others or the switch.
// - Requests from one client are answered in order, one at a time.
// - A message larger than max_message gets a JSON-RPC error, then the connection is closed.
// - A client has read_timeout to finish each request (from the end of the previous one), and to
//   take each reply; then it is disconnected. A client vanishing mid-request is simply dropped.
// - The socket file is created mode 0660, owned by root and `group`, in a parent directory created
//   when missing. start() refuses to take over a socket a live daemon answers on, and removes a
//   stale one (left by a crash); stop() removes the file again.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/protocol.h"

namespace vswitch {

struct RpcServerOptions {
  std::filesystem::path socket_path{std::string(protocol::kDefaultSocketPath)};
  // Group that may use the socket; empty = leave the daemon's own group (root:root).
  std::string group;
  std::chrono::milliseconds read_timeout = std::chrono::seconds(30);
  std::size_t max_message = protocol::kMaxMessageSize;
  std::size_t max_clients = 128;
};

class RpcServer {
 public:
  // Turns one request line into one response line (no newline); "" = no response. Must not throw.
  using Handler = std::function<std::string(std::string_view)>;

  RpcServer(boost::asio::io_context& io, RpcServerOptions options, Handler handler);
  ~RpcServer();  // stop()
  RpcServer(const RpcServer&) = delete;
  RpcServer& operator=(const RpcServer&) = delete;

  // Creates the socket and starts accepting. Throws Error(SystemError) when it cannot, e.g.
  // "another vswitchd is already running on /run/vswitch/vswitchd.sock".
  void start();
  // Closes the listening socket and every client; removes the socket file. Idempotent.
  void stop();

  std::size_t client_count() const;
  const RpcServerOptions& options() const { return options_; }

  class Session;
  struct Shared;  // what sessions share with the server and may outlive it with

 private:
  void accept();

  RpcServerOptions options_;
  std::shared_ptr<Shared> shared_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  ino_t socket_inode_ = 0;  // to remove only the file we created
  bool running_ = false;
};

}  // namespace vswitch
