// Command line of vswitch-bridge-helper. qemu runs it as
//   vswitch-bridge-helper --use-vnet --fd=N --br=BR
// (qemu-bridge-helper's contract, net/tap.c:net_bridge_run_helper). When `helper=` holds a space qemu
// runs it through `sh -c` and appends --br= only if missing, which is how extra options reach us, e.g.
//   -netdev bridge,br=br0,helper="/usr/libexec/vswitch/vswitch-bridge-helper --ifname=vm%d"
#pragma once

#include <span>
#include <string>

namespace vswitch::helper {

inline constexpr const char* kDefaultTapTemplate = "tap%d";

struct HelperArgs {
  bool use_vnet = false;                              // ask for IFF_VNET_HDR on the TAP
  int fd = -1;                                        // our end of qemu's socketpair
  std::string bridge;                                 // the vswitch bridge to join
  std::string ifname_template = kDefaultTapTemplate;  // kernel fills in %d with the first free number
  bool help = false;
  bool version = false;
};

// Accepts --use-vnet, --fd=N / --fd N, --br=BR / --br BR, --ifname=TEMPLATE / --ifname TEMPLATE,
// --help, --version. Throws vswitch::Error (InvalidParams) with a message for a person on anything else,
// a missing --fd or --br (unless --help/--version), a bad bridge name, or a template that is not a valid
// interface name with exactly one "%d" (a fixed name could grab an existing persistent TAP).
HelperArgs parse_helper_args(std::span<const char* const> argv);

std::string helper_usage();

}  // namespace vswitch::helper
