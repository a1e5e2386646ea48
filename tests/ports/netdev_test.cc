// rtnetlink link queries and changes on real veth and TAP devices.
#include "switchd/ports/netdev.h"

#include <net/if.h>

#include <catch2/catch.hpp>

#include "common/error.h"
#include "tests/ports/test_env.h"

using namespace vswitch;
using namespace vswitch::test;

TEST_CASE("netdev: find_link describes a veth as the kernel sees it", "[netdev]") {
  VethPair veth;
  RouteSocket rtnl;
  auto link = rtnl.find_link(veth.a);
  REQUIRE(link);
  CHECK(link->name == veth.a);
  CHECK(link->ifindex == static_cast<int>(::if_nametoindex(veth.a.c_str())));
  CHECK(link->kind == "veth");
  CHECK(link->is_ethernet());
  CHECK_FALSE(link->tun);
  CHECK_FALSE(link->admin_up);
  CHECK(link->mtu == 1500);
  // (sysfs shows the namespace it was mounted in, not ours: ask ip.)
  const std::string shown = capture("ip -br link show dev " + veth.a);
  CHECK(shown.find(link->mac.to_string()) != std::string::npos);

  auto by_index = rtnl.find_link(link->ifindex);
  REQUIRE(by_index);
  CHECK(by_index->name == veth.a);

  rtnl.set_link_up(link->ifindex);
  rtnl.set_mtu(link->ifindex, 1400);
  link = rtnl.find_link(veth.a);
  REQUIRE(link);
  CHECK(link->admin_up);
  CHECK(link->mtu == 1400);
  CHECK_FALSE(link->running);  // the peer is still down: no carrier

  must("ip link set " + veth.b + " up");
  CHECK(rtnl.find_link(veth.a)->running);

  bool seen_a = false, seen_b = false;
  for (const LinkInfo& l : rtnl.list_links()) {
    seen_a = seen_a || l.name == veth.a;
    seen_b = seen_b || l.name == veth.b;
  }
  CHECK(seen_a);
  CHECK(seen_b);
}

TEST_CASE("netdev: missing links are nullopt; changing one is NoSuchDevice", "[netdev]") {
  RouteSocket rtnl;
  CHECK_FALSE(rtnl.find_link(unique_name("nx")));
  CHECK_FALSE(rtnl.find_link("bad/name"));
  CHECK_FALSE(rtnl.find_link(0x7ffffff0));
  try {
    rtnl.set_link_up(0x7ffffff0);
    FAIL("set_link_up on a missing link did not throw");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::NoSuchDevice);
  }
}

TEST_CASE("netdev: a persistent TAP reports its tun state", "[netdev]") {
  const std::string tap = unique_name("tp");
  must("ip tuntap add mode tap name " + tap);
  auto link = find_link(tap);
  sh("ip link del " + tap);
  REQUIRE(link);
  CHECK(link->kind == "tun");
  REQUIRE(link->tun);
  CHECK(link->is_tap());
  CHECK(link->tun->persist);
  CHECK_FALSE(link->tun->held());
}
