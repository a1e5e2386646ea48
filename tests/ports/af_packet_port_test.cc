// The system (AF_PACKET) backend on real veth pairs: promiscuous mode, frames both ways without our
// own transmissions echoing back, VLAN tags put back from PACKET_AUXDATA with the offload offsets
// still right, send errors, and a netdev that goes down or away.
#include "switchd/ports/af_packet_port.h"

#include <poll.h>

#include <catch2/catch.hpp>

#include "common/error.h"
#include "switchd/core/frame.h"
#include "switchd/ports/netdev.h"
#include "tests/ports/test_env.h"

using namespace vswitch;
using namespace vswitch::test;

namespace {

const MacAddress kPeerMac = MacAddress::from_u64(0x020000000002);
const MacAddress kOtherMac = MacAddress::from_u64(0x020000000001);

std::vector<Received> collect(PortBackend& port, PortCounters& counters, std::chrono::milliseconds period) {
  std::vector<Received> out;
  std::vector<Packet> batch(16);
  const auto deadline = std::chrono::steady_clock::now() + period;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{port.fd(), POLLIN, 0};
    if (::poll(&pfd, 1, 20) <= 0) continue;
    const std::size_t n = port.receive(batch, counters);
    for (std::size_t i = 0; i < n; ++i) {
      auto f = batch[i].frame();
      out.push_back(Received{{f.begin(), f.end()}, batch[i].vnet});
    }
  }
  return out;
}

std::uint16_t be16_at(const std::vector<std::uint8_t>& f, std::size_t off) { return load_be16(&f[off]); }

// A tagged IPv4/TCP frame whose TCP checksum is left to the receiver (as a guest's virtio NIC hands it
// over): [dst src 8100 tci 0800][IPv4 20][TCP 20][payload].
std::vector<std::uint8_t> tagged_tcp_frame(std::uint16_t tci, std::size_t payload) {
  std::vector<std::uint8_t> f;
  auto put16 = [&](std::uint16_t v) {
    f.push_back(static_cast<std::uint8_t>(v >> 8));
    f.push_back(static_cast<std::uint8_t>(v));
  };
  f.insert(f.end(), kOtherMac.bytes().begin(), kOtherMac.bytes().end());
  f.insert(f.end(), kPeerMac.bytes().begin(), kPeerMac.bytes().end());
  put16(0x8100);
  put16(tci);
  put16(0x0800);
  const std::size_t ip_start = f.size();
  put16(0x4500);
  put16(static_cast<std::uint16_t>(40 + payload));
  put16(0);
  put16(0x4000);  // DF
  put16(0x4006);  // TTL 64, TCP
  put16(0);       // header checksum, filled below
  for (std::uint8_t b : {10, 77, 3, 1, 10, 77, 3, 2}) f.push_back(b);
  std::uint32_t sum = 0;
  for (std::size_t i = ip_start; i < ip_start + 20; i += 2) sum += load_be16(&f[i]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  store_be16(&f[ip_start + 10], static_cast<std::uint16_t>(~sum));
  put16(40000);  // ports
  put16(5201);
  for (int i = 0; i < 8; ++i) f.push_back(0);  // seq, ack
  put16(0x5018);                               // data offset 5, PSH|ACK
  put16(0xffff);                               // window
  put16(0x1234);                               // checksum field: the receiver fills it in
  put16(0);
  for (std::size_t i = 0; i < payload; ++i) f.push_back(static_cast<std::uint8_t>(i));
  return f;
}

EgressFrame egress_with_tag(const std::vector<std::uint8_t>& f, VirtioNetHdr vnet) {
  EgressFrame e;
  e.vnet = vnet;
  std::memcpy(e.l2.data(), f.data(), 18);
  e.l2_len = 18;
  e.payload = std::span<const std::uint8_t>(f).subspan(18);
  return e;
}

bool promiscuous(const std::string& name) {
  return capture("ip -d link show dev " + name).find("promiscuity 1") != std::string::npos;
}

}  // namespace

