// The tap backend on real TAP devices: who owns the device, refusing held ones, frames both ways
// after the netdev moved to another namespace, and what happens when the netdev goes away.
#include "switchd/ports/tap_port.h"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
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

const MacAddress kPeerMac = MacAddress::from_u64(0x020000000002);

// Holds a TAP the way qemu does: an open /dev/net/tun fd attached with TUNSETIFF.
UniqueFd hold_tap(const std::string& name, short extra_flags = 0) {
  UniqueFd fd(::open("/dev/net/tun", O_RDWR | O_CLOEXEC));
  REQUIRE(fd);
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  ifr.ifr_flags = static_cast<short>(IFF_TAP | IFF_NO_PI | extra_flags);
  REQUIRE(::ioctl(fd.get(), TUNSETIFF, &ifr) == 0);
  return fd;
}

ErrorCode error_opening(const std::string& name) {
  try {
    TapPort port(name);
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::InternalError;  // "did not throw"
}

}  // namespace

TEST_CASE("tap: a TAP the backend creates is up, carries vnet headers, and goes with the backend", "[tap]") {
  const std::string name = unique_name("tap");
  REQUIRE_FALSE(link_exists(name));
  {
    TapPort port(name);
    CHECK(port.name() == name);
    CHECK(port.type() == PortType::Tap);
    CHECK(port.owns_netdev());
    CHECK(port.alive());
    CHECK(port.fd() >= 0);
    auto link = find_link(name);
    REQUIRE(link);
    CHECK(port.ifindex() == link->ifindex);
    CHECK(link->admin_up);
    CHECK(link->running);  // a TAP has carrier while an fd is attached
    REQUIRE(link->tun);
    CHECK(link->tun->tap);
    CHECK(link->tun->vnet_hdr);
    CHECK_FALSE(link->tun->persist);
    CHECK(link->tun->held);
    // TUNSETOFFLOAD turned on checksum and TSO offloads of the netdev.
    const std::string features = capture("ip -d link show dev " + name);
    CHECK(features.find("vnet_hdr on") != std::string::npos);
  }
  CHECK_FALSE(link_exists(name));
}

TEST_CASE("tap: a persistent TAP nobody holds is attached and left in place", "[tap]") {
  const std::string name = unique_name("tap");
  SECTION("single queue") { must("ip tuntap add mode tap name " + name); }
  SECTION("multi-queue") { must("ip tuntap add mode tap multi_queue name " + name); }
  {
    TapPort port(name);
    CHECK_FALSE(port.owns_netdev());
    auto link = find_link(name);
    REQUIRE(link);
    CHECK(link->admin_up);
    CHECK(link->tun->held);
  }
  auto link = find_link(name);
  REQUIRE(link);
  CHECK(link->tun->persist);
  CHECK_FALSE(link->tun->held);
  // A second backend can attach again once the first has gone.
  { TapPort again(name); }
  CHECK(link_exists(name));
  must("ip link del " + name);
}

TEST_CASE("tap: a TAP someone else holds is DeviceBusy and stays theirs", "[tap]") {
  const std::string name = unique_name("tap");
  SECTION("single queue (qemu's default)") {
    UniqueFd holder = hold_tap(name);
    CHECK(error_opening(name) == ErrorCode::DeviceBusy);
    auto link = find_link(name);
    REQUIRE(link);
    CHECK(link->tun->held);
    ifreq ifr{};
    CHECK(::ioctl(holder.get(), TUNGETIFF, &ifr) == 0);  // the holder's fd still works
    CHECK(std::string(ifr.ifr_name) == name);
  }
  SECTION("single queue, carrier turned off by the holder: TUNSETIFF's EBUSY still refuses") {
    UniqueFd holder = hold_tap(name);
    int carrier = 0;
    REQUIRE(::ioctl(holder.get(), TUNSETCARRIER, &carrier) == 0);
    CHECK_FALSE(find_link(name)->tun->held);              // looks free from outside...
    CHECK(error_opening(name) == ErrorCode::DeviceBusy);  // ...but is not
  }
  SECTION("multi-queue (qemu with queues=N): attaching would steal a queue") {
    UniqueFd holder = hold_tap(name, IFF_MULTI_QUEUE);
    CHECK(error_opening(name) == ErrorCode::DeviceBusy);
    auto link = find_link(name);
    REQUIRE(link);
    CHECK(link->tun->multi_queue);
    CHECK(link->tun->queues == 1);
    CHECK(link->tun->held);
  }
  CHECK_FALSE(link_exists(name));  // the holder created it non-persistent and has closed it
}

