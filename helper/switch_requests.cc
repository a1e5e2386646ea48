#include "helper/switch_requests.h"

#include <algorithm>
#include <iostream>

#include "common/error.h"

namespace vswitch::helper {

using nlohmann::json;

std::uint32_t smallest_port_mtu(const json& show_result, const std::string& bridge) {
  const json* bridges = &show_result;
  if (show_result.is_object() && show_result.contains("bridges")) bridges = &show_result["bridges"];
  if (!bridges->is_array())
    throw Error(ErrorCode::SystemError, "vswitchd's answer to 'show' has no bridge list");
  for (const json& b : *bridges) {
    if (!b.is_object() || b.value("name", std::string()) != bridge) continue;
    std::uint32_t smallest = 0;
    for (const json& p : b.value("ports", json::array())) {
      if (!p.is_object()) continue;
      const auto mtu = p.value("mtu", std::uint32_t{0});  // 0 while the port is absent
      if (mtu > 0) smallest = smallest == 0 ? mtu : std::min(smallest, mtu);
    }
    return smallest > 0 ? smallest : kDefaultMtu;
  }
  throw Error(ErrorCode::NoSuchBridge, "vswitch bridge '" + bridge + "' does not exist");
}

std::uint32_t bridge_mtu(DaemonClient& daemon, const std::string& bridge) {
  try {
    return smallest_port_mtu(daemon.call("show", {{"bridge", bridge}}), bridge);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::NoSuchBridge) throw;
    throw Error(
        ErrorCode::NoSuchBridge,
        "vswitch bridge '" + bridge + "' does not exist (create it with: vswitchctl add-br " + bridge + ")");
  }
}

void attach_transient_port(DaemonClient& daemon, const std::string& bridge, const std::string& ifname) {
  // docs/protocol.md: add-port {"bridge", "port": <port config>, "may_exist"}. No may_exist: the
  // kernel just made this name up, so a port already configured under it is a conflict to report.
  json params = {{"bridge", bridge}, {"port", {{"name", ifname}, {"type", "system"}, {"transient", true}}}};
  try {
    daemon.call("add-port", params);
  } catch (const Error& e) {
    const bool transient_unknown = e.code() == ErrorCode::InvalidParams &&
                                   std::string_view(e.what()).find("transient") != std::string_view::npos;
    if (!transient_unknown) throw;
    std::cerr << "vswitch-bridge-helper: warning: this vswitchd does not support transient ports; " << ifname
              << " stays configured on " << bridge
              << " after the VM exits (remove it with: vswitchctl del-port " << ifname << ")\n";
    params["port"].erase("transient");
    daemon.call("add-port", params);
  }
}

void detach_port(DaemonClient& daemon, const std::string& bridge, const std::string& ifname) {
  daemon.call("del-port", {{"bridge", bridge}, {"port", ifname}, {"if_exists", true}});
}

}  // namespace vswitch::helper
