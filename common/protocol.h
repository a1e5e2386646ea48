// The control protocol spoken between vswitchd and vswitchctl (and any script): JSON-RPC 2.0, one
// JSON object per line over a UNIX stream socket. This file holds what both ends must agree on: the
// method names, the size limit, and how requests, results and errors are built and read. The
// methods, their params and results are documented in docs/protocol.md.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace vswitch::protocol {

inline constexpr std::string_view kJsonRpcVersion = "2.0";
// Bumped when a method changes incompatibly; reported by "version".
inline constexpr int kProtocolVersion = 1;
// Largest message (one line, without its newline) either end accepts.
inline constexpr std::size_t kMaxMessageSize = 1 << 20;
// Deepest nesting of arrays/objects the daemon parses; no request needs more than a handful.
inline constexpr std::size_t kMaxNestingDepth = 32;

inline constexpr std::string_view kDefaultSocketPath = "/run/vswitch/vswitchd.sock";
inline constexpr const char* kSocketEnvVar = "VSWITCH_SOCKET";

// Method names: one per vswitchctl command, spelled the same.
namespace method {
inline constexpr std::string_view kAddBr = "add-br";
inline constexpr std::string_view kDelBr = "del-br";
inline constexpr std::string_view kListBr = "list-br";
inline constexpr std::string_view kAddPort = "add-port";
inline constexpr std::string_view kDelPort = "del-port";
inline constexpr std::string_view kListPorts = "list-ports";
inline constexpr std::string_view kSetPort = "set-port";
inline constexpr std::string_view kSetBr = "set-br";
inline constexpr std::string_view kShow = "show";
inline constexpr std::string_view kFdbShow = "fdb-show";
inline constexpr std::string_view kFdbFlush = "fdb-flush";
inline constexpr std::string_view kFdbAdd = "fdb-add";
inline constexpr std::string_view kFdbDel = "fdb-del";
inline constexpr std::string_view kStats = "stats";
inline constexpr std::string_view kVersion = "version";
}  // namespace method

// {"jsonrpc":"2.0","id":id,"method":m,"params":params}; `params` null = omitted.
nlohmann::json make_request(const nlohmann::json& id, std::string_view method,
                            nlohmann::json params = nullptr);
// {"jsonrpc":"2.0","id":id,"result":result}
nlohmann::json make_result(const nlohmann::json& id, nlohmann::json result);
// {"jsonrpc":"2.0","id":id,"error":{"code":c,"message":m,"data":"<error_name(c)>"}}
nlohmann::json make_error(const nlohmann::json& id, ErrorCode code, std::string_view message);

// One message as it goes on the wire, without the newline. Never throws on odd strings: invalid
// UTF-8 is replaced by U+FFFD rather than failing the whole reply.
std::string to_line(const nlohmann::json& message);

// A response as a client reads it.
struct Response {
  nlohmann::json id;
  nlohmann::json result;  // set when ok()
  int error_code = 0;     // set when !ok()
  std::string error_message;
  std::string error_name;  // error.data when it is a string, e.g. "no-such-bridge"
  bool ok() const { return error_code == 0; }
};

// Parses and validates one response line. Throws Error(ParseError) when it is not JSON and
// Error(InvalidRequest) when it is not a JSON-RPC 2.0 response, with a message saying what is wrong.
Response parse_response(std::string_view line);

}  // namespace vswitch::protocol
