#include "switchd/core/vlan_policy.h"

namespace vswitch {

IngressDecision classify_ingress(const VlanConfig& port, const FrameInfo& frame) {
  IngressDecision d;
  // A priority tag (VID 0) carries only a priority: the frame is untagged for classification.
  const bool has_vid = frame.tagged && frame.tci.vid() != 0;
  d.pcp = frame.tagged ? frame.tci.pcp() : 0;
  auto drop = [&](DropReason r) {
    d.reason = r;
    return d;
  };
  switch (port.mode) {
    case VlanMode::Default: d.vlan = has_vid ? frame.tci.vid() : kUntaggedVlan; break;
    case VlanMode::Access:
      if (has_vid) return drop(DropReason::tagged_on_access);
      d.vlan = port.tag;
      break;
    case VlanMode::Trunk:
      if (!has_vid) return drop(DropReason::untagged_on_trunk);
      d.vlan = frame.tci.vid();
      break;
    case VlanMode::NativeUntagged:
    case VlanMode::NativeTagged: d.vlan = has_vid ? frame.tci.vid() : port.tag; break;
  }
  if (!port.is_member(d.vlan)) return drop(DropReason::vlan_not_allowed);
  d.ok = true;
  return d;
}

EgressTag egress_tag(const VlanConfig& port, VlanId vlan, std::uint8_t pcp, const FrameInfo& frame) {
  bool tagged = false;
  switch (port.mode) {
    case VlanMode::Default: tagged = vlan != kUntaggedVlan; break;
    case VlanMode::Access: tagged = false; break;
    case VlanMode::Trunk:
    case VlanMode::NativeTagged: tagged = true; break;
    case VlanMode::NativeUntagged: tagged = vlan != port.tag; break;
  }
  if (!tagged) return {};
  // Keep the frame's own TCI (priority, DEI) when it already carries this VLAN.
  if (frame.tagged && frame.tci.vid() == vlan) return {true, frame.tci.raw};
  return {true, Tci::make(vlan, pcp, frame.tagged && frame.tci.dei()).raw};
}

}  // namespace vswitch