TEST_CASE("tap: names that are not TAPs are refused", "[tap]") {
  VethPair veth;
  CHECK(error_opening(veth.a) == ErrorCode::Conflict);
  const std::string tun = unique_name("tun");
  must("ip tuntap add mode tun name " + tun);
  CHECK(error_opening(tun) == ErrorCode::Conflict);
  must("ip link del " + tun);
  CHECK(error_opening("bad/name") == ErrorCode::InvalidParams);
}

TEST_CASE("tap: frames flow both ways after the netdev moved into another namespace", "[tap]") {
  const std::string name = unique_name("tap");
  TapPort port(name);
  PortCounters counters;
  Netns vm;
  must("ip link set " + name + " netns " + vm.name());
  must(vm.exec("ip addr add 10.77.1.1/24 dev " + name));
  must(vm.exec("ip link set " + name + " up"));
  CHECK_FALSE(link_exists(name));  // gone from our namespace, still ours through the fd
  const MacAddress vm_mac =
      MacAddress::parse(capture(vm.exec("cat /sys/class/net/" + name + "/address")).substr(0, 17)).value();

  // We ask who has 10.77.1.1; the VM's kernel answers us (and learns our address on the way).
  const auto request =
      arp_frame(1, kBroadcastMac, kPeerMac, kPeerMac, "10.77.1.2", MacAddress(), "10.77.1.1");
  const EgressFrame out = egress_of(request);
  port.send(std::span(&out, 1), counters);
  CHECK(counters.tx_frames == 1);
  CHECK(counters.tx_bytes == request.size());

  auto reply =
      wait_for_frame(port, counters, [&](const Packet& p) { return is_arp(p, 2) && src_mac(p) == vm_mac; });
  REQUIRE(reply);
  CHECK(MacAddress::from_bytes(std::span(reply->bytes).subspan(0, 6)) == kPeerMac);
  CHECK(counters.rx_frames >= 1);
  CHECK(port.alive());
  CHECK(capture(vm.exec("ip neigh show 10.77.1.2")).find(kPeerMac.to_string()) != std::string::npos);
}

TEST_CASE("tap: a down TAP counts port_down and stays alive", "[tap]") {
  const std::string name = unique_name("tap");
  TapPort port(name);
  PortCounters counters;
  must("ip link set " + name + " down");
  const auto frame = arp_frame(1, kBroadcastMac, kPeerMac, kPeerMac, "10.77.1.2", MacAddress(), "10.77.1.1");
  const EgressFrame out[2] = {egress_of(frame), egress_of(frame)};
  port.send(out, counters);
  CHECK(counters.tx_frames == 0);
  CHECK(counters.dropped(DropReason::port_down) == 2);
  CHECK(port.alive());
  must("ip link set " + name + " up");
  port.send(out, counters);
  CHECK(counters.tx_frames == 2);
}

TEST_CASE("tap: the port dies cleanly when its netdev is deleted", "[tap]") {
  const std::string name = unique_name("tap");
  auto port = std::make_unique<TapPort>(name);
  PortCounters counters;
  Netns vm;
  must("ip link set " + name + " netns " + vm.name());
  SECTION("deleted with ip link del") { must(vm.exec("ip link del " + name)); }
  SECTION("deleted with its namespace") { vm.remove(); }

  // The fd reports the loss (poll wakes up) and receive() turns the port dead (after handing over any
  // frame still queued, such as the VM's IPv6 router solicitation).
  std::vector<Packet> batch(4);
  for (int i = 0; i < 100 && port->alive(); ++i) {
    pollfd pfd{port->fd(), POLLIN, 0};
    REQUIRE(::poll(&pfd, 1, 2000) == 1);
    port->receive(batch, counters);
  }
  CHECK_FALSE(port->alive());
  CHECK(port->receive(batch, counters) == 0);
  const auto frame = arp_frame(1, kBroadcastMac, kPeerMac, kPeerMac, "10.77.1.2", MacAddress(), "10.77.1.1");
  const EgressFrame out = egress_of(frame);
  port->send(std::span(&out, 1), counters);
  CHECK(counters.dropped(DropReason::port_down) == 1);
  port.reset();  // closing a dead TAP's fd is clean
}
