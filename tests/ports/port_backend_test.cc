// open_port_backend: the port type rules (docs/ports.md), on real devices.
#include "switchd/ports/port_backend.h"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>

#include <catch2/catch.hpp>
#include <cstring>

#include "common/error.h"
#include "common/unique_fd.h"
#include "switchd/ports/netdev.h"
#include "tests/ports/test_env.h"

using namespace vswitch;
using namespace vswitch::test;

namespace {
ErrorCode error_opening(const std::string& name, PortType type) {
  try {
    open_port_backend(name, type);
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::InternalError;  // "did not throw"
}
}  // namespace

TEST_CASE("auto: a name that does not exist becomes a TAP the switch owns", "[backend]") {
  const std::string name = unique_name("tap");
  {
    auto port = open_port_backend(name, PortType::Auto);
    CHECK(port->type() == PortType::Tap);
    CHECK(port->owns_netdev());
    CHECK(find_link(name)->is_tap());
  }
  CHECK_FALSE(link_exists(name));
}

TEST_CASE("auto: an existing non-TAP netdev becomes a system port", "[backend]") {
  VethPair veth;
  auto port = open_port_backend(veth.a, PortType::Auto);
  CHECK(port->type() == PortType::System);
  CHECK_FALSE(port->owns_netdev());
}

TEST_CASE("auto: a persistent TAP nobody holds becomes a tap port, left in place after", "[backend]") {
  const std::string name = unique_name("tap");
  must("ip tuntap add mode tap name " + name);
  {
    auto port = open_port_backend(name, PortType::Auto);
    CHECK(port->type() == PortType::Tap);
    CHECK_FALSE(port->owns_netdev());
  }
  CHECK(link_exists(name));
  must("ip link del " + name);
}

TEST_CASE("auto: a TAP someone holds (qemu) becomes a system port; tap refuses it", "[backend]") {
  const std::string name = unique_name("tap");
  UniqueFd holder(::open("/dev/net/tun", O_RDWR | O_CLOEXEC));
  REQUIRE(holder);
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
  REQUIRE(::ioctl(holder.get(), TUNSETIFF, &ifr) == 0);

  auto port = open_port_backend(name, PortType::Auto);
  CHECK(port->type() == PortType::System);
  CHECK_FALSE(port->owns_netdev());
  CHECK(error_opening(name, PortType::Tap) == ErrorCode::DeviceBusy);
  CHECK(find_link(name)->tun->held);
}

TEST_CASE("explicit types: system needs an existing netdev; tap needs a TAP", "[backend]") {
  CHECK(error_opening(unique_name("nx"), PortType::System) == ErrorCode::NoSuchDevice);
  VethPair veth;
  CHECK(error_opening(veth.a, PortType::Tap) == ErrorCode::Conflict);
  auto port = open_port_backend(veth.a, PortType::System);
  CHECK(port->type() == PortType::System);
}