TEST_CASE("system: opening errors", "[af_packet]") {
  auto code_of = [](const std::string& name) {
    try {
      AfPacketPort port(name);
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::InternalError;
  };
  CHECK(code_of(unique_name("nx")) == ErrorCode::NoSuchDevice);
  const std::string tun = unique_name("tun");
  must("ip tuntap add mode tun name " + tun);  // layer 3: no Ethernet header to switch
  CHECK(code_of(tun) == ErrorCode::Conflict);
  must("ip link del " + tun);
}

TEST_CASE("system: the netdev is up and promiscuous while the port is open, and released after",
          "[af_packet]") {
  VethPair veth;
  REQUIRE_FALSE(promiscuous(veth.a));
  {
    AfPacketPort port(veth.a);
    CHECK(port.type() == PortType::System);
    CHECK_FALSE(port.owns_netdev());
    CHECK(port.ifindex() == find_link(veth.a)->ifindex);
    CHECK(promiscuous(veth.a));
    CHECK(find_link(veth.a)->admin_up);
    {
      AfPacketPort second(veth.a);  // the kernel counts promiscuity per membership
      CHECK(capture("ip -d link show dev " + veth.a).find("promiscuity 2") != std::string::npos);
    }
    CHECK(promiscuous(veth.a));
  }
  CHECK(capture("ip -d link show dev " + veth.a).find("promiscuity 0") != std::string::npos);
  CHECK(link_exists(veth.a));  // never ours to delete
}

TEST_CASE("system: frames flow both ways; our own transmissions do not come back", "[af_packet]") {
  VethPair veth;
  Netns vm;
  must("ip link set " + veth.b + " netns " + vm.name());
  must(vm.exec("ip addr add 10.77.2.1/24 dev " + veth.b));
  must(vm.exec("ip link set " + veth.b + " up"));
  AfPacketPort port(veth.a);
  PortCounters counters;
  collect(port, counters, std::chrono::milliseconds(200));  // whatever the VM said when it came up

  const auto request =
      arp_frame(1, kBroadcastMac, kPeerMac, kPeerMac, "10.77.2.2", MacAddress(), "10.77.2.1");
  const EgressFrame out = egress_of(request);
  port.send(std::span(&out, 1), counters);
  CHECK(counters.tx_frames == 1);

  const auto got = collect(port, counters, std::chrono::milliseconds(1000));
  bool reply = false, echo = false;
  for (const auto& f : got) {
    const MacAddress src = MacAddress::from_bytes(std::span(f.bytes).subspan(6, 6));
    if (src == kPeerMac) echo = true;
    if (be16_at(f.bytes, 12) == 0x0806 && be16_at(f.bytes, 20) == 2 &&
        MacAddress::from_bytes(std::span(f.bytes).subspan(0, 6)) == kPeerMac)
      reply = true;
  }
  CHECK(reply);
  CHECK_FALSE(echo);
  CHECK(counters.rx_frames >= 1);
  CHECK(capture(vm.exec("ip neigh show 10.77.2.2")).find(kPeerMac.to_string()) != std::string::npos);
}

TEST_CASE("system: VLAN tags the kernel stripped are put back into the frame", "[af_packet]") {
  VethPair veth;
  Netns vm;
  must("ip link set " + veth.b + " netns " + vm.name());
  must(vm.exec("ip link set " + veth.b + " up"));
  AfPacketPort port(veth.a);
  PortCounters counters;
  collect(port, counters, std::chrono::milliseconds(200));

  // scapy in the "VM" sends an 802.1Q frame (PCP 5, VID 42) and an 802.1ad + 802.1Q (QinQ) frame.
  must(
      vm.exec("/usr/bin/python3 -c \"from scapy.all import *; import logging; "
              "sendp([Ether(src='02:00:00:00:00:05', dst='02:00:00:00:00:06')/Dot1Q(prio=5, vlan=42)/"
              "IP(src='10.77.4.1', dst='10.77.4.2')/UDP(sport=1, dport=2)/Raw(b'x'*20), "
              "Ether(src='02:00:00:00:00:05', dst='02:00:00:00:00:06', type=0x88a8)/Dot1AD(vlan=100)/"
              "Dot1Q(vlan=7)/IP(src='10.77.4.1', dst='10.77.4.2')/UDP(sport=1, dport=2)], "
              "iface='" +
              veth.b + "', verbose=False)\""));
  const auto got = collect(port, counters, std::chrono::milliseconds(1000));
  const std::vector<std::uint8_t>* single = nullptr;
  const std::vector<std::uint8_t>* qinq = nullptr;
  for (const auto& f : got) {
    if (MacAddress::from_bytes(std::span(f.bytes).subspan(6, 6)) != MacAddress::from_u64(0x020000000005))
      continue;
    if (be16_at(f.bytes, 12) == 0x8100) single = &f.bytes;
    if (be16_at(f.bytes, 12) == 0x88a8) qinq = &f.bytes;
  }
  REQUIRE(single != nullptr);
  CHECK(be16_at(*single, 14) == (5 << 13 | 42));
  CHECK(be16_at(*single, 16) == 0x0800);
  CHECK(single->size() == 18 + 20 + 8 + 20);
  REQUIRE(qinq != nullptr);
  CHECK(be16_at(*qinq, 14) == 100);
  CHECK(be16_at(*qinq, 16) == 0x8100);  // the inner tag stayed in the frame
  CHECK(be16_at(*qinq, 18) == 7);
  CHECK(be16_at(*qinq, 20) == 0x0800);
}

TEST_CASE("system: offload offsets of a re-tagged frame still point at the same bytes", "[af_packet]") {
  // One port sends a tagged TCP frame with its checksum left to do (and, second, a GSO super-frame)
  // into a veth; the port on the peer end gets it back with the tag re-inserted from auxdata. The
  // kernel reports csum_start relative to the untagged frame: after insert_tag it must be 18 + 20.
  VethPair veth;
  AfPacketPort tx(veth.a);
  AfPacketPort rx(veth.b);
  PortCounters tx_counters, rx_counters;
  wait_running(veth.a);
  collect(rx, rx_counters, std::chrono::milliseconds(100));
  const std::uint16_t tci = 3 << 13 | 42;

  SECTION("checksum partial") {
    const auto frame = tagged_tcp_frame(tci, 100);
    VirtioNetHdr vnet;
    vnet.flags = VirtioNetHdr::kFlagNeedsCsum;
    vnet.csum_start = 18 + 20;
    vnet.csum_offset = 16;
    const EgressFrame out = egress_with_tag(frame, vnet);
    tx.send(std::span(&out, 1), tx_counters);
    REQUIRE(tx_counters.tx_frames == 1);
    auto got = wait_for_frame(rx, rx_counters, [](const Packet& p) {
      return p.size() > 18 && load_be16(&p.frame()[12]) == 0x8100;
    });
    REQUIRE(got);
    CHECK(got->bytes == frame);
    CHECK(got->vnet.needs_csum());
    CHECK(got->vnet.csum_start == 18 + 20);
    CHECK(got->vnet.csum_offset == 16);
    CHECK_FALSE(got->vnet.is_gso());
  }
  SECTION("GSO super-frame") {
    const auto frame = tagged_tcp_frame(tci, 3000);
    VirtioNetHdr vnet;
    vnet.flags = VirtioNetHdr::kFlagNeedsCsum;
    vnet.gso_type = VirtioNetHdr::kGsoTcpV4;
    vnet.gso_size = 1000;
    vnet.hdr_len = 18 + 20 + 20;
    vnet.csum_start = 18 + 20;
    vnet.csum_offset = 16;
    const EgressFrame out = egress_with_tag(frame, vnet);
    tx.send(std::span(&out, 1), tx_counters);
    REQUIRE(tx_counters.tx_frames == 1);
    auto got = wait_for_frame(rx, rx_counters, [](const Packet& p) {
      return p.size() > 18 && load_be16(&p.frame()[12]) == 0x8100;
    });
    REQUIRE(got);
    CHECK(got->bytes == frame);  // one super-frame, not three segments
    CHECK(got->vnet.gso_type == VirtioNetHdr::kGsoTcpV4);
    CHECK(got->vnet.gso_size == 1000);
    CHECK(got->vnet.csum_start == 18 + 20);
    CHECK(got->vnet.csum_offset == 16);
    CHECK(got->vnet.hdr_len == 18 + 20 + 20);
  }
  // The sender never reads its own frame back.
  for (const auto& f : collect(tx, tx_counters, std::chrono::milliseconds(100)))
    CHECK(MacAddress::from_bytes(std::span(f.bytes).subspan(6, 6)) != kPeerMac);
}

TEST_CASE("system: an oversized frame is a tx_error of its own; the rest of the batch goes out",
          "[af_packet]") {
  VethPair veth;
  AfPacketPort tx(veth.a);
  AfPacketPort rx(veth.b);
  PortCounters tx_counters, rx_counters;
  wait_running(veth.a);
  collect(rx, rx_counters, std::chrono::milliseconds(100));
  const auto small = arp_frame(1, kBroadcastMac, kPeerMac, kPeerMac, "10.77.2.2", MacAddress(), "10.77.2.1");
  std::vector<std::uint8_t> big = small;
  big.resize(1514 + 100);  // over the 1500 MTU, and not GSO
  const EgressFrame out[3] = {egress_of(small), egress_of(big), egress_of(small)};
  tx.send(out, tx_counters);
  CHECK(tx_counters.tx_frames == 2);
  CHECK(tx_counters.tx_bytes == 2 * small.size());
  CHECK(tx_counters.dropped(DropReason::tx_error) == 1);
  std::size_t arrived = 0;
  for (const auto& f : collect(rx, rx_counters, std::chrono::milliseconds(300)))
    arrived += MacAddress::from_bytes(std::span(f.bytes).subspan(6, 6)) == kPeerMac ? 1 : 0;
  CHECK(arrived == 2);
}

TEST_CASE("system: a netdev that is down counts port_down and comes back", "[af_packet]") {
  VethPair veth;
  AfPacketPort tx(veth.a);
  AfPacketPort rx(veth.b);
  PortCounters counters, rx_counters;
  const auto frame = arp_frame(1, kBroadcastMac, kPeerMac, kPeerMac, "10.77.2.2", MacAddress(), "10.77.2.1");
  const EgressFrame out[2] = {egress_of(frame), egress_of(frame)};
  must("ip link set " + veth.a + " down");
  tx.send(out, counters);
  CHECK(counters.dropped(DropReason::port_down) == 2);
  std::vector<Packet> batch(4);
  tx.receive(batch, counters);  // picks up the ENETDOWN the kernel queued for us
  CHECK(tx.alive());
  must("ip link set " + veth.a + " up");
  wait_running(veth.a);
  collect(rx, rx_counters, std::chrono::milliseconds(100));
  tx.send(out, counters);
  CHECK(counters.tx_frames == 2);
  std::size_t arrived = 0;
  for (const auto& f : collect(rx, rx_counters, std::chrono::milliseconds(300)))
    arrived += MacAddress::from_bytes(std::span(f.bytes).subspan(6, 6)) == kPeerMac ? 1 : 0;
  CHECK(arrived == 2);
}

TEST_CASE("system: the port dies cleanly when its netdev is deleted", "[af_packet]") {
  auto veth = std::make_unique<VethPair>();
  auto port = std::make_unique<AfPacketPort>(veth->a);
  PortCounters counters;
  Netns elsewhere;
  SECTION("deleted") { veth.reset(); }  // ip link del
  SECTION("moved to another namespace") { must("ip link set " + veth->a + " netns " + elsewhere.name()); }

  pollfd pfd{port->fd(), POLLIN, 0};
  REQUIRE(::poll(&pfd, 1, 2000) == 1);  // the socket error wakes the poller
  std::vector<Packet> batch(4);
  for (int i = 0; i < 10 && port->alive(); ++i) port->receive(batch, counters);
  CHECK_FALSE(port->alive());
  CHECK(port->receive(batch, counters) == 0);
  const auto frame = arp_frame(1, kBroadcastMac, kPeerMac, kPeerMac, "10.77.2.2", MacAddress(), "10.77.2.1");
  const EgressFrame out = egress_of(frame);
  port->send(std::span(&out, 1), counters);
  CHECK(counters.dropped(DropReason::port_down) == 1);
  port.reset();
}

TEST_CASE("system: a port whose netdev is deleted dies on send too", "[af_packet]") {
  auto veth = std::make_unique<VethPair>();
  AfPacketPort port(veth->a);
  PortCounters counters;
  veth.reset();
  const auto frame = arp_frame(1, kBroadcastMac, kPeerMac, kPeerMac, "10.77.2.2", MacAddress(), "10.77.2.1");
  const EgressFrame out[3] = {egress_of(frame), egress_of(frame), egress_of(frame)};
  port.send(out, counters);  // ENXIO: the socket is unbound
  CHECK(counters.dropped(DropReason::port_down) == 3);
  CHECK_FALSE(port.alive());
}
