// JSON of the switch's status structs (results of show, fdb-show and stats). Configuration fields
// are written by common/config.h's to_json, so a port in "show" reads exactly like a port in the
// state file, plus its live status. The shapes are documented in docs/protocol.md.
#pragma once

#include <nlohmann/json.hpp>

#include "switchd/control/switch_api.h"

namespace vswitch {

nlohmann::json to_json(const PortStatus& p);
nlohmann::json to_json(const BridgeStatus& b);
nlohmann::json to_json(const FdbRow& r);
nlohmann::json to_json(const PortCounters& c);
nlohmann::json to_json(const MacTableStats& s);
nlohmann::json to_json(const BridgeStats& b);

}  // namespace vswitch
