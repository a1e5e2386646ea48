#include "common/error.h"

namespace vswitch {

std::string_view error_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::ParseError: return "parse-error";
    case ErrorCode::InvalidRequest: return "invalid-request";
    case ErrorCode::MethodNotFound: return "method-not-found";
    case ErrorCode::InvalidParams: return "invalid-params";
    case ErrorCode::InternalError: return "internal-error";
    case ErrorCode::NoSuchBridge: return "no-such-bridge";
    case ErrorCode::NoSuchPort: return "no-such-port";
    case ErrorCode::BridgeExists: return "bridge-exists";
    case ErrorCode::PortExists: return "port-exists";
    case ErrorCode::DeviceBusy: return "device-busy";
    case ErrorCode::NoSuchDevice: return "no-such-device";
    case ErrorCode::NotPermitted: return "not-permitted";
    case ErrorCode::Conflict: return "conflict";
    case ErrorCode::NoSuchEntry: return "no-such-entry";
    case ErrorCode::SystemError: return "system-error";
    case ErrorCode::LimitReached: return "limit-reached";
  }
  return "unknown";
}

}  // namespace vswitch
