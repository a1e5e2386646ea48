// The JSON-RPC 2.0 front of the switch: one request line in, one response line out.
//
// A table maps each method of docs/protocol.md to a SwitchApi call. Params are checked strictly
// (unknown names, wrong types, bad VLANs, MACs and interface names are "invalid params" naming the
// field) before the switch is touched; results are the status structs serialised with the same JSON
// schema as the configuration (common/config.h). Failures become JSON-RPC error objects: the
// protocol's own codes plus the application codes of common/error.h, whose name goes in error.data.
//
// dispatch() is the boundary with untrusted input (any process in the socket's group, and the
// fuzzer): it never throws and never crashes, whatever the line holds.
#pragma once

#include <string>
#include <string_view>

#include "switchd/control/switch_api.h"

namespace vswitch {

class Dispatcher {
 public:
  explicit Dispatcher(SwitchApi& sw) : sw_(sw) {}

  // Handles one request (a line without its newline). Returns the response as one line without a
  // newline, or an empty string for a notification (a request without "id"), which gets no reply.
  std::string dispatch(std::string_view line) noexcept;

 private:
  SwitchApi& sw_;
};

}  // namespace vswitch
