// A port's index inside one bridge's forwarding core. Dense and small so that tables indexed by it
// stay compact; reused after the port is removed (the core forgets every reference to it first).
#pragma once

#include <cstdint>

namespace vswitch {

using PortId = std::uint16_t;
inline constexpr PortId kNoPort = 0xffff;
inline constexpr std::size_t kMaxPortsPerBridge = 4096;

}  // namespace vswitch
