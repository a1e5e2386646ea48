#include "helper/tap_device.h"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace vswitch::helper {

namespace {

[[noreturn]] void fail(const std::string& what, int err) {
  throw Error(ErrorCode::SystemError, what + ": " + std::strerror(err));
}

ifreq named_ifreq(const std::string& name) {
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  return ifr;
}

// Any socket will do for the SIOC[GS]IF* ioctls.
UniqueFd ioctl_socket() {
  UniqueFd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!s) fail("cannot open a socket for interface ioctls", errno);
  return s;
}

}  // namespace

TapDevice create_tap(const std::string& name_template, bool want_vnet_hdr) {
  TapDevice tap;
  tap.fd.reset(::open("/dev/net/tun", O_RDWR | O_CLOEXEC));
  if (!tap.fd) fail("cannot open /dev/net/tun", errno);

  unsigned int features = 0;
  const bool kernel_has_vnet_hdr =
      ::ioctl(tap.fd.get(), TUNGETFEATURES, &features) == 0 && (features & IFF_VNET_HDR) != 0;

  ifreq ifr = named_ifreq(name_template);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  if (want_vnet_hdr && kernel_has_vnet_hdr) ifr.ifr_flags |= IFF_VNET_HDR;
  if (::ioctl(tap.fd.get(), TUNSETIFF, &ifr) != 0)
    fail("cannot create a TAP device named like '" + name_template + "'", errno);
  tap.name = ifr.ifr_name;
  tap.vnet_hdr = (ifr.ifr_flags & IFF_VNET_HDR) != 0;
  return tap;
}

void set_link_mtu(const std::string& ifname, std::uint32_t mtu) {
  const UniqueFd s = ioctl_socket();
  ifreq ifr = named_ifreq(ifname);
  ifr.ifr_mtu = static_cast<int>(mtu);
  if (::ioctl(s.get(), SIOCSIFMTU, &ifr) != 0)
    fail("cannot set the MTU of " + ifname + " to " + std::to_string(mtu), errno);
}

void set_link_up(const std::string& ifname) {
  const UniqueFd s = ioctl_socket();
  ifreq ifr = named_ifreq(ifname);
  if (::ioctl(s.get(), SIOCGIFFLAGS, &ifr) != 0) fail("cannot read the flags of " + ifname, errno);
  ifr.ifr_flags |= IFF_UP;
  if (::ioctl(s.get(), SIOCSIFFLAGS, &ifr) != 0) fail("cannot bring " + ifname + " up", errno);
}

}  // namespace vswitch::helper
