// What the control plane can ask of the switch: the operations behind every JSON-RPC method.
// Implemented by Switch (switchd/control/switch.h), which keeps the configuration, drives the
// datapath workers through Datapath::run() and attaches ports as their netdevs come and go.
//
// Every call runs on the control thread. Failures throw vswitch::Error with an application code
// (common/error.h) and a message for a person; the state is unchanged when a call throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/mac.h"
#include "switchd/core/mac_table.h"
#include "switchd/core/port_counters.h"

namespace vswitch {

enum class PortState : std::uint8_t { Up, Down, Absent };
std::string_view to_string(PortState s);

struct PortStatus {
  std::string bridge;
  PortConfig config;
  PortType kind = PortType::Auto;  // what it is attached as (tap / system); auto while absent
  PortState state = PortState::Absent;
  int ifindex = 0;  // 0 while absent
  std::uint32_t mtu = 0;
  bool owned = false;  // the daemon created the netdev and removes it with the port
};

struct BridgeStatus {
  std::string name;
  BridgeSettings settings;
  std::vector<PortStatus> ports;
  std::size_t fdb_entries = 0;
};

struct FdbRow {
  std::string port;
  VlanId vlan = 0;
  MacAddress mac;
  bool is_static = false;
  std::uint32_t age = 0;  // seconds since last seen; 0 for static entries
};

struct FdbFilter {
  std::optional<VlanId> vlan;
  std::optional<std::string> port;
};

struct PortStats {
  std::string name;
  PortCounters counters;
};

struct BridgeStats {
  std::string name;
  std::size_t fdb_entries = 0;
  std::uint32_t fdb_max = 0;
  MacTableStats fdb;
  std::vector<PortStats> ports;
};

// Unset fields are left as they are.
struct PortPatch {
  std::optional<VlanConfig> vlan;
  std::optional<bool> learning, flood, mcast_flood, isolated, hairpin;
  std::optional<std::uint32_t> mac_limit;
};

struct BridgePatch {
  std::optional<std::uint32_t> ageing_time;
  std::optional<std::uint32_t> fdb_max;
};

class SwitchApi {
 public:
  virtual ~SwitchApi() = default;

  // may_exist: an existing bridge is not an error (its settings are left alone).
  virtual void add_bridge(const std::string& name, const BridgeSettings& settings, bool may_exist) = 0;
  // Deletes the bridge and all its ports. if_exists: a missing bridge is not an error.
  virtual void del_bridge(const std::string& name, bool if_exists) = 0;
  virtual std::vector<std::string> list_bridges() const = 0;

  // Adding a port that is already on `bridge` with identical settings always succeeds (qemu and
  // libvirt retry). may_exist: a port already on `bridge` with other settings takes the new ones.
  // A port on another bridge is always an error (PortExists).
  virtual void add_port(const std::string& bridge, const PortConfig& port, bool may_exist) = 0;
  // bridge: when given, the port must be on it. if_exists: a missing port is not an error.
  virtual void del_port(const std::optional<std::string>& bridge, const std::string& port,
                        bool if_exists) = 0;
  virtual void set_port(const std::string& port, const PortPatch& patch) = 0;
  virtual void set_bridge(const std::string& bridge, const BridgePatch& patch) = 0;

  // All bridges, or the one named.
  virtual std::vector<BridgeStatus> show(const std::optional<std::string>& bridge) = 0;
  virtual std::vector<FdbRow> fdb_show(const std::string& bridge, const FdbFilter& filter) = 0;
  // Dynamic entries only. Returns how many were removed.
  virtual std::size_t fdb_flush(const std::string& bridge, const FdbFilter& filter) = 0;
  virtual void fdb_add(const std::string& bridge, const MacAddress& mac, const std::string& port,
                       VlanId vlan) = 0;
  virtual void fdb_del(const std::string& bridge, const MacAddress& mac, VlanId vlan) = 0;
  // target: nullopt = every bridge; a bridge name; or a port name (that port only, in its bridge).
  virtual std::vector<BridgeStats> stats(const std::optional<std::string>& target) = 0;

  // The whole configuration, as persisted.
  virtual SwitchConfig config() const = 0;
};

}  // namespace vswitch
