#include "switchd/ports/gso_header.h"

namespace vswitch {

void fix_gso_header_length(Packet& pkt) {
  VirtioNetHdr& v = pkt.vnet;
  if (!v.is_gso() || !v.needs_csum()) return;
  const auto frame = pkt.frame();
  const std::size_t l4 = v.csum_start;
  std::size_t l4_len = 0;
  switch (v.gso_type & ~VirtioNetHdr::kGsoEcn) {
    case VirtioNetHdr::kGsoTcpV4:
    case VirtioNetHdr::kGsoTcpV6:
      if (l4 + 20 > frame.size()) return;
      l4_len = static_cast<std::size_t>(frame[l4 + 12] >> 4) * 4;  // TCP data offset
      if (l4_len < 20) return;
      break;
    case VirtioNetHdr::kGsoUdp:
    case VirtioNetHdr::kGsoUdpL4: l4_len = 8; break;
    default: return;
  }
  if (l4 + l4_len > frame.size()) return;
  v.hdr_len = static_cast<std::uint16_t>(l4 + l4_len);
}

}  // namespace vswitch
