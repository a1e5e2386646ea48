#include "switchd/control/dispatcher.h"

#include <algorithm>
#include <array>
#include <exception>
#include <functional>
#include <new>

#include "common/config.h"
#include "common/error.h"
#include "common/log.h"
#include "common/protocol.h"
#include "switchd/control/params.h"
#include "switchd/control/status_json.h"

namespace vswitch {

using nlohmann::json;
namespace method = protocol::method;

namespace {

using Handler = json (*)(SwitchApi&, Params&);

json empty_result() { return json::object(); }

// ---- bridges ----

json add_br(SwitchApi& sw, Params& p) {
  const std::string name = p.bridge("bridge");
  // The bridge settings are parsed by the configuration schema, so their names, types and ranges
  // are the state file's.
  json settings{{"name", name}};
  for (const char* key : {"ageing_time", "fdb_max"})
    if (const json* v = p.opt_raw(key)) settings[key] = *v;
  const bool may_exist = p.flag("may_exist");
  p.finish();
  sw.add_bridge(name, bridge_config_from_json(settings, "params").settings, may_exist);
  return empty_result();
}

json del_br(SwitchApi& sw, Params& p) {
  const std::string name = p.bridge("bridge");
  const bool if_exists = p.flag("if_exists");
  p.finish();
  sw.del_bridge(name, if_exists);
  return empty_result();
}

json list_br(SwitchApi& sw, Params& p) {
  p.finish();
  return json{{"bridges", sw.list_bridges()}};
}

json set_br(SwitchApi& sw, Params& p) {
  const std::string name = p.bridge("bridge");
  json settings{{"name", name}};
  for (const char* key : {"ageing_time", "fdb_max"})
    if (const json* v = p.opt_raw(key)) settings[key] = *v;
  p.finish();
  const BridgeSettings parsed = bridge_config_from_json(settings, "params").settings;
  BridgePatch patch;
  if (settings.contains("ageing_time")) patch.ageing_time = parsed.ageing_time;
  if (settings.contains("fdb_max")) patch.fdb_max = parsed.fdb_max;
  sw.set_bridge(name, patch);
  return empty_result();
}

// ---- ports ----

json add_port(SwitchApi& sw, Params& p) {
  const std::string bridge = p.bridge("bridge");
  const PortConfig port = port_config_from_json(p.raw("port"), "param 'port'");
  const bool may_exist = p.flag("may_exist");
  p.finish();
  sw.add_port(bridge, port, may_exist);
  return empty_result();
}

json del_port(SwitchApi& sw, Params& p) {
  const auto bridge = p.opt_bridge("bridge");
  const std::string port = p.ifname("port");
  const bool if_exists = p.flag("if_exists");
  p.finish();
  sw.del_port(bridge, port, if_exists);
  return empty_result();
}

json list_ports(SwitchApi& sw, Params& p) {
  const std::string bridge = p.bridge("bridge");
  p.finish();
  const auto bridges = sw.show(bridge);
  json ports = json::array();
  for (const auto& b : bridges)
    for (const auto& port : b.ports) ports.push_back(to_json(port));
  return json{{"bridge", bridge}, {"ports", std::move(ports)}};
}

std::optional<VlanConfig> current_vlan(const SwitchApi& sw, const std::string& port) {
  for (const auto& b : sw.config().bridges)
    for (const auto& p : b.ports)
      if (p.name == port) return p.vlan;
  return std::nullopt;
}

// The VLAN edit of set-port (docs/protocol.md): "vlan" replaces the whole VLAN configuration;
// "trunks", "native" and "native_tagged" edit a trunk and keep what they do not name.
std::optional<VlanConfig> vlan_patch(const SwitchApi& sw, const std::string& port, Params& p) {
  const json* whole = p.opt_raw("vlan");
  const auto trunks = p.opt_string("trunks");
  const json* native_raw = p.opt_raw("native");
  const auto native_tagged = p.opt_bool("native_tagged");
  if (whole) {
    if (trunks || native_raw || native_tagged)
      throw Error(ErrorCode::InvalidParams,
                  "param 'vlan' cannot be combined with 'trunks', 'native' or 'native_tagged'");
    if (!whole->is_object()) Params::fail("vlan", "must be an object with vlan_mode, tag and trunks");
    for (auto it = whole->begin(); it != whole->end(); ++it)
      if (it.key() != "vlan_mode" && it.key() != "tag" && it.key() != "trunks")
        Params::fail("vlan", "has unknown field '" + it.key() + "'");
    return vlan_config_from_json(*whole, "param 'vlan'");
  }
  std::optional<VlanId> native;
  if (native_raw) {  // 0 removes the native VLAN; anything else must be a VLAN ID
    const auto n = as_int(*native_raw);
    if (!n || *n < 0 || *n > kMaxVlan)
      Params::fail("native", "must be a VLAN ID (1..4094), or 0 to remove the native VLAN");
    native = static_cast<VlanId>(*n);
  }
  if (!trunks && !native && !native_tagged) return std::nullopt;

  auto cur = current_vlan(sw, port);
  if (!cur) throw Error(ErrorCode::NoSuchPort, "no port named '" + port + "'");
  VlanConfig v = *cur;
  const bool was_trunk =
      v.mode == VlanMode::Trunk || v.mode == VlanMode::NativeUntagged || v.mode == VlanMode::NativeTagged;
  if (!was_trunk) {  // an access or default port becomes a trunk of every VLAN, then edited
    v = VlanConfig::trunk({});
  }
  if (trunks) {
    if (trunks->empty()) {
      v.trunks = VlanSet{};
    } else {
      std::string why;
      auto set = VlanSet::parse(*trunks, &why);
      if (!set) Params::fail("trunks", "is not a VLAN list like \"10,20,30-40\": " + why);
      v.trunks = *set;
    }
  }
  if (native) {
    if (*native == 0) {
      if (native_tagged) Params::fail("native_tagged", "needs a native VLAN");
      v.mode = VlanMode::Trunk;
      v.tag = 0;
    } else {
      const bool tagged = native_tagged.value_or(cur->mode == VlanMode::NativeTagged);
      v.mode = tagged ? VlanMode::NativeTagged : VlanMode::NativeUntagged;
      v.tag = *native;
    }
  } else if (native_tagged) {
    if (v.mode == VlanMode::Trunk) Params::fail("native_tagged", "needs a native VLAN (param 'native')");
    v.mode = *native_tagged ? VlanMode::NativeTagged : VlanMode::NativeUntagged;
  }
  if (auto why = v.validate(); !why.empty()) throw Error(ErrorCode::InvalidParams, why);
  return v;
}

json set_port(SwitchApi& sw, Params& p) {
  const std::string port = p.ifname("port");
  PortPatch patch;
  patch.learning = p.opt_bool("learning");
  patch.flood = p.opt_bool("flood");
  patch.mcast_flood = p.opt_bool("mcast_flood");
  patch.isolated = p.opt_bool("isolated");
  patch.hairpin = p.opt_bool("hairpin");
  patch.mac_limit = p.opt_u32("mac_limit", 0, kMaxFdbMax);
  // Checked before the VLAN edit, which looks the port up: a typo is reported as such.
  for (const char* key : {"vlan", "trunks", "native", "native_tagged"}) p.opt_raw(key);
  p.finish();
  patch.vlan = vlan_patch(sw, port, p);
  sw.set_port(port, patch);
  return empty_result();
}

// ---- status ----

json show(SwitchApi& sw, Params& p) {
  const auto bridge = p.opt_bridge("bridge");
  p.finish();
  json bridges = json::array();
  for (const auto& b : sw.show(bridge)) bridges.push_back(to_json(b));
  return json{{"bridges", std::move(bridges)}};
}

FdbFilter fdb_filter(Params& p) {
  FdbFilter f;
  f.vlan = p.opt_vlan("vlan");
  f.port = p.opt_ifname("port");
  return f;
}

json fdb_show(SwitchApi& sw, Params& p) {
  const std::string bridge = p.bridge("bridge");
  const FdbFilter filter = fdb_filter(p);
  p.finish();
  json entries = json::array();
  for (const auto& row : sw.fdb_show(bridge, filter)) entries.push_back(to_json(row));
  return json{{"bridge", bridge}, {"entries", std::move(entries)}};
}

json fdb_flush(SwitchApi& sw, Params& p) {
  const std::string bridge = p.bridge("bridge");
  const FdbFilter filter = fdb_filter(p);
  p.finish();
  return json{{"removed", sw.fdb_flush(bridge, filter)}};
}

json fdb_add(SwitchApi& sw, Params& p) {
  const std::string bridge = p.bridge("bridge");
  const MacAddress mac = p.mac("mac");
  const std::string port = p.ifname("port");
  const VlanId vlan = p.opt_vlan("vlan").value_or(kUntaggedVlan);
  p.finish();
  sw.fdb_add(bridge, mac, port, vlan);
  return empty_result();
}

json fdb_del(SwitchApi& sw, Params& p) {
  const std::string bridge = p.bridge("bridge");
  const MacAddress mac = p.mac("mac");
  const VlanId vlan = p.opt_vlan("vlan").value_or(kUntaggedVlan);
  p.finish();
  sw.fdb_del(bridge, mac, vlan);
  return empty_result();
}

json stats(SwitchApi& sw, Params& p) {
  const auto target = p.opt_ifname("target") /* a bridge or a port: both follow interface-name rules */;
  p.finish();
  json bridges = json::array();
  for (const auto& b : sw.stats(target)) bridges.push_back(to_json(b));
  return json{{"bridges", std::move(bridges)}};
}

json version(SwitchApi&, Params& p) {
  p.finish();
  return json{{"version", VSWITCH_VERSION}, {"protocol", protocol::kProtocolVersion}};
}

struct MethodEntry {
  std::string_view name;
  Handler handler;
};

constexpr std::array kMethods{
    MethodEntry{method::kAddBr, add_br},       MethodEntry{method::kDelBr, del_br},
    MethodEntry{method::kListBr, list_br},     MethodEntry{method::kAddPort, add_port},
    MethodEntry{method::kDelPort, del_port},   MethodEntry{method::kListPorts, list_ports},
    MethodEntry{method::kSetPort, set_port},   MethodEntry{method::kSetBr, set_br},
    MethodEntry{method::kShow, show},          MethodEntry{method::kFdbShow, fdb_show},
    MethodEntry{method::kFdbFlush, fdb_flush}, MethodEntry{method::kFdbAdd, fdb_add},
    MethodEntry{method::kFdbDel, fdb_del},     MethodEntry{method::kStats, stats},
    MethodEntry{method::kVersion, version},
};

Handler find_method(std::string_view name) {
  for (const auto& m : kMethods)
    if (m.name == name) return m.handler;
  return nullptr;
}

// Deepest array/object nesting of a JSON text, counted without parsing (strings skipped), so that a
// line of a million '[' is refused before a parser or a destructor recurses over it.
std::size_t nesting_depth(std::string_view text) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    switch (c) {
      case '"': in_string = true; break;
      case '[':
      case '{': deepest = std::max(deepest, ++depth); break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      default: break;
    }
  }
  return deepest;
}

