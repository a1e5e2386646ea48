#include "common/vlan.h"

#include <charconv>

namespace vswitch {

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<long> parse_number(std::string_view s) {
  long v = 0;
  if (s.empty() || s.size() > 6) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}
}  // namespace

std::optional<VlanId> parse_vlan(std::string_view text) {
  auto v = parse_number(trim(text));
  if (!v || !is_valid_vlan(*v)) return std::nullopt;
  return static_cast<VlanId>(*v);
}

VlanSet VlanSet::all() {
  VlanSet s;
  for (VlanId v = kMinVlan; v <= kMaxVlan; ++v) s.insert(v);
  return s;
}

bool VlanSet::is_all() const { return size() == kMaxVlan && !contains(0) && !contains(4095); }

std::optional<VlanSet> VlanSet::parse(std::string_view text, std::string* error) {
  auto fail = [&](std::string why) -> std::optional<VlanSet> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  VlanSet set;
  if (trim(text).empty()) return fail("empty VLAN list");
  while (true) {
    const auto comma = text.find(',');
    const std::string_view item = trim(text.substr(0, comma));
    if (item.empty()) return fail("empty item in VLAN list");
    const auto dash = item.find('-');
    const std::string_view lo_s = trim(item.substr(0, dash));
    const std::string_view hi_s = dash == std::string_view::npos ? lo_s : trim(item.substr(dash + 1));
    auto lo = parse_number(lo_s);
    auto hi = parse_number(hi_s);
    if (!lo || !hi) return fail("'" + std::string(item) + "' is not a VLAN ID or range");
    if (!is_valid_vlan(*lo) || !is_valid_vlan(*hi))
      return fail("VLAN IDs must be in 1..4094, got '" + std::string(item) + "'");
    if (*lo > *hi) return fail("range '" + std::string(item) + "' is descending");
    for (long v = *lo; v <= *hi; ++v) set.insert(static_cast<VlanId>(v));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return set;
}

std::string VlanSet::to_string() const {
  std::string out;
  for (std::size_t v = 0; v < bits_.size();) {
    if (!bits_.test(v)) {
      ++v;
      continue;
    }
    std::size_t end = v;
    while (end + 1 < bits_.size() && bits_.test(end + 1)) ++end;
    if (!out.empty()) out += ',';
    out += std::to_string(v);
    if (end > v) out += '-' + std::to_string(end);
    v = end + 1;
  }
  return out;
}

std::vector<VlanId> VlanSet::to_vector() const {
  std::vector<VlanId> out;
  for (std::size_t v = 0; v < bits_.size(); ++v)
    if (bits_.test(v)) out.push_back(static_cast<VlanId>(v));
  return out;
}

std::string_view to_string(VlanMode m) {
  switch (m) {
    case VlanMode::Default: return "default";
    case VlanMode::Access: return "access";
    case VlanMode::Trunk: return "trunk";
    case VlanMode::NativeUntagged: return "native-untagged";
    case VlanMode::NativeTagged: return "native-tagged";
  }
  return "?";
}

std::optional<VlanMode> parse_vlan_mode(std::string_view text) {
  for (auto m : {VlanMode::Default, VlanMode::Access, VlanMode::Trunk, VlanMode::NativeUntagged,
                 VlanMode::NativeTagged})
    if (to_string(m) == text) return m;
  return std::nullopt;
}

std::string VlanConfig::validate() const {
  for (VlanId v : {VlanId{0}, VlanId{4095}})
    if (trunks.contains(v)) return "trunk VLANs must be in 1..4094";
  switch (mode) {
    case VlanMode::Default:
      if (tag != 0 || !trunks.empty()) return "a port without VLAN mode takes no tag or trunk list";
      return {};
    case VlanMode::Access:
      if (!is_valid_vlan(tag)) return "access VLAN must be in 1..4094";
      if (!trunks.empty()) return "an access port takes no trunk list";
      return {};
    case VlanMode::Trunk:
      if (tag != 0) return "a trunk without native VLAN takes no tag";
      return {};
    case VlanMode::NativeUntagged:
    case VlanMode::NativeTagged:
      if (!is_valid_vlan(tag)) return "native VLAN must be in 1..4094";
      return {};
  }
  return "unknown VLAN mode";
}

bool VlanConfig::is_member(VlanId v) const {
  switch (mode) {
    case VlanMode::Default: return v <= kMaxVlan;
    case VlanMode::Access: return v == tag;
    case VlanMode::Trunk: return v != 0 && v <= kMaxVlan && (trunks.empty() || trunks.contains(v));
    case VlanMode::NativeUntagged:
    case VlanMode::NativeTagged:
      return v == tag || (v != 0 && v <= kMaxVlan && (trunks.empty() || trunks.contains(v)));
  }
  return false;
}

std::string VlanConfig::describe() const {
  const std::string list = trunks.empty() ? "all" : trunks.to_string();
  switch (mode) {
    case VlanMode::Default: return "trunk all (untagged in VLAN 0)";
    case VlanMode::Access: return "access " + std::to_string(tag);
    case VlanMode::Trunk: return "trunk " + list;
    case VlanMode::NativeUntagged: return "trunk " + list + " native-untagged " + std::to_string(tag);
    case VlanMode::NativeTagged: return "trunk " + list + " native-tagged " + std::to_string(tag);
  }
  return "?";
}

}  // namespace vswitch
