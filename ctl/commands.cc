#include "ctl/commands.h"

#include <charconv>
#include <cstdint>

#include "common/config.h"
#include "common/ifname.h"
#include "common/mac.h"
#include "common/protocol.h"
#include "common/vlan.h"
#include "ctl/output.h"

namespace vswitch::ctl {

using nlohmann::json;
namespace method = protocol::method;

namespace {

// ---- values ----

std::string bridge_arg(const std::string& text) {
  if (auto why = validate_bridge_name(text); !why.empty()) throw UsageError(why);
  return text;
}

std::string ifname_arg(const std::string& text) {
  if (auto why = validate_ifname(text); !why.empty()) throw UsageError(why);
  return text;
}

VlanId vlan_arg(const std::string& text, std::string_view option) {
  auto v = parse_vlan(text);
  if (!v)
    throw UsageError("invalid VLAN '" + text + "' for --" + std::string(option) +
                     ": must be an integer in 1..4094");
  return *v;
}

std::optional<VlanId> opt_vlan(const Args& a, std::string_view option) {
  if (auto text = a.value(option)) return vlan_arg(*text, option);
  return std::nullopt;
}

std::string trunk_arg(const std::string& text) {
  std::string why;
  auto set = VlanSet::parse(text, &why);
  if (!set || set->empty())
    throw UsageError("invalid VLAN list '" + text + "' for --trunk (want e.g. 10,20,30-40)" +
                     (why.empty() ? std::string() : ": " + why));
  return set->to_string();
}

std::uint32_t number_arg(const std::string& text, std::string_view option, std::uint32_t lo,
                         std::uint32_t hi) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi)
    throw UsageError("invalid value '" + text + "' for --" + std::string(option) +
                     ": must be an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
  return static_cast<std::uint32_t>(v);
}

bool on_off_arg(const std::string& text, std::string_view option) {
  if (text == "on" || text == "true" || text == "yes") return true;
  if (text == "off" || text == "false" || text == "no") return false;
  throw UsageError("invalid value '" + text + "' for --" + std::string(option) + ": must be on or off");
}

// ---- builders ----

json no_params(const Args&) { return json::object(); }

json build_add_br(const Args& a) {
  json p{{"bridge", bridge_arg(a.positional()[0])}};
  if (auto v = a.value("ageing-time"))
    p["ageing_time"] = number_arg(*v, "ageing-time", kMinAgeingTime, kMaxAgeingTime);
  if (auto v = a.value("fdb-max")) p["fdb_max"] = number_arg(*v, "fdb-max", 1, kMaxFdbMax);
  if (a.has("may-exist")) p["may_exist"] = true;
  return p;
}

json build_del_br(const Args& a) {
  json p{{"bridge", bridge_arg(a.positional()[0])}};
  if (a.has("if-exists")) p["if_exists"] = true;
  return p;
}

json build_bridge_only(const Args& a) { return json{{"bridge", bridge_arg(a.positional()[0])}}; }

json build_add_port(const Args& a) {
  json port{{"name", ifname_arg(a.positional()[1])}};
  if (auto t = a.value("type")) {
    if (!parse_port_type(*t)) throw UsageError("invalid --type '" + *t + "': must be auto, tap or system");
    port["type"] = *t;
  }
  const auto access = opt_vlan(a, "vlan");
  const auto trunk = a.value("trunk");
  const auto native = opt_vlan(a, "native");
  const bool native_tagged = a.has("native-tagged");
  if (access && (trunk || native || native_tagged))
    throw UsageError("--vlan cannot be combined with --trunk, --native or --native-tagged");
  if (native_tagged && !native) throw UsageError("--native-tagged needs --native N");
  if (access) {
    port["vlan_mode"] = "access";
    port["tag"] = *access;
  } else if (trunk || native) {
    port["vlan_mode"] = native ? (native_tagged ? "native-tagged" : "native-untagged") : "trunk";
    if (native) port["tag"] = *native;
    if (trunk) port["trunks"] = trunk_arg(*trunk);
  }
  if (a.has("transient")) port["transient"] = true;
  json p{{"bridge", bridge_arg(a.positional()[0])}, {"port", std::move(port)}};
  if (a.has("may-exist")) p["may_exist"] = true;
  return p;
}

json build_del_port(const Args& a) {
  const auto& pos = a.positional();
  json p{{"port", ifname_arg(pos.back())}};
  if (pos.size() == 2) p["bridge"] = bridge_arg(pos[0]);
  if (a.has("if-exists")) p["if_exists"] = true;
  return p;
}

json build_set_port(const Args& a) {
  json p{{"port", ifname_arg(a.positional()[0])}};
  const bool edit = a.has("trunk") || a.has("native") || a.has("native-tagged") || a.has("native-untagged");
  if (a.has("vlan") + a.has("no-vlan") + edit > 1)
    throw UsageError("use one of --vlan N, --no-vlan, or --trunk/--native");
  if (a.has("native-tagged") && a.has("native-untagged"))
    throw UsageError("--native-tagged and --native-untagged exclude each other");
  if (auto v = opt_vlan(a, "vlan")) p["vlan"] = json{{"vlan_mode", "access"}, {"tag", *v}};
  if (a.has("no-vlan")) p["vlan"] = json{{"vlan_mode", "default"}};
  if (auto t = a.value("trunk")) p["trunks"] = trunk_arg(*t);
  if (auto n = a.value("native")) p["native"] = *n == "none" ? VlanId{0} : vlan_arg(*n, "native");
  if (a.has("native-tagged")) p["native_tagged"] = true;
  if (a.has("native-untagged")) p["native_tagged"] = false;
  for (const char* flag : {"learning", "flood", "mcast-flood", "isolated", "hairpin"}) {
    if (auto v = a.value(flag)) {
      std::string key = flag;
      if (key == "mcast-flood") key = "mcast_flood";
      p[key] = on_off_arg(*v, flag);
    }
  }
  if (auto v = a.value("mac-limit")) p["mac_limit"] = number_arg(*v, "mac-limit", 0, kMaxFdbMax);
  if (p.size() == 1) throw UsageError("nothing to set");
  return p;
}

json build_set_br(const Args& a) {
  json p{{"bridge", bridge_arg(a.positional()[0])}};
  if (auto v = a.value("ageing-time"))
    p["ageing_time"] = number_arg(*v, "ageing-time", kMinAgeingTime, kMaxAgeingTime);
  if (auto v = a.value("fdb-max")) p["fdb_max"] = number_arg(*v, "fdb-max", 1, kMaxFdbMax);
  if (p.size() == 1) throw UsageError("nothing to set");
  return p;
}

json build_show(const Args& a) {
  json p = json::object();
  if (!a.positional().empty()) p["bridge"] = bridge_arg(a.positional()[0]);
  return p;
}

json build_fdb_filter(const Args& a) {
  json p{{"bridge", bridge_arg(a.positional()[0])}};
  if (auto v = opt_vlan(a, "vlan")) p["vlan"] = *v;
  if (auto port = a.value("port")) p["port"] = ifname_arg(*port);
  return p;
}

json build_fdb_add(const Args& a) {
  const auto& pos = a.positional();
  if (!MacAddress::parse(pos[1]))
    throw UsageError("invalid MAC address '" + pos[1] + "' (want xx:xx:xx:xx:xx:xx)");
  json p{{"bridge", bridge_arg(pos[0])}, {"mac", pos[1]}, {"port", ifname_arg(pos[2])}};
  if (auto v = opt_vlan(a, "vlan")) p["vlan"] = *v;
  return p;
}

json build_fdb_del(const Args& a) {
  const auto& pos = a.positional();
  if (!MacAddress::parse(pos[1]))
    throw UsageError("invalid MAC address '" + pos[1] + "' (want xx:xx:xx:xx:xx:xx)");
  json p{{"bridge", bridge_arg(pos[0])}, {"mac", pos[1]}};
  if (auto v = opt_vlan(a, "vlan")) p["vlan"] = *v;
  return p;
}

json build_stats(const Args& a) {
  json p = json::object();
  if (!a.positional().empty()) p["target"] = ifname_arg(a.positional()[0]);
  return p;
}

// ---- printers ----

void print_nothing(const json&, const Args&, std::ostream&) {}
void print_bridges(const json& r, const Args&, std::ostream& out) {
  print_names(r.value("bridges", json::array()), out);
}
void print_ports(const json& r, const Args&, std::ostream& out) {
  print_names(r.value("ports", json::array()), out);
}
void print_show_cmd(const json& r, const Args&, std::ostream& out) { print_show(r, out); }
void print_fdb_cmd(const json& r, const Args&, std::ostream& out) { print_fdb(r, out); }
void print_stats_cmd(const json& r, const Args&, std::ostream& out) { print_stats(r, out); }
void print_version_cmd(const json& r, const Args&, std::ostream& out) { print_version(r, out); }
void print_flushed(const json& r, const Args& a, std::ostream& out) {
  const auto n = r.value("removed", std::uint64_t{0});
  out << "flushed " << n << " dynamic " << (n == 1 ? "entry" : "entries") << " from " << a.positional()[0]
      << "\n";
}

}  // namespace

