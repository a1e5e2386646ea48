// The switch's configuration: bridges, their ports and settings. One schema, used for the state file
// (persistence), the --config file, JSON-RPC params and results, so the three can never drift apart.
//
// JSON shape (docs/protocol.md and docs/configuration.md):
//   {"bridges": [{"name": "br0", "ageing_time": 300, "fdb_max": 8192,
//                 "ports": [{"name": "vnet0", "type": "auto", "vlan_mode": "access", "tag": 10,
//                            "trunks": "", "learning": true, "flood": true, "mcast_flood": true,
//                            "isolated": false, "hairpin": false, "mac_limit": 0}]}]}
// ("transient": true appears on ports that the daemon deletes when their netdev vanishes; a bridge with
// static FDB entries has "static_fdb": [{"mac": "02:..", "vlan": 0, "port": "vnet0"}].)
// Parsing is strict: unknown keys, wrong types and out-of-range values throw vswitch::Error
// (InvalidParams) with a message naming the offending field.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/mac.h"
#include "common/vlan.h"

namespace vswitch {

enum class PortType : std::uint8_t { Auto, Tap, System };
std::string_view to_string(PortType t);
std::optional<PortType> parse_port_type(std::string_view text);

inline constexpr std::uint32_t kDefaultAgeingTime = 300;  // seconds, like the Linux bridge and OVS
inline constexpr std::uint32_t kMinAgeingTime = 1;
inline constexpr std::uint32_t kMaxAgeingTime = 1'000'000;
inline constexpr std::uint32_t kDefaultFdbMax = 8192;  // like OVS's mac-table-size
inline constexpr std::uint32_t kMaxFdbMax = 1'000'000;

struct PortOptions {
  bool learning = true;         // learn source MACs seen on this port
  bool flood = true;            // receive floods of unknown unicast
  bool mcast_flood = true;      // receive broadcast and multicast
  bool isolated = false;        // isolated ports never exchange frames with each other
  bool hairpin = false;         // frames may go back out the port they came in on
  std::uint32_t mac_limit = 0;  // most dynamic FDB entries on this port; 0 = no per-port limit
  friend bool operator==(const PortOptions&, const PortOptions&) = default;
};

struct PortConfig {
  std::string name;
  PortType type = PortType::Auto;
  VlanConfig vlan;
  PortOptions options;
  // Deleted by the daemon when its netdev vanishes (a TAP handed to qemu by vswitch-bridge-helper:
  // nobody runs a del-port for it). Never attached before its netdev exists.
  bool transient = false;
  friend bool operator==(const PortConfig&, const PortConfig&) = default;
};

struct BridgeSettings {
  std::uint32_t ageing_time = kDefaultAgeingTime;  // seconds
  std::uint32_t fdb_max = kDefaultFdbMax;          // bridge-wide FDB size limit
  friend bool operator==(const BridgeSettings&, const BridgeSettings&) = default;
};

// A static FDB entry (vswitchctl fdb-add): never ages, never moves; kept with the configuration and
// removed with its port.
struct StaticFdbEntry {
  MacAddress mac;
  VlanId vlan = 0;
  std::string port;
  friend bool operator==(const StaticFdbEntry&, const StaticFdbEntry&) = default;
};

struct BridgeConfig {
  std::string name;
  BridgeSettings settings;
  std::vector<PortConfig> ports;
  std::vector<StaticFdbEntry> static_fdb;
  friend bool operator==(const BridgeConfig&, const BridgeConfig&) = default;
};

struct SwitchConfig {
  std::vector<BridgeConfig> bridges;
  friend bool operator==(const SwitchConfig&, const SwitchConfig&) = default;
};

// Empty when `name` is a valid bridge name (same rules as interface names), else the reason.
std::string validate_bridge_name(std::string_view name);

nlohmann::json to_json(const PortOptions& o);
nlohmann::json to_json(const PortConfig& p);
nlohmann::json to_json(const BridgeSettings& s);
nlohmann::json to_json(const BridgeConfig& b);
nlohmann::json to_json(const SwitchConfig& c);

// VLAN fields of a port ("vlan_mode", "tag", "trunks") into `out`.
void vlan_to_json(const VlanConfig& v, nlohmann::json& out);

// Strict parsers; throw Error(InvalidParams) naming the field. `where` prefixes messages ("ports[2]").
PortConfig port_config_from_json(const nlohmann::json& j, const std::string& where = "port");
BridgeConfig bridge_config_from_json(const nlohmann::json& j, const std::string& where = "bridge");
SwitchConfig switch_config_from_json(const nlohmann::json& j);
// Reads "vlan_mode"/"tag"/"trunks" from an object holding them (missing mode = default).
VlanConfig vlan_config_from_json(const nlohmann::json& j, const std::string& where);

}  // namespace vswitch
