// 802.1Q VLAN identifiers, VLAN sets ("10,20,30-40") and a port's VLAN configuration.
//
// The port VLAN model follows Open vSwitch's vlan_mode (see docs/vlan.md):
//   default         no VLAN configuration: trunk of every VLAN; untagged frames are in VLAN 0.
//   access          member of VLAN `tag` only; accepts untagged (and priority-tagged) frames; sends untagged.
//   trunk           member of `trunks` (empty = all of 1..4094); accepts and sends tagged frames only.
//   native-untagged trunk whose untagged frames belong to VLAN `tag`, sent back out untagged.
//   native-tagged   trunk whose untagged frames belong to VLAN `tag`, sent back out tagged.
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vswitch {

using VlanId = std::uint16_t;

inline constexpr VlanId kUntaggedVlan = 0;
inline constexpr VlanId kMinVlan = 1;
inline constexpr VlanId kMaxVlan = 4094;

// A VLAN a user may configure: 1..4094.
constexpr bool is_valid_vlan(long v) { return v >= kMinVlan && v <= kMaxVlan; }

// Parses a decimal VLAN ID in 1..4094; nullopt for anything else ("0", "4095", "abc", "10x", "").
std::optional<VlanId> parse_vlan(std::string_view text);

// A set of VLAN IDs 0..4095 (only 1..4094 can be configured by users).
class VlanSet {
 public:
  VlanSet() = default;
  static VlanSet all();  // 1..4094

  // "10,20,30-40" (spaces allowed around items). Ranges must be ascending; every ID in 1..4094.
  // Returns nullopt with a reason in `error` when malformed.
  static std::optional<VlanSet> parse(std::string_view text, std::string* error = nullptr);

  bool contains(VlanId v) const { return v < bits_.size() && bits_.test(v); }
  void insert(VlanId v) { bits_.set(v); }
  void erase(VlanId v) { bits_.reset(v); }
  bool empty() const { return bits_.none(); }
  std::size_t size() const { return bits_.count(); }
  bool is_all() const;

  // Compact form, ranges collapsed: "10,20,30-40"; "" when empty.
  std::string to_string() const;
  std::vector<VlanId> to_vector() const;

  friend bool operator==(const VlanSet&, const VlanSet&) = default;

 private:
  std::bitset<4096> bits_;
};

enum class VlanMode : std::uint8_t { Default, Access, Trunk, NativeUntagged, NativeTagged };

std::string_view to_string(VlanMode m);
std::optional<VlanMode> parse_vlan_mode(std::string_view text);

struct VlanConfig {
  VlanMode mode = VlanMode::Default;
  VlanId tag = 0;  // access VLAN (access) or native VLAN (native-*); 0 otherwise
  VlanSet trunks;  // trunk and native-* modes; empty means every VLAN

  static VlanConfig access(VlanId v) { return {VlanMode::Access, v, {}}; }
  static VlanConfig trunk(VlanSet s) { return {VlanMode::Trunk, 0, std::move(s)}; }
  static VlanConfig native_untagged(VlanId native, VlanSet s) {
    return {VlanMode::NativeUntagged, native, std::move(s)};
  }
  static VlanConfig native_tagged(VlanId native, VlanSet s) {
    return {VlanMode::NativeTagged, native, std::move(s)};
  }

  // Empty string when consistent; otherwise what is wrong, for a person to read.
  std::string validate() const;

  // Is the port a member of VLAN `v` (may frames of VLAN v enter and leave it)?
  bool is_member(VlanId v) const;
  // Human summary: "trunk", "access 10", "trunk 10,20", "native-untagged 5 trunk 10-20".
  std::string describe() const;

  friend bool operator==(const VlanConfig&, const VlanConfig&) = default;
};

}  // namespace vswitch
