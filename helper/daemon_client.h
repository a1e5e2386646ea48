// A minimal JSON-RPC 2.0 client for vswitchd's control socket (docs/protocol.md): one request object
// per line out, one response object per line back, on a UNIX stream socket. The helper uses it rather
// than running vswitchctl because it must connect while still privileged (the socket is root-only by
// default) and then keep using the connection after dropping to the caller's uid.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "common/unique_fd.h"

namespace vswitch::helper {

class DaemonClient {
 public:
  // Throws vswitch::Error (SystemError) "cannot connect to vswitchd at PATH: ..." when nobody listens.
  static DaemonClient connect(const std::string& socket_path,
                              std::chrono::seconds timeout = std::chrono::seconds(10));

  // Sends one request and waits for its response. Returns "result"; an "error" response throws
  // vswitch::Error with the daemon's code and message; a timeout or a broken connection throws
  // Error(SystemError).
  nlohmann::json call(const std::string& method, const nlohmann::json& params);

 private:
  DaemonClient(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  std::string read_line();

  UniqueFd fd_;
  std::string path_;
  std::string buffered_;
  int next_id_ = 1;
};

}  // namespace vswitch::helper
