// libFuzzer target for the frame path: parse, classify, learn and decide (Bridge::process) over a
// small bridge whose ports cover every VLAN mode and port flag, then compose every planned egress
// frame (compose_egress) and check what must hold whatever a tenant sends:
//   - every planned item names a frame of the batch and a port that is up, in use and a member of
//     the frame's VLAN; a frame never goes back out its ingress port unless that port is hairpin;
//     isolated ports never talk to each other;
//   - the composed frame is the original minus the old L2 header plus the new one, its payload lies
//     inside the received frame (every byte is read, so ASan sees any read past the end), its tag
//     carries the classified VLAN, and it fits the egress port's MTU;
//   - a checksum offload request that was inside the frame stays inside it;
//   - the FDB never exceeds its limit, nor a port its own limit; counters add up.
//
// Input format (so that the fuzzer can mutate structure and bytes independently):
//   byte 0          bridge variant: FDB limit (bits 0-2), largest accepted frame (bits 3-4)
//   then records:   ctrl, len_hi, len_lo, [10-byte virtio-net header if ctrl bit 3],
//                   [auxdata tag if ctrl bit 4: TPID selector (bit 0: 802.1ad), 2-byte TCI], frame bytes
//     ctrl bits 0-2 ingress port; bit 5 ends the batch after this frame; bits 6-7 advance the
//     clock (0, 1 ms, 1 s, 400 s: past the ageing time) before the frame.
//   A batch also ends when the ingress port changes or it holds kBurst frames (the datapath's burst).
//   Each frame then goes through what the port backends do on receive: re-insert the auxdata tag
//   (Packet::insert_tag) and make the GSO header length exact (fix_gso_header_length), which reads
//   the guest's TCP header at the offset the guest chose.
//   Every 7th batch reconfigures one port (update_port: VLAN or link changes flush its entries), and
//   every 11th removes and re-adds one, as the control plane does while traffic flows.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <span>
#include <vector>

#include "switchd/core/bridge.h"
#include "switchd/core/egress.h"
#include "switchd/ports/gso_header.h"

// Where the bytes read from each egress frame go, so the compiler cannot skip the reads.
volatile unsigned fuzz_sink = 0;

namespace {

using namespace vswitch;

constexpr std::size_t kBurst = 32;
constexpr std::size_t kPorts = 8;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "frame_fuzzer: invariant violated: %s\n", what);
    std::abort();
  }
}

VlanSet vlans(std::initializer_list<VlanId> ids) {
  VlanSet s;
  for (VlanId v : ids) s.insert(v);
  return s;
}

// The port line-up: every VLAN mode, and the flags that change the forwarding decision.
std::array<CorePortSettings, kPorts> base_ports() {
  std::array<CorePortSettings, kPorts> p{};
  p[0] = {VlanConfig{}, {}, true, 0};               // default, no MTU known
  p[1] = {VlanConfig::access(10), {}, true, 1500};  // access
  p[1].options.mac_limit = 4;
  p[2] = {VlanConfig::trunk(vlans({10, 20})), {}, true, 1500};  // trunk 10,20
  p[3] = {VlanConfig::native_tagged(20, vlans({10, 20, 30})), {}, true, 9000};
  p[3].options.hairpin = true;
  p[4] = {VlanConfig::native_untagged(30, {}), {}, true, 1500};  // trunk of all, native 30
  p[4].options.isolated = true;
  p[4].options.flood = false;
  p[5] = {VlanConfig::access(10), {}, true, 576};  // small MTU
  p[5].options.isolated = true;
  p[5].options.mcast_flood = false;
  p[5].options.learning = false;
  p[6] = {VlanConfig::trunk({}), {}, false, 1500};  // link down
  p[7] = {VlanConfig::access(20), {}, true, 68};    // tiny MTU
  return p;
}

