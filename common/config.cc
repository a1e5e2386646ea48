#include "common/config.h"

#include <set>

#include "common/error.h"
#include "common/ifname.h"

namespace vswitch {

using nlohmann::json;

std::string_view to_string(PortType t) {
  switch (t) {
    case PortType::Auto: return "auto";
    case PortType::Tap: return "tap";
    case PortType::System: return "system";
  }
  return "?";
}

std::optional<PortType> parse_port_type(std::string_view text) {
  for (auto t : {PortType::Auto, PortType::Tap, PortType::System})
    if (to_string(t) == text) return t;
  return std::nullopt;
}

std::string validate_bridge_name(std::string_view name) {
  std::string why = validate_ifname(name);
  if (why.rfind("interface name", 0) == 0) why.replace(0, 14, "bridge name");
  return why;
}

namespace {

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw Error(ErrorCode::InvalidParams, where + ": " + what);
}

void require_object(const json& j, const std::string& where) {
  if (!j.is_object()) bad(where, "must be a JSON object");
}

// Refuses keys outside `allowed`, so that a typo ("learnign") is an error rather than a silent default.
void check_keys(const json& j, const std::string& where, std::initializer_list<std::string_view> allowed) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool ok = false;
    for (auto a : allowed) ok = ok || it.key() == a;
    if (!ok) bad(where, "unknown field '" + it.key() + "'");
  }
}

bool get_bool(const json& j, const char* key, bool def, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) return def;
  if (!it->is_boolean()) bad(where, std::string("'") + key + "' must be true or false");
  return it->get<bool>();
}

std::uint32_t get_u32(const json& j, const char* key, std::uint32_t def, std::uint32_t lo, std::uint32_t hi,
                      const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) return def;
  if (!it->is_number_integer()) bad(where, std::string("'") + key + "' must be an integer");
  const auto v = it->get<std::int64_t>();
  if (v < lo || v > hi)
    bad(where, std::string("'") + key + "' must be in " + std::to_string(lo) + ".." + std::to_string(hi));
  return static_cast<std::uint32_t>(v);
}

std::string get_string(const json& j, const char* key, const std::string& where, bool required,
                       std::string def = {}) {
  auto it = j.find(key);
  if (it == j.end()) {
    if (required) bad(where, std::string("missing '") + key + "'");
    return def;
  }
  if (!it->is_string()) bad(where, std::string("'") + key + "' must be a string");
  return it->get<std::string>();
}

}  // namespace

void vlan_to_json(const VlanConfig& v, json& out) {
  out["vlan_mode"] = std::string(to_string(v.mode));
  out["tag"] = v.tag;
  out["trunks"] = v.trunks.to_string();
}

json to_json(const PortOptions& o) {
  return json{{"learning", o.learning}, {"flood", o.flood},     {"mcast_flood", o.mcast_flood},
              {"isolated", o.isolated}, {"hairpin", o.hairpin}, {"mac_limit", o.mac_limit}};
}

json to_json(const PortConfig& p) {
  json j = to_json(p.options);
  j["name"] = p.name;
  j["type"] = std::string(to_string(p.type));
  vlan_to_json(p.vlan, j);
  if (p.transient) j["transient"] = true;
  return j;
}

json to_json(const BridgeSettings& s) { return json{{"ageing_time", s.ageing_time}, {"fdb_max", s.fdb_max}}; }

json to_json(const BridgeConfig& b) {
  json j = to_json(b.settings);
  j["name"] = b.name;
  j["ports"] = json::array();
  for (const auto& p : b.ports) j["ports"].push_back(to_json(p));
  if (!b.static_fdb.empty()) {
    j["static_fdb"] = json::array();
    for (const auto& e : b.static_fdb)
      j["static_fdb"].push_back(json{{"mac", e.mac.to_string()}, {"vlan", e.vlan}, {"port", e.port}});
  }
  return j;
}

json to_json(const SwitchConfig& c) {
  json j{{"bridges", json::array()}};
  for (const auto& b : c.bridges) j["bridges"].push_back(to_json(b));
  return j;
}

VlanConfig vlan_config_from_json(const json& j, const std::string& where) {
  VlanConfig v;
  const std::string mode = get_string(j, "vlan_mode", where, false, "default");
  auto m = parse_vlan_mode(mode);
  if (!m) bad(where, "'vlan_mode' must be one of default, access, trunk, native-untagged, native-tagged");
  v.mode = *m;
  v.tag = static_cast<VlanId>(get_u32(j, "tag", 0, 0, kMaxVlan, where));
  const std::string trunks = get_string(j, "trunks", where, false);
  if (!trunks.empty()) {
    std::string why;
    auto set = VlanSet::parse(trunks, &why);
    if (!set) bad(where, "'trunks': " + why);
    v.trunks = *set;
  }
  if (auto why = v.validate(); !why.empty()) bad(where, why);
  return v;
}

