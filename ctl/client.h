// vswitchctl's side of the control socket: connect, send one JSON-RPC request line, read one
// response line. Plain blocking I/O bounded by a deadline; every failure is an exception whose
// message is ready to print ("cannot connect to vswitchd at PATH: No such file or directory").
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "common/protocol.h"

namespace vswitch::ctl {

// The daemon could not be reached or did not answer properly.
class ConnectionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Client {
 public:
  // timeout: for the whole exchange (connect, send, wait for the reply); zero = wait forever.
  Client(std::string socket_path, std::chrono::milliseconds timeout)
      : path_(std::move(socket_path)), timeout_(timeout) {}

  // One request/response exchange on a fresh connection. Throws ConnectionError.
  protocol::Response call(std::string_view method, const nlohmann::json& params);

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::chrono::milliseconds timeout_;
};

}  // namespace vswitch::ctl
