#include "switchd/core/bridge.h"

#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "frame_builder.h"
#include "switchd/core/egress.h"

using namespace vswitch;
using namespace vswitch::test;
using namespace std::chrono_literals;

namespace {

// Drives one Bridge frame by frame and collects what each port would send, as wire bytes.
struct Harness {
  Bridge br{BridgeSettings{}, 1234};
  TxPlan plan;
  Timestamp now = Timestamp{} + 5000s;

  PortId add(VlanConfig v = {}, PortOptions o = {}, std::uint32_t mtu = 0) {
    return br.add_port(CorePortSettings{v, o, true, mtu});
  }

  // Sends frames in on `in` as one batch; returns egress port -> frames as they would leave.
  std::map<PortId, std::vector<std::vector<std::uint8_t>>> send(PortId in, std::vector<Packet> batch) {
    plan.reset();
    br.process(in, batch, now, plan);
    std::map<PortId, std::vector<std::vector<std::uint8_t>>> out;
    for (PortId p : plan.ports()) {
      for (const TxItem& item : plan.items(p)) {
        EgressFrame e = compose_egress(batch[item.index], item);
        std::vector<std::uint8_t> bytes(e.l2.begin(), e.l2.begin() + e.l2_len);
        bytes.insert(bytes.end(), e.payload.begin(), e.payload.end());
        out[p].push_back(std::move(bytes));
      }
    }
    return out;
  }
  std::map<PortId, std::vector<std::vector<std::uint8_t>>> send(PortId in, const FrameBuilder& f) {
    std::vector<Packet> batch;
    batch.push_back(f.packet());
    return send(in, std::move(batch));
  }
  static std::set<PortId> ports_of(const std::map<PortId, std::vector<std::vector<std::uint8_t>>>& m) {
    std::set<PortId> s;
    for (auto& [p, frames] : m) s.insert(p);
    return s;
  }
  std::set<PortId> reach(PortId in, const FrameBuilder& f) { return ports_of(send(in, f)); }
  std::uint64_t drops(PortId p, DropReason r) const { return br.counters(p).dropped(r); }
};

const MacAddress A = mac(0x02000000000a), B = mac(0x02000000000b), C = mac(0x02000000000c);

}  // namespace

TEST_CASE("unknown unicast floods, then learned unicast goes to one port", "[bridge]") {
  Harness h;
  auto p0 = h.add(), p1 = h.add(), p2 = h.add();
  CHECK(h.reach(p0, FrameBuilder(B, A)) == std::set<PortId>{p1, p2});
  CHECK(h.br.fdb().lookup(0, A, h.now) == p0);
  CHECK(h.reach(p1, FrameBuilder(A, B)) == std::set<PortId>{p0});
  CHECK(h.reach(p0, FrameBuilder(B, A)) == std::set<PortId>{p1});
  CHECK(h.br.counters(p0).rx_frames == 2);
}

TEST_CASE("broadcast and multicast flood to every other member port", "[bridge]") {
  Harness h;
  auto p0 = h.add(), p1 = h.add(), p2 = h.add();
  h.send(p1, FrameBuilder(A, B));  // learn nothing useful for broadcast
  CHECK(h.reach(p0, FrameBuilder(kBroadcastMac, A)) == std::set<PortId>{p1, p2});
  CHECK(h.reach(p0, FrameBuilder(mac(0x01005e000001), A)) == std::set<PortId>{p1, p2});
}

TEST_CASE("a learned MAC moves with its host", "[bridge]") {
  Harness h;
  auto p0 = h.add(), p1 = h.add(), p2 = h.add();
  h.send(p0, FrameBuilder(kBroadcastMac, A));
  h.send(p1, FrameBuilder(kBroadcastMac, A));
  CHECK(h.br.fdb().stats().moved == 1);
  CHECK(h.reach(p2, FrameBuilder(A, C)) == std::set<PortId>{p1});
}

TEST_CASE("entries age out and the destination floods again", "[bridge]") {
  Harness h;
  auto p0 = h.add(), p1 = h.add(), p2 = h.add();
  h.send(p0, FrameBuilder(kBroadcastMac, A));
  CHECK(h.reach(p1, FrameBuilder(A, B)) == std::set<PortId>{p0});
  h.now += 301s;
  CHECK(h.reach(p1, FrameBuilder(A, B)) == std::set<PortId>{p0, p2});
  CHECK(h.br.expire(h.now) >= 1);
}

