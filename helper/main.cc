// vswitch-bridge-helper: qemu's `-netdev bridge,br=BR,helper=...` for vswitch bridges.
//
// The drop-in for qemu-bridge-helper: same argv, same ACL file format, same answer (the TAP's fd over
// the socket qemu gave us, exit status 0). What differs is the last step: instead of SIOCBRADDIF into
// a Linux bridge, we ask vswitchd to attach the TAP as a `system` port of the vswitch bridge, marked
// transient so that the daemon deletes the port when qemu exits and the TAP vanishes.
//
// Order matters for a setuid-root install: check the ACL and connect to the daemon's (root-only)
// socket first, then drop to the caller's uid with CAP_NET_ADMIN, then do the kernel work.
#include <cstdlib>
#include <iostream>
#include <optional>

#include "common/error.h"
#include "helper/bridge_acl.h"
#include "helper/daemon_client.h"
#include "helper/fd_passing.h"
#include "helper/helper_args.h"
#include "helper/privileges.h"
#include "helper/switch_requests.h"
#include "helper/tap_device.h"

namespace vswitch::helper {
namespace {

constexpr const char* kDefaultAclFile = VSWITCH_SYSCONFDIR "/vswitch/bridge.conf";
constexpr const char* kDefaultSocket = "/run/vswitch/vswitchd.sock";

// Environment overrides are for tests and unusual installs. A setuid run ignores them (secure_getenv
// returns NULL under AT_SECURE): otherwise any user could point the helper at an ACL file of their own.
std::string env_or(const char* name, const char* fallback) {
  const char* value = ::secure_getenv(name);
  return value && *value ? value : fallback;
}

int run(const HelperArgs& args) {
  const std::string acl_path = env_or("VSWITCH_BRIDGE_CONF", kDefaultAclFile);
  const BridgeAcl acl = BridgeAcl::load(acl_path);
  if (!acl.allows(args.bridge))
    throw Error(ErrorCode::NotPermitted, "access to bridge '" + args.bridge + "' denied by ACL file " +
                                             acl_path + " (add 'allow " + args.bridge +
                                             "' there to permit it)");

  DaemonClient daemon = DaemonClient::connect(env_or("VSWITCH_SOCKET", kDefaultSocket));
  drop_to_net_admin();

  const std::uint32_t mtu = bridge_mtu(daemon, args.bridge);  // also proves that the bridge exists
  TapDevice tap = create_tap(args.ifname_template, args.use_vnet);
  set_link_mtu(tap.name, mtu);
  set_link_up(tap.name);
  attach_transient_port(daemon, args.bridge, tap.name);

  try {
    send_fd(args.fd, tap.fd.get());
  } catch (const Error&) {
    // qemu will not get the TAP: take the port away now rather than wait for the link event.
    try {
      detach_port(daemon, args.bridge, tap.name);
    } catch (const Error&) {
    }
    throw;
  }
  return EXIT_SUCCESS;  // `tap.fd` closes here: from now on qemu holds the only fd
}

}  // namespace
}  // namespace vswitch::helper

int main(int argc, char** argv) {
  using namespace vswitch::helper;
  HelperArgs args;
  try {
    args = parse_helper_args({argv, static_cast<std::size_t>(argc)});
  } catch (const vswitch::Error& e) {
    std::cerr << "vswitch-bridge-helper: " << e.what() << "\n" << helper_usage();
    return EXIT_FAILURE;
  }
  if (args.help) {
    std::cout << helper_usage();
    return EXIT_SUCCESS;
  }
  if (args.version) {
    std::cout << "vswitch-bridge-helper " << VSWITCH_VERSION << "\n";
    return EXIT_SUCCESS;
  }
  try {
    return run(args);
  } catch (const std::exception& e) {
    std::cerr << "vswitch-bridge-helper: " << e.what() << "\n";
  }
  return EXIT_FAILURE;
}
