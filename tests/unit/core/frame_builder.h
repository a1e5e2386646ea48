// Hand-built Ethernet frames for core tests.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/mac.h"
#include "switchd/core/frame.h"
#include "switchd/core/packet.h"

namespace vswitch::test {

inline MacAddress mac(std::uint64_t v) { return MacAddress::from_u64(v); }

class FrameBuilder {
 public:
  FrameBuilder(MacAddress dst, MacAddress src) : dst_(dst), src_(src) {}
  FrameBuilder& tag(VlanId vid, std::uint8_t pcp = 0, std::uint16_t tpid = kEthTypeVlan) {
    tags_.push_back({tpid, Tci::make(vid, pcp).raw});
    return *this;
  }
  FrameBuilder& ethertype(std::uint16_t t) {
    ethertype_ = t;
    return *this;
  }
  FrameBuilder& payload(std::size_t n) {
    payload_ = n;
    return *this;
  }
  std::vector<std::uint8_t> bytes() const;
  Packet packet() const;

 private:
  struct Tag {
    std::uint16_t tpid, tci;
  };
  MacAddress dst_, src_;
  std::vector<Tag> tags_;
  std::uint16_t ethertype_ = 0x0800;
  std::size_t payload_ = 46;
};

}  // namespace vswitch::test