const std::vector<Command>& commands() {
  static const std::vector<Command> table{
      {method::kAddBr,
       "add-br BR [--may-exist] [--ageing-time S] [--fdb-max N]",
       "create a bridge",
       {{"may-exist"}, {"ageing-time", true}, {"fdb-max", true}},
       1,
       1,
       build_add_br,
       print_nothing},
      {method::kDelBr,
       "del-br BR [--if-exists]",
       "delete a bridge and all its ports",
       {{"if-exists"}},
       1,
       1,
       build_del_br,
       print_nothing},
      {method::kListBr, "list-br", "list the bridges", {}, 0, 0, no_params, print_bridges},
      {method::kAddPort,
       "add-port BR IFACE [--type auto|tap|system] [--vlan N | --trunk LIST [--native N] [--native-tagged]] "
       "[--transient] [--may-exist]",
       "add interface IFACE to bridge BR (it may appear later; --transient: removed when IFACE vanishes)",
       {{"type", true},
        {"vlan", true},
        {"trunk", true},
        {"native", true},
        {"native-tagged"},
        {"transient"},
        {"may-exist"}},
       2,
       2,
       build_add_port,
       print_nothing},
      {method::kDelPort,
       "del-port [BR] IFACE [--if-exists]",
       "remove a port",
       {{"if-exists"}},
       1,
       2,
       build_del_port,
       print_nothing},
      {method::kListPorts,
       "list-ports BR",
       "list the ports of a bridge",
       {},
       1,
       1,
       build_bridge_only,
       print_ports},
      {method::kSetPort,
       "set-port IFACE [--vlan N | --no-vlan | --trunk LIST | --native N|none "
       "[--native-tagged|--native-untagged]] "
       "[--learning on|off] [--flood on|off] [--mcast-flood on|off] [--isolated on|off] [--hairpin on|off] "
       "[--mac-limit N]",
       "change a port's settings",
       {{"vlan", true},
        {"no-vlan"},
        {"trunk", true},
        {"native", true},
        {"native-tagged"},
        {"native-untagged"},
        {"learning", true},
        {"flood", true},
        {"mcast-flood", true},
        {"isolated", true},
        {"hairpin", true},
        {"mac-limit", true}},
       1,
       1,
       build_set_port,
       print_nothing},
      {method::kSetBr,
       "set-br BR [--ageing-time S] [--fdb-max N]",
       "change a bridge's settings",
       {{"ageing-time", true}, {"fdb-max", true}},
       1,
       1,
       build_set_br,
       print_nothing},
      {method::kShow,
       "show [BR]",
       "show bridges, ports, their VLANs and states",
       {},
       0,
       1,
       build_show,
       print_show_cmd},
      {method::kFdbShow,
       "fdb-show BR [--vlan N] [--port IFACE]",
       "show the MAC table",
       {{"vlan", true}, {"port", true}},
       1,
       1,
       build_fdb_filter,
       print_fdb_cmd},
      {method::kFdbFlush,
       "fdb-flush BR [--port IFACE] [--vlan N]",
       "forget learned MAC addresses",
       {{"vlan", true}, {"port", true}},
       1,
       1,
       build_fdb_filter,
       print_flushed},
      {method::kFdbAdd,
       "fdb-add BR MAC IFACE [--vlan N]",
       "add a static MAC table entry",
       {{"vlan", true}},
       3,
       3,
       build_fdb_add,
       print_nothing},
      {method::kFdbDel,
       "fdb-del BR MAC [--vlan N]",
       "delete a MAC table entry",
       {{"vlan", true}},
       2,
       2,
       build_fdb_del,
       print_nothing},
      {method::kStats,
       "stats [BR|IFACE]",
       "frame, byte and drop counters",
       {},
       0,
       1,
       build_stats,
       print_stats_cmd},
      {method::kVersion,
       "version",
       "versions of vswitchctl and vswitchd",
       {},
       0,
       0,
       no_params,
       print_version_cmd},
  };
  return table;
}

const Command* find_command(std::string_view name) {
  for (const auto& c : commands())
    if (c.name == name) return &c;
  return nullptr;
}

}  // namespace vswitch::ctl
