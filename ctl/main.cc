// vswitchctl: the operator's command-line tool, like ovs-vsctl/ovs-appctl for vswitchd.
//
//   vswitchctl [--socket PATH] [--json] [--timeout S] COMMAND [ARGS...]
//
// Each command is one JSON-RPC request on the control socket (docs/protocol.md); the result is
// shown as text for a person, or as the JSON result object with --json. Exit status: 0 done,
// 1 vswitchd refused or failed the request, 2 wrong usage, 3 vswitchd could not be reached.
//
// The command line is parsed by hand rather than with CLI11: the commands follow ovs-vsctl's shape
// (global options, then a command whose leading positional may be optional: "del-port [BR] IFACE"),
// and a mistake must print that command's one-line synopsis from issue 4, which CLI11's generated
// help does not produce.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "common/protocol.h"
#include "ctl/args.h"
#include "ctl/client.h"
#include "ctl/commands.h"

namespace vswitch::ctl {
namespace {

enum Exit { kOk = 0, kFailed = 1, kUsage = 2, kUnreachable = 3 };

struct Globals {
  std::string socket;
  bool json = false;
  double timeout = 30;
};

void print_help(std::ostream& out) {
  out << "usage: vswitchctl [--socket PATH] [--json] [--timeout S] COMMAND [ARGS...]\n\n"
         "Steers vswitchd through its control socket (default "
      << protocol::kDefaultSocketPath << ", or $" << protocol::kSocketEnvVar
      << ").\n  --json       print the result as JSON\n  --timeout S  give up after S seconds (0 = wait "
         "forever; default 30)\n\nCommands:\n";
  for (const auto& c : commands()) out << "  " << c.usage << "\n      " << c.summary << "\n";
}

// Takes the global options out of `words` (they may come before or after the command).
void take_globals(std::vector<std::string>& words, Globals& g) {
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w == "--") {
      rest.insert(rest.end(), words.begin() + static_cast<long>(i), words.end());
      break;
    }
    auto value_of = [&](const std::string& name) -> std::optional<std::string> {
      if (w == "--" + name) {
        if (i + 1 >= words.size()) throw UsageError("option '--" + name + "' needs a value");
        return words[++i];
      }
      if (w.rfind("--" + name + "=", 0) == 0) return w.substr(name.size() + 3);
      return std::nullopt;
    };
    if (w == "--json") {
      g.json = true;
    } else if (auto v = value_of("socket")) {
      g.socket = *v;
    } else if (auto t = value_of("timeout")) {
      try {
        std::size_t used = 0;
        g.timeout = std::stod(*t, &used);
        if (used != t->size() || g.timeout < 0 || g.timeout > 86400) throw std::invalid_argument(*t);
      } catch (const std::exception&) {
        throw UsageError("invalid --timeout '" + *t + "': seconds, 0..86400");
      }
    } else {
      rest.push_back(w);
    }
  }
  words = std::move(rest);
}

int run(std::vector<std::string> words) {
  Globals g;
  try {
    take_globals(words, g);
  } catch (const UsageError& e) {
    std::cerr << "vswitchctl: " << e.what() << "\n";
    print_help(std::cerr);
    return kUsage;
  }
  if (words.empty()) {
    std::cerr << "vswitchctl: missing command\n";
    print_help(std::cerr);
    return kUsage;
  }
  if (words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
    print_help(std::cout);
    return kOk;
  }
  if (words[0] == "--version") {
    std::cout << "vswitchctl " << VSWITCH_VERSION << "\n";
    return kOk;
  }
  const Command* cmd = find_command(words[0]);
  if (!cmd) {
    std::cerr << "vswitchctl: unknown command '" << words[0] << "'\n";
    print_help(std::cerr);
    return kUsage;
  }
  words.erase(words.begin());
  for (const auto& w : words) {
    if (w == "--help" || w == "-h") {
      std::cout << "usage: vswitchctl " << cmd->usage << "\n" << cmd->summary << "\n";
      return kOk;
    }
  }

  nlohmann::json params;
  Args args;
  try {
    args = Args::parse(words, cmd->options, cmd->min_positional, cmd->max_positional);
    params = cmd->build(args);
  } catch (const UsageError& e) {
    std::cerr << "vswitchctl: " << cmd->name << ": " << e.what() << "\n"
              << "usage: vswitchctl " << cmd->usage << "\n";
    return kUsage;
  }

  std::string socket = g.socket;
  if (socket.empty()) {
    const char* env = std::getenv(protocol::kSocketEnvVar);
    socket = env && *env ? env : std::string(protocol::kDefaultSocketPath);
  }
  Client client(socket, std::chrono::milliseconds(static_cast<long>(g.timeout * 1000)));
  protocol::Response response;
  try {
    response = client.call(cmd->name, params);
  } catch (const ConnectionError& e) {
    std::cerr << "vswitchctl: " << e.what() << "\n";
    return kUnreachable;
  }
  if (!response.ok()) {
    std::cerr << "vswitchctl: " << cmd->name << ": " << response.error_message << "\n";
    return kFailed;
  }
  if (g.json) {
    std::cout << response.result.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    try {
      cmd->print(response.result, args, std::cout);
    } catch (const std::exception& e) {  // a result shaped unlike we expect: show it raw
      std::cout << response.result.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    }
  }
  std::cout.flush();
  return std::cout ? kOk : kFailed;
}

}  // namespace
}  // namespace vswitch::ctl

int main(int argc, char** argv) {
  try {
    return vswitch::ctl::run(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    std::cerr << "vswitchctl: " << e.what() << "\n";
    return 1;
  }
}
