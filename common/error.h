// Errors shared by the daemon and the CLI. The numeric codes are part of the control protocol
// (docs/protocol.md): JSON-RPC 2.0's reserved codes plus vswitch's application codes.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace vswitch {

enum class ErrorCode : int {
  // JSON-RPC 2.0
  ParseError = -32700,
  InvalidRequest = -32600,
  MethodNotFound = -32601,
  InvalidParams = -32602,
  InternalError = -32603,
  // vswitch application errors
  NoSuchBridge = 1,
  NoSuchPort = 2,
  BridgeExists = 3,
  PortExists = 4,     // the interface is already a port (of this or another bridge)
  DeviceBusy = 5,     // the netdev is held by someone else in a way we cannot share
  NoSuchDevice = 6,   // the netdev does not exist and cannot be created for this port type
  NotPermitted = 7,   // refused by policy (interface allow-list, ...)
  Conflict = 8,       // exists with other settings
  NoSuchEntry = 9,    // FDB entry not found
  SystemError = 10,   // a kernel call failed; the message carries errno text
  LimitReached = 11,  // a configured limit (e.g. FDB size) prevents the change
};

// Stable lower-case name of a code, e.g. "no-such-bridge" (used in JSON error data and logs).
std::string_view error_name(ErrorCode code);

// The exception the control plane throws; the dispatcher turns it into a JSON-RPC error object.
class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace vswitch
