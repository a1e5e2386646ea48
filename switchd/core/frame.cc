#include "switchd/core/frame.h"

namespace vswitch {

ParseResult parse_frame(std::span<const std::uint8_t> frame, std::size_t max_len) {
  ParseResult r;
  if (frame.size() < kEthHeaderLen) {
    r.reason = DropReason::runt;
    return r;
  }
  if (frame.size() > max_len) {
    r.reason = DropReason::oversize;
    return r;
  }
  FrameInfo& f = r.info;
  f.dst = MacAddress::from_bytes(frame.subspan(0, 6));
  f.src = MacAddress::from_bytes(frame.subspan(6, 6));
  const std::uint16_t type = load_be16(&frame[12]);
  if (type == kEthTypeVlan || type == kEthTypeQinQ) {
    if (frame.size() < kEthHeaderLen + kVlanTagLen) {
      r.reason = DropReason::truncated_tag;
      return r;
    }
    f.tagged = true;
    f.tpid = type;
    f.tci.raw = load_be16(&frame[14]);
    f.ethertype = load_be16(&frame[16]);
    f.payload_offset = kEthHeaderLen + kVlanTagLen;
    if (f.tci.vid() == 4095) {
      r.reason = DropReason::bad_vlan;
      return r;
    }
  } else {
    f.ethertype = type;
  }
  r.ok = true;
  return r;
}

}  // namespace vswitch
