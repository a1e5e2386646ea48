// The core's output for one batch: for each egress port, which frames of the batch to send and with
// what VLAN tag. Port backends turn each list into one batched send (sendmmsg, or a write per frame on
// a TAP fd). Reused across batches: reset() keeps capacity, so steady state allocates nothing.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "switchd/core/port_id.h"

namespace vswitch {

struct TxItem {
  std::uint16_t index = 0;  // the frame's position in the batch
  bool tagged = false;      // leave with an outer tag carrying `tci`?
  std::uint16_t tci = 0;    // tag to carry (PCP/DEI kept from the frame where it had a tag)
};

class TxPlan {
 public:
  void reset();
  void add(PortId port, TxItem item);
  // Egress ports with at least one frame, in the order first used.
  std::span<const PortId> ports() const { return ports_; }
  std::span<const TxItem> items(PortId port) const;
  std::size_t total() const { return total_; }

 private:
  std::vector<std::vector<TxItem>> per_port_;
  std::vector<PortId> ports_;
  std::size_t total_ = 0;
};

}  // namespace vswitch
