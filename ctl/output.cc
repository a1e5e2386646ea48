#include "ctl/output.h"

#include <string>
#include <vector>

#include "common/config.h"
#include "common/vlan.h"
#include "ctl/table.h"

namespace vswitch::ctl {

using nlohmann::json;

namespace {

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string num(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->dump() : "0";
}

std::string vlan_text(const json& port) {
  try {
    return vlan_config_from_json(port, "port").describe();
  } catch (const std::exception&) {
    return str(port, "vlan_mode") + " " + str(port, "tag") + " " + str(port, "trunks");
  }
}

// Options that differ from their defaults, e.g. "learning off, isolated, mac_limit 100".
std::string options_text(const json& port) {
  const PortOptions defaults;
  std::vector<std::string> parts;
  auto flag = [&](const char* key, bool def) {
    auto it = port.find(key);
    if (it == port.end() || !it->is_boolean() || it->get<bool>() == def) return;
    parts.push_back(def ? std::string(key) + " off" : std::string(key));
  };
  flag("learning", defaults.learning);
  flag("flood", defaults.flood);
  flag("mcast_flood", defaults.mcast_flood);
  flag("isolated", defaults.isolated);
  flag("hairpin", defaults.hairpin);
  if (auto it = port.find("mac_limit"); it != port.end() && it->is_number() && *it != 0)
    parts.push_back("mac_limit " + it->dump());
  if (port.value("transient", false)) parts.push_back("transient (deleted when its netdev goes)");
  std::string text;
  for (const auto& p : parts) text += (text.empty() ? "" : ", ") + p;
  return text;
}

}  // namespace

void print_names(const json& names, std::ostream& out) {
  for (const auto& n : names) {
    if (n.is_object())
      out << str(n, "name") << "\n";  // a port status
    else
      out << (n.is_string() ? n.get<std::string>() : n.dump()) << "\n";
  }
}

// Like `ovs-vsctl show`: a tree of bridges and ports.
void print_show(const json& result, std::ostream& out) {
  for (const auto& b : result.value("bridges", json::array())) {
    out << "Bridge " << str(b, "name") << "\n";
    out << "    ageing_time: " << num(b, "ageing_time") << "s, fdb_max: " << num(b, "fdb_max")
        << ", fdb_entries: " << num(b, "fdb_entries") << "\n";
    for (const auto& p : b.value("ports", json::array())) {
      out << "    Port " << str(p, "name") << "\n";
      std::string type = str(p, "type");
      const std::string kind = str(p, "kind");
      if (type == "auto" && !kind.empty() && kind != "auto") type += " (" + kind + ")";
      std::string status = "type: " + type + ", state: " + str(p, "state");
      if (str(p, "state") != "absent")
        status += ", ifindex: " + num(p, "ifindex") + ", mtu: " + num(p, "mtu");
      if (p.value("owned", false)) status += ", created by vswitchd";
      out << "        " << status << "\n";
      out << "        vlan: " << vlan_text(p) << "\n";
      if (auto opts = options_text(p); !opts.empty()) out << "        options: " << opts << "\n";
    }
  }
}

// Like `ovs-appctl fdb/show`: one row per entry.
void print_fdb(const json& result, std::ostream& out) {
  Table t({{"Port"}, {"VLAN", Table::Align::Right}, {"MAC"}, {"Type"}, {"Age", Table::Align::Right}});
  for (const auto& e : result.value("entries", json::array())) {
    const bool is_static = e.value("static", false);
    t.add_row({str(e, "port"), num(e, "vlan"), str(e, "mac"), is_static ? "static" : "dynamic",
               is_static ? "-" : num(e, "age")});
  }
  t.print(out);
}

void print_stats(const json& result, std::ostream& out) {
  bool first = true;
  for (const auto& b : result.value("bridges", json::array())) {
    if (!first) out << "\n";
    first = false;
    const json fdb = b.value("fdb", json::object());
    out << "Bridge " << str(b, "name") << ": FDB " << num(b, "fdb_entries") << "/" << num(b, "fdb_max")
        << " entries (learned " << num(fdb, "learned") << ", moved " << num(fdb, "moved") << ", aged "
        << num(fdb, "aged") << ", overflow " << num(fdb, "overflow") << ", port limit "
        << num(fdb, "port_limit") << ")\n";
    constexpr auto R = Table::Align::Right;
    Table ports({{"Port"},
                 {"RX frames", R},
                 {"RX bytes", R},
                 {"TX frames", R},
                 {"TX bytes", R},
                 {"RX drops", R},
                 {"TX drops", R}});
    Table drops({{"Port"}, {"Drop reason"}, {"Frames", R}});
    for (const auto& p : b.value("ports", json::array())) {
      ports.add_row({str(p, "name"), num(p, "rx_frames"), num(p, "rx_bytes"), num(p, "tx_frames"),
                     num(p, "tx_bytes"), num(p, "rx_dropped"), num(p, "tx_dropped")});
      const json reasons = p.value("drops", json::object());
      for (auto it = reasons.begin(); it != reasons.end(); ++it)
        if (it->is_number() && *it != 0) drops.add_row({str(p, "name"), it.key(), it->dump()});
    }
    ports.print(out, "  ");
    if (!drops.empty()) {
      out << "\n";
      drops.print(out, "  ");
    }
  }
}

void print_version(const json& result, std::ostream& out) {
  out << "vswitchctl " << VSWITCH_VERSION << "\n";
  out << "vswitchd " << str(result, "version") << " (protocol " << num(result, "protocol") << ")\n";
}

}  // namespace vswitch::ctl
