#include "switchd/core/bridge.h"

#include "switchd/core/egress.h"
#include "switchd/core/vlan_policy.h"

namespace vswitch {

Bridge::Bridge(const BridgeSettings& settings, std::uint64_t hash_seed)
    : settings_(settings), fdb_(settings.fdb_max, std::chrono::seconds(settings.ageing_time), hash_seed) {}

PortId Bridge::add_port(const CorePortSettings& settings) {
  PortId id = 0;
  while (id < ports_.size() && ports_[id].in_use) ++id;
  if (id == ports_.size()) ports_.emplace_back();
  ports_[id] = PortSlot{true, settings, {}};
  return id;
}

void Bridge::update_port(PortId port, const CorePortSettings& settings) {
  PortSlot& slot = ports_.at(port);
  const bool vlan_changed = !(slot.settings.vlan == settings.vlan);
  const bool went_down = slot.settings.up && !settings.up;
  slot.settings = settings;
  // Addresses learned under the old VLAN membership, or behind a link that went away, are stale.
  if (vlan_changed || went_down) fdb_.flush(port, std::nullopt, false);
}

void Bridge::remove_port(PortId port) {
  fdb_.flush(port, std::nullopt, true);
  ports_.at(port) = PortSlot{};
}

void Bridge::apply(const BridgeSettings& settings) {
  settings_ = settings;
  fdb_.set_ageing(std::chrono::seconds(settings.ageing_time));
  if (fdb_.max_entries() != settings.fdb_max) fdb_.set_max_entries(settings.fdb_max);
}

void Bridge::process(PortId in_port, std::span<Packet> batch, Timestamp now, TxPlan& plan) {
  PortSlot& in = ports_.at(in_port);
  const CorePortSettings& ps = in.settings;
  for (std::size_t n = 0; n < batch.size(); ++n) {
    Packet& pkt = batch[n];
    const auto index = static_cast<std::uint16_t>(n);
    in.counters.rx_frames++;
    in.counters.rx_bytes += pkt.size();

    const ParseResult parsed = parse_frame(pkt.frame(), max_frame_len_);
    if (!parsed.ok) {
      in.counters.drop(parsed.reason);
      continue;
    }
    pkt.info = parsed.info;
    const FrameInfo& f = pkt.info;
    if (f.dst.is_link_local()) {
      in.counters.drop(DropReason::link_local);
      continue;
    }
    if (!f.src.is_valid_source()) {
      in.counters.drop(DropReason::bad_src_mac);
      continue;
    }
    const IngressDecision vlan = classify_ingress(ps.vlan, f);
    if (!vlan.ok) {
      in.counters.drop(vlan.reason);
      continue;
    }
    pkt.vlan = vlan.vlan;
    pkt.pcp = vlan.pcp;

    if (ps.options.learning) fdb_.learn(pkt.vlan, f.src, in_port, now, ps.options.mac_limit);

    if (f.dst.is_multicast()) {
      flood(in_port, index, pkt, true, plan);
      continue;
    }
    const PortId out = fdb_.lookup(pkt.vlan, f.dst, now);
    if (out == kNoPort || !has_port(out)) {
      flood(in_port, index, pkt, false, plan);
      continue;
    }
    if (out == in_port && !ps.options.hairpin) {
      in.counters.drop(DropReason::same_port);
      continue;
    }
    const CorePortSettings& os = ports_[out].settings;
    if (ps.options.isolated && os.options.isolated) {
      in.counters.drop(DropReason::isolated);
      continue;
    }
    deliver(out, index, pkt, plan);
  }
}

void Bridge::flood(PortId in_port, std::uint16_t index, const Packet& pkt, bool multicast, TxPlan& plan) {
  const CorePortSettings& ps = ports_[in_port].settings;
  std::size_t sent = 0;
  for (PortId p = 0; p < ports_.size(); ++p) {
    const PortSlot& slot = ports_[p];
    if (!slot.in_use || !slot.settings.up) continue;
    if (p == in_port && !ps.options.hairpin) continue;
    const PortOptions& o = slot.settings.options;
    if (multicast ? !o.mcast_flood : !o.flood) continue;
    if (ps.options.isolated && o.isolated) continue;
    if (!slot.settings.vlan.is_member(pkt.vlan)) continue;
    deliver(p, index, pkt, plan);
    ++sent;
  }
  if (sent == 0) ports_[in_port].counters.drop(DropReason::no_destination);
}

void Bridge::deliver(PortId out, std::uint16_t index, const Packet& pkt, TxPlan& plan) {
  PortSlot& slot = ports_[out];
  const CorePortSettings& os = slot.settings;
  if (!os.up) {
    slot.counters.drop(DropReason::port_down);
    return;
  }
  if (!os.vlan.is_member(pkt.vlan)) {
    // Known destination learned before the port's VLANs changed: never leak across VLANs.
    slot.counters.drop(DropReason::vlan_not_allowed);
    return;
  }
  const EgressTag tag = egress_tag(os.vlan, pkt.vlan, pkt.pcp, pkt.info);
  if (os.mtu != 0) {
    const std::size_t limit = os.mtu + kEthHeaderLen + (tag.tagged ? kVlanTagLen : 0);
    if (egress_wire_size(pkt, tag.tagged) > limit) {
      slot.counters.drop(DropReason::mtu_exceeded);
      return;
    }
  }
  plan.add(out, TxItem{index, tag.tagged, tag.tci});
}

}  // namespace vswitch
