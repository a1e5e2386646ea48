#include "switchd/core/egress.h"

#include <cstring>

namespace vswitch {

namespace {
// A GSO frame leaves as segments of hdr_len + gso_size bytes; anything else as it is.
std::size_t segment_size(const VirtioNetHdr& vnet, std::size_t frame_size) {
  if (vnet.is_gso() && vnet.hdr_len != 0) {
    const std::size_t seg = static_cast<std::size_t>(vnet.hdr_len) + vnet.gso_size;
    return seg < frame_size ? seg : frame_size;
  }
  return frame_size;
}
}  // namespace

std::size_t EgressFrame::wire_size() const { return segment_size(vnet, size()); }

std::size_t egress_wire_size(const Packet& pkt, bool tagged) {
  const std::size_t l2 = kEthHeaderLen + (tagged ? kVlanTagLen : 0);
  const int delta = static_cast<int>(l2) - static_cast<int>(pkt.info.payload_offset);
  VirtioNetHdr vnet = pkt.vnet;
  vnet.shift_l2(delta);
  return segment_size(vnet, static_cast<std::size_t>(static_cast<int>(pkt.size()) + delta));
}

EgressFrame compose_egress(const Packet& pkt, const TxItem& item) {
  EgressFrame out;
  const auto frame = pkt.frame();
  const FrameInfo& f = pkt.info;
  std::memcpy(out.l2.data(), frame.data(), kMacPairLen);
  std::size_t n = kMacPairLen;
  if (item.tagged) {
    // Keep the frame's TPID (802.1ad stays 802.1ad) when its own tag goes out unchanged.
    const bool keep = f.tagged && f.tci.raw == item.tci;
    store_be16(&out.l2[n], keep ? f.tpid : kEthTypeVlan);
    store_be16(&out.l2[n + 2], item.tci);
    n += kVlanTagLen;
  }
  store_be16(&out.l2[n], f.ethertype);
  n += 2;
  out.l2_len = static_cast<std::uint8_t>(n);
  out.payload = frame.subspan(f.payload_offset);
  out.vnet = pkt.vnet;
  // The L2 header grew or shrank: offsets into the frame move with it.
  const int delta = static_cast<int>(n) - static_cast<int>(f.payload_offset);
  if (delta != 0) out.vnet.shift_l2(delta);
  return out;
}

}  // namespace vswitch