TEST_CASE("never learn or forward multicast, broadcast or zero source addresses", "[bridge]") {
  Harness h;
  auto p0 = h.add(), p1 = h.add();
  for (auto src : {kBroadcastMac, mac(0x01005e000001), MacAddress{}}) {
    CHECK(h.reach(p0, FrameBuilder(B, src)).empty());
  }
  CHECK(h.drops(p0, DropReason::bad_src_mac) == 3);
  CHECK(h.br.fdb().size() == 0);
  (void)p1;
}

TEST_CASE("IEEE link-local group addresses are never forwarded", "[bridge]") {
  Harness h;
  auto p0 = h.add();
  h.add();
  for (std::uint64_t d : {0x0180c2000000ULL, 0x0180c2000002ULL, 0x0180c200000eULL})
    CHECK(h.reach(p0, FrameBuilder(mac(d), A)).empty());
  CHECK(h.drops(p0, DropReason::link_local) == 3);
  CHECK_FALSE(h.reach(p0, FrameBuilder(mac(0x0180c2000010ULL), A)).empty());
}

TEST_CASE("runts and bad tags are counted and dropped", "[bridge]") {
  Harness h;
  auto p0 = h.add();
  h.add();
  std::vector<Packet> batch;
  Packet runt(64);
  const std::uint8_t bytes[10] = {};
  runt.assign(bytes);
  batch.push_back(std::move(runt));
  auto trunc = FrameBuilder(B, A).tag(10).payload(0).bytes();
  trunc.resize(16);
  Packet t(64);
  t.assign(trunc);
  batch.push_back(std::move(t));
  batch.push_back(FrameBuilder(B, A).tag(4095).packet());
  CHECK(h.send(p0, std::move(batch)).empty());
  CHECK(h.drops(p0, DropReason::runt) == 1);
  CHECK(h.drops(p0, DropReason::truncated_tag) == 1);
  CHECK(h.drops(p0, DropReason::bad_vlan) == 1);
  CHECK(h.br.counters(p0).rx_frames == 3);
  CHECK(h.br.counters(p0).rx_dropped() == 3);
}

TEST_CASE("oversize frames are dropped at ingress", "[bridge]") {
  Harness h;
  auto p0 = h.add();
  h.add();
  h.br.set_max_frame_len(1518);
  CHECK(h.reach(p0, FrameBuilder(B, A).payload(1505)).empty());
  CHECK(h.drops(p0, DropReason::oversize) == 1);
  CHECK_FALSE(h.reach(p0, FrameBuilder(B, A).payload(1504)).empty());
}

TEST_CASE("access ports in different VLANs never exchange frames", "[bridge][vlan]") {
  Harness h;
  auto a10 = h.add(VlanConfig::access(10)), b10 = h.add(VlanConfig::access(10));
  auto a20 = h.add(VlanConfig::access(20));
  auto trunk = h.add(VlanConfig::trunk(*VlanSet::parse("10,20")));
  auto out = h.send(a10, FrameBuilder(kBroadcastMac, A));
  CHECK(Harness::ports_of(out) == std::set<PortId>{b10, trunk});
  // Untagged out of the access port, tagged 10 out of the trunk.
  auto at_b10 = parse_frame(out[b10][0], 2000).info;
  CHECK_FALSE(at_b10.tagged);
  auto at_trunk = parse_frame(out[trunk][0], 2000).info;
  CHECK(at_trunk.tagged);
  CHECK(at_trunk.tci.vid() == 10);
  CHECK(h.reach(a20, FrameBuilder(kBroadcastMac, B)) == std::set<PortId>{trunk});
  // A known MAC in VLAN 10 is unknown in VLAN 20: independent learning.
  CHECK(h.reach(a20, FrameBuilder(A, B)) == std::set<PortId>{trunk});
}

