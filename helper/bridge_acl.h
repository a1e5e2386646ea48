// The bridge helper's access list: which vswitch bridges a user's qemu may put a TAP on.
//
// The file format and the verdict are qemu-bridge-helper's (/etc/qemu/bridge.conf), so an operator's
// existing file can be reused as is:
//   # comment            (a line whose first non-blank character is '#')
//   allow br0            (or: allow all)
//   deny br1             (or: deny all)
//   include /etc/vswitch/bridge.d/users.conf
// A bridge is allowed when some allow rule matches it and no deny rule does: deny wins, wherever it
// stands, and the default is deny (an empty file allows nothing).
//
// Where we are stricter than qemu, on purpose, because a setuid program must fail closed:
// an include that cannot be read is an error (qemu ignores it, which silently drops its deny rules);
// includes nest at most kMaxIncludeDepth deep (qemu recurses forever on a loop); a rule with more than
// one name, or a name that is not a valid bridge name, is an error. A relative include is resolved
// against the directory of the file that includes it, never against the caller's working directory.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace vswitch::helper {

inline constexpr int kMaxIncludeDepth = 8;

struct AclRule {
  enum class Kind { Allow, Deny };
  Kind kind = Kind::Deny;
  std::string bridge;  // empty: "all"
  std::string origin;  // "FILE:LINE", for messages
};

class BridgeAcl {
 public:
  // Reads `path` and everything it includes. Throws vswitch::Error (InvalidParams) naming the file and
  // line of a bad rule, or the file that cannot be read.
  static BridgeAcl load(const std::filesystem::path& path);

  // Parses `text` as if it were the file `origin` (includes are read from disk relative to it).
  static BridgeAcl parse(std::string_view text, const std::filesystem::path& origin);

  bool allows(std::string_view bridge) const;
  const std::vector<AclRule>& rules() const { return rules_; }

 private:
  void parse_into(std::string_view text, const std::filesystem::path& origin, int depth);
  void load_into(const std::filesystem::path& path, int depth);

  std::vector<AclRule> rules_;
};

}  // namespace vswitch::helper
