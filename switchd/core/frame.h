// Parsing the Ethernet header of a frame: destination, source, the outer VLAN tag if any, and where
// the payload starts. Reads only within the span; every malformed frame gets a drop reason.
#pragma once

#include <cstdint>
#include <span>

#include "common/mac.h"
#include "common/vlan.h"
#include "switchd/core/drop_reason.h"

namespace vswitch {

inline constexpr std::uint16_t kEthTypeVlan = 0x8100;  // 802.1Q C-tag
inline constexpr std::uint16_t kEthTypeQinQ = 0x88a8;  // 802.1ad S-tag
inline constexpr std::size_t kEthHeaderLen = 14;
inline constexpr std::size_t kVlanTagLen = 4;
inline constexpr std::size_t kMacPairLen = 12;  // destination + source

// 802.1Q Tag Control Information: PCP (3 bits) | DEI (1) | VID (12).
struct Tci {
  std::uint16_t raw = 0;
  VlanId vid() const { return raw & 0x0fff; }
  std::uint8_t pcp() const { return static_cast<std::uint8_t>(raw >> 13); }
  bool dei() const { return (raw & 0x1000) != 0; }
  static Tci make(VlanId vid, std::uint8_t pcp, bool dei = false) {
    return Tci{static_cast<std::uint16_t>((pcp & 7) << 13 | (dei ? 0x1000 : 0) | (vid & 0x0fff))};
  }
};

struct FrameInfo {
  MacAddress dst;
  MacAddress src;
  bool tagged = false;                           // an outer 802.1Q or 802.1ad tag is present in the frame
  std::uint16_t tpid = 0;                        // that tag's TPID (0x8100 or 0x88a8)
  Tci tci;                                       // that tag's TCI
  std::uint16_t ethertype = 0;                   // the EtherType after the outer tag
  std::uint16_t payload_offset = kEthHeaderLen;  // first byte after the outer tag (14 or 18)
};

struct ParseResult {
  bool ok = false;
  DropReason reason = DropReason::runt;  // meaningful when !ok
  FrameInfo info;
};

// Parses `frame` (starting at the destination MAC). `max_len` is the largest frame accepted.
ParseResult parse_frame(std::span<const std::uint8_t> frame, std::size_t max_len);

inline std::uint16_t load_be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
inline void store_be16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}

}  // namespace vswitch