TEST_CASE("trunk ingress: tag popped towards access ports, kept towards trunks", "[bridge][vlan]") {
  Harness h;
  auto a10 = h.add(VlanConfig::access(10));
  auto t1 = h.add(VlanConfig::trunk({}));
  auto t2 = h.add(VlanConfig::trunk(*VlanSet::parse("10")));
  auto native = h.add(VlanConfig::native_untagged(10, *VlanSet::parse("20")));
  auto out = h.send(t1, FrameBuilder(kBroadcastMac, A).tag(10, 6));
  CHECK(Harness::ports_of(out) == std::set<PortId>{a10, t2, native});
  CHECK_FALSE(parse_frame(out[a10][0], 2000).info.tagged);
  CHECK(out[a10][0].size() == FrameBuilder(kBroadcastMac, A).bytes().size());
  auto kept = parse_frame(out[t2][0], 2000).info;
  CHECK(kept.tci.vid() == 10);
  CHECK(kept.tci.pcp() == 6);                                  // priority kept
  CHECK_FALSE(parse_frame(out[native][0], 2000).info.tagged);  // native VLAN leaves untagged
  // VLAN 20 reaches only the native port (tagged); VLAN 30 nobody.
  out = h.send(t1, FrameBuilder(kBroadcastMac, A).tag(20));
  CHECK(Harness::ports_of(out) == std::set<PortId>{native});
  CHECK(parse_frame(out[native][0], 2000).info.tci.vid() == 20);
  CHECK(h.reach(t1, FrameBuilder(kBroadcastMac, A).tag(30)).empty());
  CHECK(h.drops(t1, DropReason::no_destination) == 1);
}

TEST_CASE("ingress VLAN filtering counts its drops", "[bridge][vlan]") {
  Harness h;
  auto acc = h.add(VlanConfig::access(10));
  auto tr = h.add(VlanConfig::trunk(*VlanSet::parse("10")));
  CHECK(h.reach(acc, FrameBuilder(kBroadcastMac, A).tag(10)).empty());
  CHECK(h.drops(acc, DropReason::tagged_on_access) == 1);
  CHECK(h.reach(tr, FrameBuilder(kBroadcastMac, A)).empty());
  CHECK(h.drops(tr, DropReason::untagged_on_trunk) == 1);
  CHECK(h.reach(tr, FrameBuilder(kBroadcastMac, A).tag(11)).empty());
  CHECK(h.drops(tr, DropReason::vlan_not_allowed) == 1);
}

TEST_CASE("an 802.1ad outer tag is the VLAN and keeps its TPID when forwarded tagged", "[bridge][vlan]") {
  Harness h;
  auto t1 = h.add(), t2 = h.add();
  auto out = h.send(t1, FrameBuilder(kBroadcastMac, A).tag(100, 0, kEthTypeQinQ).tag(7));
  REQUIRE(out[t2].size() == 1);
  auto f = parse_frame(out[t2][0], 2000).info;
  CHECK(f.tpid == kEthTypeQinQ);
  CHECK(f.tci.vid() == 100);
  CHECK(f.ethertype == kEthTypeVlan);
}

TEST_CASE("hairpin sends a frame back out its ingress port only when enabled", "[bridge]") {
  Harness h;
  PortOptions hp;
  hp.hairpin = true;
  auto p0 = h.add(), p1 = h.add({}, hp);
  h.send(p0, FrameBuilder(kBroadcastMac, A));
  h.send(p1, FrameBuilder(kBroadcastMac, B));
  // A and B both behind... A on p0. A frame from p0 to A: same port, dropped.
  CHECK(h.reach(p0, FrameBuilder(A, C)).empty());
  CHECK(h.drops(p0, DropReason::same_port) == 1);
  // On the hairpin port it goes back, and floods include the ingress port.
  CHECK(h.reach(p1, FrameBuilder(B, mac(0x020000000099))) == std::set<PortId>{p1});
  CHECK(h.reach(p1, FrameBuilder(kBroadcastMac, B)) == std::set<PortId>{p0, p1});
}

TEST_CASE("isolated ports talk only to non-isolated ports", "[bridge]") {
  Harness h;
  PortOptions iso;
  iso.isolated = true;
  auto i1 = h.add({}, iso), i2 = h.add({}, iso), up = h.add();
  CHECK(h.reach(i1, FrameBuilder(kBroadcastMac, A)) == std::set<PortId>{up});
  CHECK(h.reach(up, FrameBuilder(kBroadcastMac, C)) == std::set<PortId>{i1, i2});
  h.send(i2, FrameBuilder(kBroadcastMac, B));
  CHECK(h.reach(i1, FrameBuilder(B, A)).empty());
  CHECK(h.drops(i1, DropReason::isolated) == 1);
  CHECK(h.reach(up, FrameBuilder(B, C)) == std::set<PortId>{i2});
}