// A different setting for the same port, applied while traffic flows.
CorePortSettings variant(const CorePortSettings& s, unsigned k) {
  CorePortSettings v = s;
  switch (k % 4) {
    case 0: v.up = !s.up; break;
    case 1: v.vlan = VlanConfig::access(static_cast<VlanId>(10 + 10 * (k % 3))); break;
    case 2: v.options.hairpin = !s.options.hairpin; break;
    case 3: v.mtu = s.mtu == 0 ? 1500 : 0; break;
  }
  return v;
}

struct Harness {
  std::array<CorePortSettings, kPorts> settings = base_ports();
  std::array<PortId, kPorts> ids{};
  Bridge bridge;
  std::vector<Packet>& pool;  // the batch's frames, allocated once for all inputs
  TxPlan plan;
  std::uint64_t fed = 0;  // frames handed to process()
  unsigned batches = 0;
  Timestamp now{std::chrono::hours(1)};

  Harness(const BridgeSettings& bs, std::vector<Packet>& frames) : bridge(bs, 0x5eed), pool(frames) {
    for (std::size_t i = 0; i < kPorts; ++i) ids[i] = bridge.add_port(settings[i]);
  }

  std::size_t port_index(PortId id) const {
    for (std::size_t i = 0; i < kPorts; ++i)
      if (ids[i] == id) return i;
    check(false, "plan names a port the bridge does not have");
    return 0;
  }

  void flush(std::size_t in, std::size_t used) {
    if (used == 0) return;
    plan.reset();
    const std::span<Packet> frames(pool.data(), used);
    bridge.process(ids[in], frames, now, plan);
    fed += used;
    verify(in, frames);
    ++batches;
    if (batches % 7 == 0) {
      const std::size_t p = batches % kPorts;
      settings[p] = variant(settings[p], batches / 7);
      bridge.update_port(ids[p], settings[p]);
    }
    if (batches % 11 == 0) {
      const std::size_t p = (batches / 11) % kPorts;
      bridge.remove_port(ids[p]);
      ids[p] = bridge.add_port(settings[p]);
    }
    if (batches % 5 == 0) bridge.expire(now);
  }

