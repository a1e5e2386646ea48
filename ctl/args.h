// Command-line words of one vswitchctl command, split into positionals and --options according to
// the command's spec. Both "--vlan 10" and "--vlan=10" work; "--" ends the options. Anything the
// spec does not allow is a UsageError, which vswitchctl answers with that command's usage.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace vswitch::ctl {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct OptionSpec {
  std::string_view name;  // without the leading "--"
  bool takes_value = false;
};

class Args {
 public:
  // Parses `words` (what follows the command name). Throws UsageError.
  static Args parse(const std::vector<std::string>& words, const std::vector<OptionSpec>& options,
                    std::size_t min_positional, std::size_t max_positional);

  const std::vector<std::string>& positional() const { return positional_; }
  bool has(std::string_view option) const { return options_.contains(std::string(option)); }
  // The value of an option that takes one; nullopt when absent.
  std::optional<std::string> value(std::string_view option) const;

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::string> options_;
};

}  // namespace vswitch::ctl