TEST_CASE("per-port flood and learning flags", "[bridge]") {
  Harness h;
  PortOptions no_flood, no_mcast, no_learn;
  no_flood.flood = false;
  no_mcast.mcast_flood = false;
  no_learn.learning = false;
  auto p0 = h.add(), nf = h.add({}, no_flood), nm = h.add({}, no_mcast), nl = h.add({}, no_learn);
  CHECK(h.reach(p0, FrameBuilder(B, A)) == std::set<PortId>{nm, nl});              // unknown unicast
  CHECK(h.reach(p0, FrameBuilder(kBroadcastMac, A)) == std::set<PortId>{nf, nl});  // broadcast
  CHECK(h.reach(p0, FrameBuilder(mac(0x333300000001), A)) == std::set<PortId>{nf, nl});
  h.send(nl, FrameBuilder(kBroadcastMac, C));
  CHECK(h.br.fdb().lookup(0, C, h.now) == kNoPort);
  // Known unicast reaches a port even when it does not take floods.
  h.send(nf, FrameBuilder(kBroadcastMac, B));
  CHECK(h.reach(p0, FrameBuilder(B, A)) == std::set<PortId>{nf});
}

TEST_CASE("down ports get no floods and known unicast to them is dropped", "[bridge]") {
  Harness h;
  auto p0 = h.add(), p1 = h.add(), p2 = h.add();
  h.send(p1, FrameBuilder(kBroadcastMac, B));
  h.br.update_port(p2, CorePortSettings{{}, {}, false, 0});
  CHECK(h.reach(p0, FrameBuilder(kBroadcastMac, A)) == std::set<PortId>{p1});
  h.send(p2, FrameBuilder(kBroadcastMac, C));  // a down port's frames are still processed if read
  h.br.update_port(p1, CorePortSettings{{}, {}, false, 0});
  CHECK(h.br.fdb().lookup(0, B, h.now) == kNoPort);  // going down forgets what was behind it
}

TEST_CASE("frames above the egress MTU are dropped and counted on that port", "[bridge]") {
  Harness h;
  auto p0 = h.add(), small = h.add({}, {}, 1000), big = h.add({}, {}, 1500);
  CHECK(h.reach(p0, FrameBuilder(kBroadcastMac, A).payload(1000)) == std::set<PortId>{small, big});
  CHECK(h.reach(p0, FrameBuilder(kBroadcastMac, A).payload(1001)) == std::set<PortId>{big});
  CHECK(h.drops(small, DropReason::mtu_exceeded) == 1);
  CHECK(h.br.counters(small).tx_dropped() == 1);
  // A tag pushed on egress is allowed for by the MTU check.
  auto trunk = h.add(VlanConfig::trunk({}), {}, 1000);
  auto acc = h.add(VlanConfig::access(5));
  CHECK(h.reach(acc, FrameBuilder(kBroadcastMac, B).payload(1000)).count(trunk) == 1);
}

TEST_CASE("GSO frames are checked by segment size, not total size", "[bridge]") {
  Harness h;
  auto p0 = h.add(), p1 = h.add({}, {}, 1500);
  Packet p(70000);
  p.assign(FrameBuilder(kBroadcastMac, A).payload(60000).bytes());
  p.vnet.gso_type = VirtioNetHdr::kGsoTcpV4;
  p.vnet.hdr_len = 66;
  p.vnet.gso_size = 1448;
  p.vnet.flags = VirtioNetHdr::kFlagNeedsCsum;
  std::vector<Packet> batch;
  batch.push_back(std::move(p));
  CHECK(Harness::ports_of(h.send(p0, std::move(batch))) == std::set<PortId>{p1});
}

