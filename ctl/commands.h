// vswitchctl's commands: for each, its usage line, the options it takes, how its words become the
// params of the JSON-RPC method of the same name (docs/protocol.md), and how the result is shown
// to a person. Values are checked here too (VLANs, MACs, names), so that a typo is answered with
// the command's usage before anything is sent; the daemon checks them again.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string_view>
#include <vector>

#include "ctl/args.h"

namespace vswitch::ctl {

struct Command {
  std::string_view name;   // also the JSON-RPC method
  std::string_view usage;  // after "vswitchctl "
  std::string_view summary;
  std::vector<OptionSpec> options;
  std::size_t min_positional = 0;
  std::size_t max_positional = 0;
  // Params of the request; throws UsageError.
  nlohmann::json (*build)(const Args&) = nullptr;
  // Human rendering of the result.
  void (*print)(const nlohmann::json& result, const Args&, std::ostream&) = nullptr;
};

const std::vector<Command>& commands();
const Command* find_command(std::string_view name);

}  // namespace vswitch::ctl
