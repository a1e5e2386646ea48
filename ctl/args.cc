#include "ctl/args.h"

namespace vswitch::ctl {

Args Args::parse(const std::vector<std::string>& words, const std::vector<OptionSpec>& options,
                 std::size_t min_positional, std::size_t max_positional) {
  Args args;
  bool options_done = false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (options_done || w.size() < 2 || w.compare(0, 2, "--") != 0) {
      args.positional_.push_back(w);
      continue;
    }
    if (w == "--") {
      options_done = true;
      continue;
    }
    std::string name = w.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name.resize(eq);
    }
    const OptionSpec* spec = nullptr;
    for (const auto& o : options)
      if (o.name == name) spec = &o;
    if (!spec) throw UsageError("unknown option '--" + name + "'");
    if (args.options_.contains(name)) throw UsageError("option '--" + name + "' given twice");
    if (spec->takes_value) {
      if (!inline_value) {
        if (i + 1 >= words.size()) throw UsageError("option '--" + name + "' needs a value");
        inline_value = words[++i];
      }
      args.options_[name] = *inline_value;
    } else {
      if (inline_value) throw UsageError("option '--" + name + "' takes no value");
      args.options_[name] = "";
    }
  }
  if (args.positional_.size() < min_positional) throw UsageError("missing argument");
  if (args.positional_.size() > max_positional)
    throw UsageError("unexpected argument '" + args.positional_[max_positional] + "'");
  return args;
}

std::optional<std::string> Args::value(std::string_view option) const {
  auto it = options_.find(std::string(option));
  if (it == options_.end()) return std::nullopt;
  return it->second;
}

}  // namespace vswitch::ctl
