// Linux network interface names as users type them. Every name that reaches the kernel, the state
// file or a log passes through validate_ifname first.
#pragma once

#include <string>
#include <string_view>

namespace vswitch {

inline constexpr std::size_t kMaxIfnameLen = 15;  // IFNAMSIZ - 1

// Empty string when `name` is a usable interface name; otherwise the reason, e.g.
// "interface name 'a/b' must not contain '/'". Rules follow the kernel's dev_valid_name():
// 1..15 bytes, not "." or "..", no '/', ':' or whitespace; we also refuse control characters.
std::string validate_ifname(std::string_view name);

}  // namespace vswitch
