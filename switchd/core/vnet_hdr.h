// The virtio-net header (struct virtio_net_hdr, 10 bytes, host byte order as the kernel uses for
// TAP and AF_PACKET on little-endian hosts). It travels with every frame so that offloads survive the
// switch: a guest or a veth hands us TCP frames whose checksum is not yet filled in (NEEDS_CSUM) and
// GSO super-frames up to 64 KiB; the egress port hands the same header to the kernel, which finishes
// the job (or the receiving stack accepts the frame as already checked / coalesced).
//
// Offsets (csum_start, hdr_len) count from the first byte of the Ethernet header, so adding or removing
// a VLAN tag shifts them by 4: see shift_l2().
#pragma once

#include <cstdint>

namespace vswitch {

struct VirtioNetHdr {
  static constexpr std::uint8_t kFlagNeedsCsum = 1;  // VIRTIO_NET_HDR_F_NEEDS_CSUM
  static constexpr std::uint8_t kFlagDataValid = 2;  // VIRTIO_NET_HDR_F_DATA_VALID
  static constexpr std::uint8_t kGsoNone = 0;
  static constexpr std::uint8_t kGsoTcpV4 = 1;
  static constexpr std::uint8_t kGsoUdp = 3;
  static constexpr std::uint8_t kGsoTcpV6 = 4;
  static constexpr std::uint8_t kGsoUdpL4 = 5;
  static constexpr std::uint8_t kGsoEcn = 0x80;

  std::uint8_t flags = 0;
  std::uint8_t gso_type = kGsoNone;
  std::uint16_t hdr_len = 0;      // L2+L3+L4 header length of a GSO frame
  std::uint16_t gso_size = 0;     // payload bytes per segment
  std::uint16_t csum_start = 0;   // where checksumming starts (from the Ethernet header)
  std::uint16_t csum_offset = 0;  // where the checksum goes, from csum_start

  bool needs_csum() const { return (flags & kFlagNeedsCsum) != 0; }
  bool is_gso() const { return (gso_type & ~kGsoEcn) != kGsoNone; }

  // The frame's L2 header grew (delta > 0, tag pushed) or shrank (delta < 0, tag popped).
  void shift_l2(int delta) {
    if (needs_csum()) csum_start = static_cast<std::uint16_t>(csum_start + delta);
    if (hdr_len != 0) hdr_len = static_cast<std::uint16_t>(hdr_len + delta);
  }
};
static_assert(sizeof(VirtioNetHdr) == 10, "must match the kernel's struct virtio_net_hdr");

}  // namespace vswitch