PortConfig port_config_from_json(const json& j, const std::string& where) {
  require_object(j, where);
  check_keys(j, where,
             {"name", "type", "vlan_mode", "tag", "trunks", "learning", "flood", "mcast_flood", "isolated",
              "hairpin", "mac_limit", "transient"});
  PortConfig p;
  p.name = get_string(j, "name", where, true);
  if (auto why = validate_ifname(p.name); !why.empty()) bad(where, why);
  auto t = parse_port_type(get_string(j, "type", where, false, "auto"));
  if (!t) bad(where, "'type' must be auto, tap or system");
  p.type = *t;
  p.vlan = vlan_config_from_json(j, where);
  p.options.learning = get_bool(j, "learning", true, where);
  p.options.flood = get_bool(j, "flood", true, where);
  p.options.mcast_flood = get_bool(j, "mcast_flood", true, where);
  p.options.isolated = get_bool(j, "isolated", false, where);
  p.options.hairpin = get_bool(j, "hairpin", false, where);
  p.options.mac_limit = get_u32(j, "mac_limit", 0, 0, kMaxFdbMax, where);
  p.transient = get_bool(j, "transient", false, where);
  return p;
}

BridgeConfig bridge_config_from_json(const json& j, const std::string& where) {
  require_object(j, where);
  check_keys(j, where, {"name", "ageing_time", "fdb_max", "ports", "static_fdb"});
  BridgeConfig b;
  b.name = get_string(j, "name", where, true);
  if (auto why = validate_bridge_name(b.name); !why.empty()) bad(where, why);
  b.settings.ageing_time =
      get_u32(j, "ageing_time", kDefaultAgeingTime, kMinAgeingTime, kMaxAgeingTime, where);
  b.settings.fdb_max = get_u32(j, "fdb_max", kDefaultFdbMax, 1, kMaxFdbMax, where);
  if (auto it = j.find("ports"); it != j.end()) {
    if (!it->is_array()) bad(where, "'ports' must be an array");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < it->size(); ++i) {
      auto p = port_config_from_json((*it)[i], where + ".ports[" + std::to_string(i) + "]");
      if (!seen.insert(p.name).second) bad(where, "port '" + p.name + "' is listed twice");
      b.ports.push_back(std::move(p));
    }
  }
  if (auto it = j.find("static_fdb"); it != j.end()) {
    if (!it->is_array()) bad(where, "'static_fdb' must be an array");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const std::string at = where + ".static_fdb[" + std::to_string(i) + "]";
      const json& e = (*it)[i];
      require_object(e, at);
      check_keys(e, at, {"mac", "vlan", "port"});
      StaticFdbEntry entry;
      auto mac = MacAddress::parse(get_string(e, "mac", at, true));
      if (!mac || !mac->is_valid_source()) bad(at, "'mac' must be a unicast MAC address");
      entry.mac = *mac;
      entry.vlan = static_cast<VlanId>(get_u32(e, "vlan", 0, 0, kMaxVlan, at));
      entry.port = get_string(e, "port", at, true);
      bool known = false;
      for (const auto& p : b.ports) known = known || p.name == entry.port;
      if (!known) bad(at, "port '" + entry.port + "' is not a port of bridge '" + b.name + "'");
      for (const auto& other : b.static_fdb)
        if (other.mac == entry.mac && other.vlan == entry.vlan) bad(at, "entry listed twice");
      b.static_fdb.push_back(std::move(entry));
    }
  }
  return b;
}

SwitchConfig switch_config_from_json(const json& j) {
  require_object(j, "config");
  check_keys(j, "config", {"bridges", "version"});
  SwitchConfig c;
  auto it = j.find("bridges");
  if (it == j.end()) return c;
  if (!it->is_array()) bad("config", "'bridges' must be an array");
  std::set<std::string> bridges, ports;
  for (std::size_t i = 0; i < it->size(); ++i) {
    auto b = bridge_config_from_json((*it)[i], "bridges[" + std::to_string(i) + "]");
    if (!bridges.insert(b.name).second) bad("config", "bridge '" + b.name + "' is listed twice");
    for (const auto& p : b.ports)
      if (!ports.insert(p.name).second) bad("config", "port '" + p.name + "' is on two bridges");
    c.bridges.push_back(std::move(b));
  }
  return c;
}

}  // namespace vswitch
