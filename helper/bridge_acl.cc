#include "helper/bridge_acl.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/config.h"
#include "common/error.h"

namespace vswitch::helper {

namespace {

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw Error(ErrorCode::InvalidParams, where + ": " + what);
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// Splits "cmd   arg" at the first run of blanks; arg keeps inner blanks so that we can refuse them.
std::pair<std::string_view, std::string_view> split_command(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && !is_blank(line[i])) ++i;
  return {line.substr(0, i), trim(line.substr(i))};
}

}  // namespace

BridgeAcl BridgeAcl::load(const std::filesystem::path& path) {
  BridgeAcl acl;
  acl.load_into(path, 0);
  return acl;
}

BridgeAcl BridgeAcl::parse(std::string_view text, const std::filesystem::path& origin) {
  BridgeAcl acl;
  acl.parse_into(text, origin, 0);
  return acl;
}

void BridgeAcl::load_into(const std::filesystem::path& path, int depth) {
  std::ifstream in(path);
  if (!in) {
    const int err = errno;
    throw Error(ErrorCode::InvalidParams,
                "cannot read ACL file " + path.string() + ": " + std::strerror(err));
  }
  std::ostringstream text;
  text << in.rdbuf();
  parse_into(text.str(), path, depth);
}

void BridgeAcl::parse_into(std::string_view text, const std::filesystem::path& origin, int depth) {
  int line_no = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view raw = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;

    const std::string where = origin.string() + ":" + std::to_string(line_no);
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;

    const auto [cmd, arg] = split_command(line);
    if (arg.empty())
      bad(where, "'" + std::string(cmd) + "' needs an argument (a bridge name, 'all' or a file)");

    if (cmd == "include") {
      if (depth + 1 > kMaxIncludeDepth)
        bad(where,
            "includes nest deeper than " + std::to_string(kMaxIncludeDepth) + " files (an include loop?)");
      std::filesystem::path target{std::string(arg)};
      if (target.is_relative()) target = origin.parent_path() / target;
      load_into(target, depth + 1);
      continue;
    }

    AclRule rule;
    rule.origin = where;
    if (cmd == "allow") {
      rule.kind = AclRule::Kind::Allow;
    } else if (cmd == "deny") {
      rule.kind = AclRule::Kind::Deny;
    } else {
      bad(where, "unknown command '" + std::string(cmd) + "' (expected allow, deny or include)");
    }
    if (arg != "all") {
      if (const std::string why = validate_bridge_name(arg); !why.empty()) bad(where, why);
      rule.bridge = std::string(arg);
    }
    rules_.push_back(std::move(rule));
  }
}

bool BridgeAcl::allows(std::string_view bridge) const {
  bool allowed = false;
  for (const AclRule& r : rules_) {
    const bool matches = r.bridge.empty() || r.bridge == bridge;
    if (!matches) continue;
    if (r.kind == AclRule::Kind::Deny) return false;  // deny wins, wherever it stands
    allowed = true;
  }
  return allowed;
}

}  // namespace vswitch::helper
