// MAC addresses: parsing, formatting and the address classes the switch cares about.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace vswitch {

class MacAddress {
 public:
  constexpr MacAddress() = default;
  constexpr explicit MacAddress(std::array<std::uint8_t, 6> bytes) : bytes_(bytes) {}

  // Reads six bytes from the start of `p` (which must hold at least six).
  static MacAddress from_bytes(std::span<const std::uint8_t> p);
  // The low 48 bits of `v`, most significant byte first (aa:bb:.. -> 0xaabb..).
  static constexpr MacAddress from_u64(std::uint64_t v) {
    std::array<std::uint8_t, 6> b{};
    for (int i = 5; i >= 0; --i, v >>= 8) b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v);
    return MacAddress(b);
  }
  // Accepts exactly "xx:xx:xx:xx:xx:xx" (hex, either case; '-' also accepted as separator).
  static std::optional<MacAddress> parse(std::string_view text);

  // Lower-case "aa:bb:cc:dd:ee:ff".
  std::string to_string() const;
  constexpr std::uint64_t to_u64() const {
    std::uint64_t v = 0;
    for (auto b : bytes_) v = (v << 8) | b;
    return v;
  }
  constexpr const std::array<std::uint8_t, 6>& bytes() const { return bytes_; }

  constexpr bool is_zero() const { return to_u64() == 0; }
  constexpr bool is_broadcast() const { return to_u64() == 0xffffffffffffULL; }
  // Group bit set: multicast, including broadcast.
  constexpr bool is_multicast() const { return (bytes_[0] & 0x01) != 0; }
  // IEEE 802.1D reserved link-local group 01:80:c2:00:00:00 - 0f (STP, LACP, 802.1X, LLDP, ...):
  // a bridge must never forward these.
  constexpr bool is_link_local() const { return (to_u64() & ~0xfULL) == 0x0180c2000000ULL; }
  // A source address that may be learned: not multicast/broadcast, not all-zero.
  constexpr bool is_valid_source() const { return !is_multicast() && !is_zero(); }

  friend constexpr auto operator<=>(const MacAddress&, const MacAddress&) = default;

 private:
  std::array<std::uint8_t, 6> bytes_{};
};

inline constexpr MacAddress kBroadcastMac = MacAddress::from_u64(0xffffffffffffULL);

}  // namespace vswitch