  void verify(std::size_t in, std::span<Packet> frames) {
    const CorePortSettings& is = settings[in];
    std::size_t planned = 0;
    for (PortId out_id : plan.ports()) {
      const std::size_t out = port_index(out_id);
      const CorePortSettings& os = settings[out];
      check(bridge.has_port(out_id), "egress port not in use");
      check(os.up, "frame planned to a port that is down");
      check(out != in || is.options.hairpin, "frame sent back out its ingress port without hairpin");
      check(!(is.options.isolated && os.options.isolated), "isolated ports exchanged a frame");
      for (const TxItem& item : plan.items(out_id)) {
        ++planned;
        check(item.index < frames.size(), "TxItem index outside the batch");
        const Packet& pkt = frames[item.index];
        check(os.vlan.is_member(pkt.vlan), "frame leaves a port that is not a member of its VLAN");
        const EgressFrame eg = compose_egress(pkt, item);
        const std::size_t l2 = kEthHeaderLen + (item.tagged ? kVlanTagLen : 0);
        check(eg.l2_len == l2, "egress L2 header length");
        check(eg.size() == pkt.size() - pkt.info.payload_offset + l2, "egress frame size");
        const auto frame = pkt.frame();
        check(eg.payload.data() == frame.data() + pkt.info.payload_offset &&
                  eg.payload.size() == frame.size() - pkt.info.payload_offset,
              "egress payload is not the tail of the received frame");
        // Read every byte that a backend would send: ASan reports anything out of bounds.
        unsigned sum = 0;
        for (std::uint8_t b : eg.payload) sum += b;
        for (std::size_t i = 0; i < eg.l2_len; ++i) sum += eg.l2[i];
        fuzz_sink = fuzz_sink + sum;
        check(std::memcmp(eg.l2.data(), frame.data(), kMacPairLen) == 0, "egress MACs changed");
        if (item.tagged) {
          check((item.tci & 0x0fff) == pkt.vlan, "egress tag carries another VLAN");
          const std::uint16_t tpid = load_be16(&eg.l2[12]);
          check(tpid == kEthTypeVlan || tpid == kEthTypeQinQ, "egress TPID");
        }
        check(load_be16(&eg.l2[l2 - 2]) == pkt.info.ethertype, "egress EtherType");
        check(eg.wire_size() == egress_wire_size(pkt, item.tagged), "wire size disagrees with the plan");
        if (os.mtu != 0) check(eg.wire_size() <= os.mtu + l2, "egress frame larger than the port's MTU");
        // A checksum request that pointed past the old L2 header and inside the frame still does.
        const VirtioNetHdr& v = pkt.vnet;
        if (v.needs_csum() && v.csum_start >= pkt.info.payload_offset &&
            std::size_t{v.csum_start} + v.csum_offset + 2 <= pkt.size())
          check(std::size_t{eg.vnet.csum_start} + eg.vnet.csum_offset + 2 <= eg.size() &&
                    eg.vnet.csum_start >= eg.l2_len,
                "checksum offload points outside the egress frame");
      }
    }
    check(planned == plan.total(), "TxPlan total");
    const MacTable& fdb = bridge.fdb();
    check(fdb.size() <= fdb.max_entries(), "FDB larger than its limit");
    for (std::size_t p = 0; p < kPorts; ++p) {
      const std::uint32_t limit = settings[p].options.mac_limit;
      if (limit != 0) check(fdb.dynamic_count(ids[p]) <= limit, "port over its MAC limit");
    }
    std::uint64_t rx = 0;
    for (std::size_t p = 0; p < kPorts; ++p) rx += bridge.counters(ids[p]).rx_frames;
    check(rx <= fed, "more frames counted than received");
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  BridgeSettings bs;
  bs.ageing_time = 300;
  bs.fdb_max = std::array<std::uint32_t, 8>{1, 2, 4, 8, 16, 64, 1024, 8192}[data[0] & 7];
  static std::vector<Packet> pool(kBurst);  // 32 x 64 KiB, like the datapath's burst
  Harness h(bs, pool);
  h.bridge.set_max_frame_len(
      std::array<std::size_t, 4>{Packet::kMaxFrame, 1518, 1522, 64}[(data[0] >> 3) & 3]);
  std::size_t used = 0, in = 0;
  std::size_t pos = 1;
  while (pos + 3 <= size) {
    const std::uint8_t ctrl = data[pos];
    std::size_t len = std::size_t{data[pos + 1]} << 8 | data[pos + 2];
    pos += 3;
    VirtioNetHdr vnet{};
    if ((ctrl & 0x08) && pos + sizeof vnet <= size) {
      std::memcpy(&vnet, data + pos, sizeof vnet);
      pos += sizeof vnet;
    }
    std::optional<std::uint16_t> aux_tci;
    std::uint16_t aux_tpid = kEthTypeVlan;
    if ((ctrl & 0x10) && pos + 3 <= size) {
      if (data[pos] & 1) aux_tpid = kEthTypeQinQ;
      aux_tci = load_be16(data + pos + 1);
      pos += 3;
    }
    len = std::min(len, size - pos);
    const std::size_t port = ctrl & 7;
    if (used != 0 && port != in) {
      h.flush(in, used);
      used = 0;
    }
    in = port;
    static constexpr std::array<std::chrono::nanoseconds, 4> kStep{
        std::chrono::nanoseconds(0), std::chrono::milliseconds(1), std::chrono::seconds(1),
        std::chrono::seconds(400)};
    h.now += kStep[ctrl >> 6];

    Packet& pkt = pool[used];
    pkt.assign({data + pos, len});
    pkt.vnet = vnet;
    if (aux_tci) pkt.insert_tag(aux_tpid, *aux_tci);
    const std::uint16_t hint = pkt.vnet.hdr_len;
    fix_gso_header_length(pkt);
    check(pkt.vnet.hdr_len == hint || pkt.vnet.hdr_len <= pkt.size(), "GSO header length past the frame");
    pos += len;
    ++used;
    if ((ctrl & 0x20) || used == kBurst) {
      h.flush(in, used);
      used = 0;
    }
  }
  h.flush(in, used);
  return 0;
}
