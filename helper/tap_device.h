// The TAP device the helper makes for qemu, and the two link settings it applies before handing it over.
// The TAP is not persistent: it lives exactly as long as some process holds its fd, so once qemu owns
// the only fd the device (and, through the daemon's link events, its port) goes away when qemu exits.
#pragma once

#include <cstdint>
#include <string>

#include "common/unique_fd.h"

namespace vswitch::helper {

struct TapDevice {
  UniqueFd fd;
  std::string name;       // what the kernel made of the template
  bool vnet_hdr = false;  // IFF_VNET_HDR was asked for and granted
};

// Opens /dev/net/tun and creates a TAP from `name_template` ("tap%d") with IFF_TAP|IFF_NO_PI, plus
// IFF_VNET_HDR when `want_vnet_hdr` and the kernel supports it (as qemu-bridge-helper does). Throws
// vswitch::Error (SystemError) with the errno text.
TapDevice create_tap(const std::string& name_template, bool want_vnet_hdr);

void set_link_mtu(const std::string& ifname, std::uint32_t mtu);
void set_link_up(const std::string& ifname);

}  // namespace vswitch::helper
