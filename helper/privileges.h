// Dropping root the way qemu-bridge-helper does when it is installed setuid root: become the calling
// user again, keeping only CAP_NET_ADMIN (needed to create the TAP, set its MTU and bring it up), and
// shrink the bounding set so nothing we exec could regain more. Done with prctl/capset directly, so the
// helper needs no libcap-ng.
//
// Install choices (docs/man/vswitch-bridge-helper.8):
//   setuid root:  chmod u+s; the helper connects to vswitchd's root-only socket first, then drops here.
//   capabilities: setcap cap_net_admin+ep; the helper never was root, so the calling user must be able
//                 to open the socket (vswitchd --socket-group GROUP and membership of GROUP).
#pragma once

namespace vswitch::helper {

// True when the real user is not root but the effective one is (a setuid-root run).
bool running_setuid_root();

// No-op unless running_setuid_root(). Throws vswitch::Error (SystemError) if any step fails; the
// caller must then stop, never carry on as root.
void drop_to_net_admin();

}  // namespace vswitch::helper
