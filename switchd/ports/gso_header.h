// The virtio-net header's hdr_len, made exact. For a GSO frame the kernel reports hdr_len as a mere
// hint (skb_headlen(): the bytes that happen to sit in the skb's linear part), which can be the whole
// 64 KiB frame (seen on AF_PACKET receive of a frame another AF_PACKET socket sent, and on TAP reads).
// The core sizes a GSO frame's segments as hdr_len + gso_size to check the egress MTU, so backends
// replace the hint with the real L2+L3+L4 header length on receive.
#pragma once

#include "switchd/core/packet.h"

namespace vswitch {

// For a GSO frame with a checksum offset (as every GSO frame has), sets vnet.hdr_len to csum_start
// plus the TCP header length (TCP) or 8 (UDP). Leaves other frames, and inconsistent headers (which
// the core or the kernel will refuse), unchanged.
void fix_gso_header_length(Packet& pkt);

}  // namespace vswitch
