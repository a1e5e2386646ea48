#include "frame_builder.h"

namespace vswitch::test {

std::vector<std::uint8_t> FrameBuilder::bytes() const {
  std::vector<std::uint8_t> out;
  auto push16 = [&](std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
  };
  out.insert(out.end(), dst_.bytes().begin(), dst_.bytes().end());
  out.insert(out.end(), src_.bytes().begin(), src_.bytes().end());
  for (const Tag& t : tags_) {
    push16(t.tpid);
    push16(t.tci);
  }
  push16(ethertype_);
  for (std::size_t i = 0; i < payload_; ++i) out.push_back(static_cast<std::uint8_t>(i * 7 + 1));
  return out;
}

Packet FrameBuilder::packet() const {
  Packet p(4096);
  p.assign(bytes());
  return p;
}

}  // namespace vswitch::test
