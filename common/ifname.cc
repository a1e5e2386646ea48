#include "common/ifname.h"

namespace vswitch {

std::string validate_ifname(std::string_view name) {
  const std::string quoted = "interface name '" + std::string(name.substr(0, 64)) + "'";
  if (name.empty()) return "interface name must not be empty";
  if (name.size() > kMaxIfnameLen)
    return quoted + " is longer than " + std::to_string(kMaxIfnameLen) + " bytes";
  if (name == "." || name == "..") return quoted + " is not allowed";
  for (unsigned char c : name) {
    if (c == '/') return quoted + " must not contain '/'";
    if (c == ':') return quoted + " must not contain ':'";
    if (c <= ' ' || c == 0x7f) return "interface name must not contain whitespace or control characters";
  }
  return {};
}

}  // namespace vswitch