std::string error_line(const json& id, ErrorCode code, std::string_view message) {
  return protocol::to_line(protocol::make_error(id, code, message));
}

// What a parse error says, without nlohmann's "[json.exception.parse_error.101] " prefix.
std::string parse_error_text(const json::exception& e) {
  std::string what = e.what();
  if (auto pos = what.find("] "); pos != std::string::npos) what.erase(0, pos + 2);
  if (what.size() > 200) what = what.substr(0, 197) + "...";
  return what;
}

std::string dispatch_unchecked(SwitchApi& sw, std::string_view line) {
  if (line.size() > protocol::kMaxMessageSize)
    return error_line(nullptr, ErrorCode::InvalidRequest,
                      "request larger than " + std::to_string(protocol::kMaxMessageSize) + " bytes");
  if (nesting_depth(line) > protocol::kMaxNestingDepth)
    return error_line(nullptr, ErrorCode::InvalidRequest,
                      "request nested deeper than " + std::to_string(protocol::kMaxNestingDepth) + " levels");
  json request;
  try {
    request = json::parse(line);
  } catch (const json::parse_error& e) {
    return error_line(nullptr, ErrorCode::ParseError, "invalid JSON: " + parse_error_text(e));
  } catch (const json::out_of_range& e) {
    // A number too large even for a double ("1E400") is out_of_range.406, not a parse_error.
    return error_line(nullptr, ErrorCode::ParseError, "invalid JSON: " + parse_error_text(e));
  }
  if (request.is_array())
    return error_line(nullptr, ErrorCode::InvalidRequest,
                      "batch requests are not supported; send one object per line");
  if (!request.is_object())
    return error_line(nullptr, ErrorCode::InvalidRequest, "a request must be a JSON object");

  // The id first, so that every later error can be answered to the right request.
  json id = nullptr;
  const auto id_it = request.find("id");
  const bool notification = id_it == request.end();
  if (!notification) {
    if (!(id_it->is_string() || id_it->is_number() || id_it->is_null()))
      return error_line(nullptr, ErrorCode::InvalidRequest, "'id' must be a string, a number or null");
    id = *id_it;
  }
  for (auto it = request.begin(); it != request.end(); ++it) {
    if (it.key() != "jsonrpc" && it.key() != "id" && it.key() != "method" && it.key() != "params")
      return error_line(id, ErrorCode::InvalidRequest, "unknown member '" + it.key() + "' in request");
  }
  if (auto v = request.find("jsonrpc"); v == request.end() || *v != protocol::kJsonRpcVersion)
    return error_line(id, ErrorCode::InvalidRequest, "'jsonrpc' must be \"2.0\"");
  const auto method_it = request.find("method");
  if (method_it == request.end() || !method_it->is_string())
    return error_line(id, ErrorCode::InvalidRequest, "'method' must be a string");
  const json* params = nullptr;
  if (auto it = request.find("params"); it != request.end()) {
    if (!it->is_object() && !it->is_array())
      return error_line(id, ErrorCode::InvalidRequest, "'params' must be an object");
    params = &*it;
  }

  const std::string& name = method_it->get_ref<const std::string&>();
  json response;
  if (Handler handler = find_method(name); !handler) {
    std::string shown = name.size() > 64 ? name.substr(0, 61) + "..." : name;
    response = protocol::make_error(id, ErrorCode::MethodNotFound, "unknown method '" + shown + "'");
  } else {
    try {
      if (params && params->is_array())
        throw Error(ErrorCode::InvalidParams, "params must be an object of named params, not an array");
      Params reader(params);
      response = protocol::make_result(id, handler(sw, reader));
      log::debug("control: ", name, " ok");
    } catch (const Error& e) {
      log::debug("control: ", name, " failed: ", e.what());
      response = protocol::make_error(id, e.code(), e.what());
    } catch (const json::exception& e) {
      // Our own code misusing a value (e.g. a get<> on a wrong type) - a bug, but never fatal.
      log::error("control: ", name, ": internal JSON error: ", e.what());
      response =
          protocol::make_error(id, ErrorCode::InternalError, std::string("internal error: ") + e.what());
    } catch (const std::exception& e) {
      log::error("control: ", name, ": internal error: ", e.what());
      response =
          protocol::make_error(id, ErrorCode::InternalError, std::string("internal error: ") + e.what());
    }
  }
  if (notification) return {};
  return protocol::to_line(response);
}

}  // namespace

std::string Dispatcher::dispatch(std::string_view line) noexcept {
  // Last resort when even building an error fails (out of memory): a constant line.
  static constexpr std::string_view kOutOfMemory =
      R"({"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"internal error: out of memory","data":"internal-error"}})";
  try {
    try {
      return dispatch_unchecked(sw_, line);
    } catch (const Error& e) {
      return error_line(nullptr, e.code(), e.what());
    } catch (const std::bad_alloc&) {
      return std::string(kOutOfMemory);
    } catch (const std::exception& e) {
      log::error("control: internal error: ", e.what());
      return error_line(nullptr, ErrorCode::InternalError, std::string("internal error: ") + e.what());
    } catch (...) {
      log::error("control: internal error: unknown exception");
      return error_line(nullptr, ErrorCode::InternalError, "internal error");
    }
  } catch (...) {
    return std::string(kOutOfMemory);
  }
}

}  // namespace vswitch