TEST_CASE("tag push and pop move the virtio-net header offsets", "[bridge][offload]") {
  Harness h;
  auto acc = h.add(VlanConfig::access(10)), trunk = h.add(VlanConfig::trunk({}));
  Packet p(4096);
  p.assign(FrameBuilder(kBroadcastMac, A).payload(200).bytes());
  p.vnet.flags = VirtioNetHdr::kFlagNeedsCsum;
  p.vnet.csum_start = 34;
  p.vnet.csum_offset = 16;
  p.vnet.gso_type = VirtioNetHdr::kGsoTcpV4;
  p.vnet.hdr_len = 66;
  p.vnet.gso_size = 100;
  std::vector<Packet> batch;
  batch.push_back(std::move(p));
  h.plan.reset();
  h.br.process(acc, batch, h.now, h.plan);
  REQUIRE(h.plan.items(trunk).size() == 1);
  EgressFrame pushed = compose_egress(batch[0], h.plan.items(trunk)[0]);
  CHECK(pushed.l2_len == 18);
  CHECK(pushed.vnet.csum_start == 38);
  CHECK(pushed.vnet.hdr_len == 70);
  CHECK(pushed.vnet.csum_offset == 16);
  CHECK(pushed.vnet.gso_size == 100);

  // And back: from the trunk (tagged) to the access port (untagged).
  Packet q(4096);
  q.assign(FrameBuilder(kBroadcastMac, B).tag(10).payload(200).bytes());
  q.vnet.flags = VirtioNetHdr::kFlagNeedsCsum;
  q.vnet.csum_start = 38;
  q.vnet.csum_offset = 6;
  std::vector<Packet> b2;
  b2.push_back(std::move(q));
  h.plan.reset();
  h.br.process(trunk, b2, h.now, h.plan);
  REQUIRE(h.plan.items(acc).size() == 1);
  EgressFrame popped = compose_egress(b2[0], h.plan.items(acc)[0]);
  CHECK(popped.l2_len == 14);
  CHECK(popped.vnet.csum_start == 34);
  CHECK(popped.vnet.csum_offset == 6);
}

TEST_CASE("a batch keeps frame positions and decides each frame", "[bridge]") {
  Harness h;
  auto p0 = h.add(), p1 = h.add(), p2 = h.add();
  h.send(p1, FrameBuilder(kBroadcastMac, B));
  h.send(p2, FrameBuilder(kBroadcastMac, C));
  std::vector<Packet> batch;
  batch.push_back(FrameBuilder(B, A).packet());
  batch.push_back(FrameBuilder(C, A).packet());
  batch.push_back(FrameBuilder(B, A).tag(4095).packet());
  batch.push_back(FrameBuilder(B, A).packet());
  h.plan.reset();
  h.br.process(p0, batch, h.now, h.plan);
  REQUIRE(h.plan.items(p1).size() == 2);
  CHECK(h.plan.items(p1)[0].index == 0);
  CHECK(h.plan.items(p1)[1].index == 3);
  REQUIRE(h.plan.items(p2).size() == 1);
  CHECK(h.plan.items(p2)[0].index == 1);
  CHECK(h.plan.total() == 3);
}

TEST_CASE("a full FDB floods new addresses and keeps old ones", "[bridge][fdb]") {
  Harness h;
  h.br.apply(BridgeSettings{300, 2});
  auto p0 = h.add(), p1 = h.add(), p2 = h.add();
  h.send(p0, FrameBuilder(kBroadcastMac, A));
  h.send(p1, FrameBuilder(kBroadcastMac, B));
  h.send(p2, FrameBuilder(kBroadcastMac, C));  // not learned: full
  CHECK(h.br.fdb().stats().overflow == 1);
  CHECK(h.reach(p0, FrameBuilder(B, A)) == std::set<PortId>{p1});
  CHECK(h.reach(p0, FrameBuilder(C, A)) == std::set<PortId>{p1, p2});
}

TEST_CASE("removing a port forgets its entries and frees its slot", "[bridge]") {
  Harness h;
  auto p0 = h.add(), p1 = h.add();
  h.send(p1, FrameBuilder(kBroadcastMac, B));
  h.br.fdb().add_static(0, C, p1);
  h.br.remove_port(p1);
  CHECK(h.br.fdb().size() == 0);
  CHECK_FALSE(h.br.has_port(p1));
  CHECK(h.reach(p0, FrameBuilder(B, A)).empty());
  CHECK(h.add() == p1);
}

TEST_CASE("changing a port's VLANs forgets what it learned", "[bridge][vlan]") {
  Harness h;
  auto p0 = h.add(VlanConfig::access(10)), p1 = h.add(VlanConfig::access(10));
  h.send(p1, FrameBuilder(kBroadcastMac, B));
  h.br.update_port(p1, CorePortSettings{VlanConfig::access(20), {}, true, 0});
  CHECK(h.reach(p0, FrameBuilder(B, A)).empty());
  CHECK(h.drops(p0, DropReason::no_destination) == 1);
}
