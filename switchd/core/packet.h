// A frame in flight: its bytes (in a buffer with headroom, so a VLAN tag can be put back without a
// copy), its virtio-net offload header, and the metadata the core fills in while deciding.
//
// Packets are allocated once per datapath worker (a batch of them) and reused for every burst: no
// per-frame allocation on the hot path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/vlan.h"
#include "switchd/core/frame.h"
#include "switchd/core/vnet_hdr.h"

namespace vswitch {

class Packet {
 public:
  static constexpr std::size_t kHeadroom = 32;
  // Largest frame a port may hand us: a 64 KiB GSO super-frame plus Ethernet header and two tags.
  static constexpr std::size_t kMaxFrame = 65535 + kEthHeaderLen + 2 * kVlanTagLen;

  explicit Packet(std::size_t capacity = kMaxFrame);

  // Where a port backend reads a frame to (starting at the Ethernet header)...
  std::span<std::uint8_t> rx_buffer() { return {storage_.data() + kHeadroom, storage_.size() - kHeadroom}; }
  // ...and how it reports what it read. Resets the virtio-net header's metadata? No: the backend
  // fills `vnet` itself (zeroed when the port carries no header).
  void set_length(std::size_t len);
  // Copies `bytes` in as the frame (tests, tools). Clears vnet.
  void assign(std::span<const std::uint8_t> bytes);

  std::span<const std::uint8_t> frame() const { return {storage_.data() + offset_, length_}; }
  std::span<std::uint8_t> frame() { return {storage_.data() + offset_, length_}; }
  std::size_t size() const { return length_; }
  std::size_t capacity() const { return storage_.size() - kHeadroom; }

  // Re-inserts an outer VLAN tag that the kernel moved into metadata (AF_PACKET PACKET_AUXDATA), and
  // shifts the virtio-net header's offsets to match. Uses the headroom; false if there is none left.
  bool insert_tag(std::uint16_t tpid, std::uint16_t tci);

  VirtioNetHdr vnet;  // offload metadata that came with the frame (all zero: none)

  // Filled by Bridge::process for the frame's trip through the core.
  FrameInfo info;
  VlanId vlan = 0;       // classified VLAN (0 = untagged / default-mode native)
  std::uint8_t pcp = 0;  // priority to use when a tag is pushed

 private:
  std::vector<std::uint8_t> storage_;
  std::size_t offset_ = kHeadroom;
  std::size_t length_ = 0;
};

}  // namespace vswitch
