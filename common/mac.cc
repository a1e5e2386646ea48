#include "common/mac.h"

#include <cstdio>

namespace vswitch {

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

MacAddress MacAddress::from_bytes(std::span<const std::uint8_t> p) {
  std::array<std::uint8_t, 6> b{};
  for (std::size_t i = 0; i < 6; ++i) b[i] = p[i];
  return MacAddress(b);
}

std::optional<MacAddress> MacAddress::parse(std::string_view text) {
  if (text.size() != 17) return std::nullopt;
  std::array<std::uint8_t, 6> b{};
  const char sep = text[2];
  if (sep != ':' && sep != '-') return std::nullopt;
  for (std::size_t i = 0; i < 6; ++i) {
    const std::size_t at = i * 3;
    const int hi = hex_value(text[at]);
    const int lo = hex_value(text[at + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    if (i < 5 && text[at + 2] != sep) return std::nullopt;
    b[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return MacAddress(b);
}

std::string MacAddress::to_string() const {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", bytes_[0], bytes_[1], bytes_[2], bytes_[3],
                bytes_[4], bytes_[5]);
  return buf;
}

}  // namespace vswitch
