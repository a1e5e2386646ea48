// Composing a frame as it leaves a port: the Ethernet header with the egress tag pushed, kept or
// popped, the untouched payload (referenced, not copied), and the virtio-net header with its offsets
// moved to match. Backends send it as a gather list: [vnet][l2][payload].
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "switchd/core/packet.h"
#include "switchd/core/tx_plan.h"
#include "switchd/core/vnet_hdr.h"

namespace vswitch {

struct EgressFrame {
  VirtioNetHdr vnet;
  std::array<std::uint8_t, kEthHeaderLen + kVlanTagLen> l2{};  // dst, src, [tag], ethertype
  std::uint8_t l2_len = 0;
  std::span<const std::uint8_t> payload;  // everything after the ethertype

  std::size_t size() const { return l2_len + payload.size(); }
  // Size of the largest on-the-wire frame this becomes: a GSO frame is cut into segments of
  // hdr_len + gso_size; anything else goes out as it is.
  std::size_t wire_size() const;
};

// `pkt` must have been through Bridge::process (its `info` filled in).
EgressFrame compose_egress(const Packet& pkt, const TxItem& item);

// EgressFrame::wire_size() of the frame compose_egress would build, without building it.
std::size_t egress_wire_size(const Packet& pkt, bool tagged);

}  // namespace vswitch
