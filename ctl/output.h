// Human output of vswitchctl: aligned tables and an ovs-vsctl-like tree, rendered from the JSON
// results of docs/protocol.md. Tolerant of fields it does not know (a newer daemon).
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>

namespace vswitch::ctl {

// list-br (names) and list-ports (port objects): one name a line, for shell loops.
void print_names(const nlohmann::json& names, std::ostream& out);
void print_show(const nlohmann::json& result, std::ostream& out);     // show
void print_fdb(const nlohmann::json& result, std::ostream& out);      // fdb-show
void print_stats(const nlohmann::json& result, std::ostream& out);    // stats
void print_version(const nlohmann::json& result, std::ostream& out);  // version

}  // namespace vswitch::ctl
