// The forwarding core of one bridge: ports with their VLAN and flood settings, the FDB, and the
// per-batch forwarding decision. Pure: no sockets, no threads, no clock (time is passed in), so unit
// tests drive it frame by frame and the datapath drives it batch by batch.
//
// For one batch from one ingress port, process() does, per frame:
//   parse (runt / oversize / truncated tag / VID 4095 -> drop)
//   drop IEEE link-local destinations (01:80:c2:00:00:0x) and multicast / zero source MACs
//   classify the VLAN by the ingress port's mode (or drop with the reason)
//   learn (VLAN, source MAC) -> ingress port, if the port learns
//   known unicast destination -> that port (hairpin and isolation rules apply);
//   unknown unicast / broadcast / multicast -> every other up port that is a member of the VLAN and
//   accepts that kind of flood
//   per egress port: pick the egress tag, check the port's MTU, append to the TxPlan.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/config.h"
#include "switchd/core/mac_table.h"
#include "switchd/core/packet.h"
#include "switchd/core/port_counters.h"
#include "switchd/core/port_id.h"
#include "switchd/core/tx_plan.h"

namespace vswitch {

struct CorePortSettings {
  VlanConfig vlan;
  PortOptions options;
  bool up = false;        // link usable: netdev present, attached and running
  std::uint32_t mtu = 0;  // L3 MTU of the egress netdev; 0 = unknown (no check)
};

class Bridge {
 public:
  explicit Bridge(const BridgeSettings& settings, std::uint64_t hash_seed);

  PortId add_port(const CorePortSettings& settings);
  void update_port(PortId port, const CorePortSettings& settings);
  // Forgets the port and every FDB entry (dynamic and static) that names it.
  void remove_port(PortId port);
  bool has_port(PortId port) const { return port < ports_.size() && ports_[port].in_use; }
  const CorePortSettings& port_settings(PortId port) const { return ports_[port].settings; }

  void apply(const BridgeSettings& settings);
  const BridgeSettings& settings() const { return settings_; }
  // Largest frame accepted on ingress (default Packet::kMaxFrame).
  void set_max_frame_len(std::size_t n) { max_frame_len_ = n; }

  // Decides the fate of every frame in `batch`, all received on `in_port`, at time `now`.
  // Appends to `plan` (the caller resets it). Frames keep their positions: TxItem::index.
  void process(PortId in_port, std::span<Packet> batch, Timestamp now, TxPlan& plan);

  // Ages out FDB entries; call about once a second.
  std::size_t expire(Timestamp now) { return fdb_.expire(now); }

  MacTable& fdb() { return fdb_; }
  const MacTable& fdb() const { return fdb_; }
  PortCounters& counters(PortId port) { return ports_[port].counters; }
  const PortCounters& counters(PortId port) const { return ports_[port].counters; }

 private:
  struct PortSlot {
    bool in_use = false;
    CorePortSettings settings;
    PortCounters counters;
  };

  void deliver(PortId out, std::uint16_t index, const Packet& pkt, TxPlan& plan);
  void flood(PortId in, std::uint16_t index, const Packet& pkt, bool multicast, TxPlan& plan);

  BridgeSettings settings_;
  MacTable fdb_;
  std::vector<PortSlot> ports_;
  std::size_t max_frame_len_ = Packet::kMaxFrame;
};

}  // namespace vswitch
