#include "switchd/control/status_json.h"

#include "common/config.h"
#include "switchd/core/drop_reason.h"

namespace vswitch {

using nlohmann::json;

json to_json(const PortStatus& p) {
  json j = to_json(p.config);
  j["kind"] = std::string(to_string(p.kind));
  j["state"] = std::string(to_string(p.state));
  j["ifindex"] = p.ifindex;
  j["mtu"] = p.mtu;
  j["owned"] = p.owned;
  return j;
}

json to_json(const BridgeStatus& b) {
  json j = to_json(b.settings);
  j["name"] = b.name;
  j["fdb_entries"] = b.fdb_entries;
  j["ports"] = json::array();
  for (const auto& p : b.ports) j["ports"].push_back(to_json(p));
  return j;
}

json to_json(const FdbRow& r) {
  return json{{"port", r.port},
              {"vlan", r.vlan},
              {"mac", r.mac.to_string()},
              {"static", r.is_static},
              {"age", r.age}};
}

json to_json(const PortCounters& c) {
  json drops = json::object();
  for (std::size_t i = 0; i < kDropReasonCount; ++i)
    drops[std::string(drop_reason_name(static_cast<DropReason>(i)))] = c.drops[i];
  return json{{"rx_frames", c.rx_frames}, {"rx_bytes", c.rx_bytes},       {"tx_frames", c.tx_frames},
              {"tx_bytes", c.tx_bytes},   {"rx_dropped", c.rx_dropped()}, {"tx_dropped", c.tx_dropped()},
              {"drops", std::move(drops)}};
}

json to_json(const MacTableStats& s) {
  return json{{"learned", s.learned},
              {"moved", s.moved},
              {"aged", s.aged},
              {"overflow", s.overflow},
              {"port_limit", s.port_limit}};
}

json to_json(const BridgeStats& b) {
  json ports = json::array();
  for (const auto& p : b.ports) {
    json pj = to_json(p.counters);
    pj["name"] = p.name;
    ports.push_back(std::move(pj));
  }
  return json{{"name", b.name},
              {"fdb_entries", b.fdb_entries},
              {"fdb_max", b.fdb_max},
              {"fdb", to_json(b.fdb)},
              {"ports", std::move(ports)}};
}

}  // namespace vswitch
