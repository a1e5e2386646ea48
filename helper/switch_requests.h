// The three things the bridge helper asks of vswitchd, over one DaemonClient connection.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "helper/daemon_client.h"

namespace vswitch::helper {

inline constexpr std::uint32_t kDefaultMtu = 1500;

// The MTU a new TAP on `bridge` should get. A vswitch bridge has no MTU of its own, so (like a Linux
// bridge, whose MTU follows its smallest port) it is the smallest MTU among the bridge's attached
// ports, or 1500 when none is attached. Throws Error(NoSuchBridge) when the bridge does not exist.
std::uint32_t bridge_mtu(DaemonClient& daemon, const std::string& bridge);

// The same rule over a "show" result (docs/protocol.md), kept apart so it can be tested alone.
std::uint32_t smallest_port_mtu(const nlohmann::json& show_result, const std::string& bridge);

// add-port BRIDGE IFACE --type system, with "transient": true in the port's configuration: vswitchd
// deletes a transient port when its netdev vanishes (here: when qemu exits), instead of keeping it
// configured as "absent". Against a daemon that refuses the field (it does not know transient ports),
// it adds a plain port and warns on stderr.
void attach_transient_port(DaemonClient& daemon, const std::string& bridge, const std::string& ifname);

// del-port BRIDGE IFACE --if-exists.
void detach_port(DaemonClient& daemon, const std::string& bridge, const std::string& ifname);

}  // namespace vswitch::helper
