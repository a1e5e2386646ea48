#include "switchd/core/packet.h"

#include <algorithm>
#include <cstring>

namespace vswitch {

Packet::Packet(std::size_t capacity) : storage_(kHeadroom + capacity) {}

void Packet::set_length(std::size_t len) {
  offset_ = kHeadroom;
  length_ = std::min(len, capacity());
}

void Packet::assign(std::span<const std::uint8_t> bytes) {
  const std::size_t n = std::min(bytes.size(), capacity());
  if (n != 0) std::memcpy(storage_.data() + kHeadroom, bytes.data(), n);
  set_length(n);
  vnet = {};
}

bool Packet::insert_tag(std::uint16_t tpid, std::uint16_t tci) {
  if (offset_ < kVlanTagLen || length_ < kMacPairLen) return false;
  std::uint8_t* old_start = storage_.data() + offset_;
  std::uint8_t* start = old_start - kVlanTagLen;
  std::memmove(start, old_start, kMacPairLen);
  store_be16(start + kMacPairLen, tpid);
  store_be16(start + kMacPairLen + 2, tci);
  offset_ -= kVlanTagLen;
  length_ += kVlanTagLen;
  vnet.shift_l2(static_cast<int>(kVlanTagLen));
  return true;
}

}  // namespace vswitch
