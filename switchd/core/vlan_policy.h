// VLAN decisions at the edges of a bridge, per port VLAN mode (common/vlan.h, docs/vlan.md):
// which VLAN an incoming frame belongs to (or why it is dropped), and how a frame of a VLAN leaves.
#pragma once

#include <cstdint>

#include "common/vlan.h"
#include "switchd/core/drop_reason.h"
#include "switchd/core/frame.h"

namespace vswitch {

struct IngressDecision {
  bool ok = false;
  DropReason reason = DropReason::vlan_not_allowed;  // when !ok
  VlanId vlan = 0;
  std::uint8_t pcp = 0;  // priority to carry if the frame leaves tagged
};

// A tag with VID 0 (priority tag) counts as untagged for classification but keeps its priority.
IngressDecision classify_ingress(const VlanConfig& port, const FrameInfo& frame);

struct EgressTag {
  bool tagged = false;
  std::uint16_t tci = 0;
};

// How a frame of VLAN `vlan` (priority `pcp`, arriving as `frame`) leaves a port with config `port`.
// The caller has checked port.is_member(vlan). A tagged frame that leaves tagged in the same VLAN
// keeps its TCI (PCP, DEI) unchanged.
EgressTag egress_tag(const VlanConfig& port, VlanId vlan, std::uint8_t pcp, const FrameInfo& frame);

}  // namespace vswitch
