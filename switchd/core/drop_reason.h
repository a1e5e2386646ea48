// Why a frame was not delivered. Every drop in the switch is counted under one of these, per port:
// ingress reasons on the port the frame came in on, egress reasons on the port it would have left by.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace vswitch {

// X-macro: name, description. Order is the counter array's order; append only.
#define VSWITCH_DROP_REASONS(X)                                                      \
  X(runt, "shorter than an Ethernet header (14 bytes)")                              \
  X(oversize, "longer than the bridge's maximum frame size")                         \
  X(truncated_tag, "VLAN tag cut short")                                             \
  X(bad_vlan, "VLAN ID 4095 (reserved)")                                             \
  X(bad_src_mac, "source MAC is multicast, broadcast or all-zero")                   \
  X(link_local, "IEEE link-local group address 01:80:c2:00:00:0x (never forwarded)") \
  X(tagged_on_access, "tagged frame on an access port")                              \
  X(untagged_on_trunk, "untagged frame on a trunk without native VLAN")              \
  X(vlan_not_allowed, "VLAN not in the port's trunk list")                           \
  X(same_port, "destination is the ingress port (hairpin off)")                      \
  X(isolated, "between two isolated ports")                                          \
  X(no_destination, "no port to flood to")                                           \
  X(port_down, "egress port is down or absent")                                      \
  X(mtu_exceeded, "larger than the egress port's MTU")                               \
  X(tx_queue_full, "egress queue full (tx_dropped)")                                 \
  X(tx_error, "the kernel refused the frame on transmit")                            \
  X(rx_error, "the kernel reported a receive error or a truncated frame")            \
  X(bad_offload, "virtio-net header inconsistent with the frame")                    \
  X(rx_overrun, "the port's kernel receive queue overflowed: the switch fell behind")

enum class DropReason : std::uint8_t {
#define VSWITCH_X(name, desc) name,
  VSWITCH_DROP_REASONS(VSWITCH_X)
#undef VSWITCH_X
      count_
};

inline constexpr std::size_t kDropReasonCount = static_cast<std::size_t>(DropReason::count_);

std::string_view drop_reason_name(DropReason r);
std::string_view drop_reason_description(DropReason r);

}  // namespace vswitch
