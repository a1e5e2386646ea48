// Per-port counters kept by the forwarding core and the port backends. Every block of them has one
// writer at a time (the core's under its bridge's lock, each datapath worker's own block by that
// worker) and the control plane reads them only while the datapath is paused, so they are plain
// integers and cost nothing on the hot path.
#pragma once

#include <array>
#include <cstdint>

#include "switchd/core/drop_reason.h"

namespace vswitch {

struct PortCounters {
  std::uint64_t rx_frames = 0;
  std::uint64_t rx_bytes = 0;
  std::uint64_t tx_frames = 0;
  std::uint64_t tx_bytes = 0;
  std::array<std::uint64_t, kDropReasonCount> drops{};

  PortCounters& operator+=(const PortCounters& o) {
    rx_frames += o.rx_frames;
    rx_bytes += o.rx_bytes;
    tx_frames += o.tx_frames;
    tx_bytes += o.tx_bytes;
    for (std::size_t i = 0; i < drops.size(); ++i) drops[i] += o.drops[i];
    return *this;
  }
  void drop(DropReason r, std::uint64_t n = 1) { drops[static_cast<std::size_t>(r)] += n; }
  std::uint64_t dropped(DropReason r) const { return drops[static_cast<std::size_t>(r)]; }
  // Drops charged to this port as the egress: what `ip -s link` would call tx_dropped.
  std::uint64_t tx_dropped() const {
    return dropped(DropReason::port_down) + dropped(DropReason::mtu_exceeded) +
           dropped(DropReason::tx_queue_full) + dropped(DropReason::tx_error);
  }
  std::uint64_t rx_dropped() const;  // every other reason
};

inline std::uint64_t PortCounters::rx_dropped() const {
  std::uint64_t all = 0;
  for (auto d : drops) all += d;
  return all - tx_dropped();
}

}  // namespace vswitch
