#include "switchd/core/vlan_policy.h"

#include <catch2/catch.hpp>

#include "frame_builder.h"

using namespace vswitch;
using namespace vswitch::test;

namespace {
FrameInfo info(std::optional<VlanId> vid, std::uint8_t pcp = 0) {
  FrameBuilder b(mac(2), mac(4));
  if (vid) b.tag(*vid, pcp);
  auto bytes = b.bytes();
  return parse_frame(bytes, 2000).info;
}
VlanSet set(const char* s) { return *VlanSet::parse(s); }
}  // namespace

TEST_CASE("default mode: trunk of all VLANs, untagged in VLAN 0", "[vlan]") {
  VlanConfig c;
  auto d = classify_ingress(c, info(std::nullopt));
  CHECK(d.ok);
  CHECK(d.vlan == 0);
  d = classify_ingress(c, info(77, 6));
  CHECK(d.ok);
  CHECK(d.vlan == 77);
  CHECK(d.pcp == 6);
  CHECK_FALSE(egress_tag(c, 0, 0, info(std::nullopt)).tagged);
  CHECK(egress_tag(c, 77, 6, info(77, 6)).tci == Tci::make(77, 6).raw);
}

TEST_CASE("access: untagged and priority-tagged in, tagged dropped, untagged out", "[vlan]") {
  auto c = VlanConfig::access(10);
  auto d = classify_ingress(c, info(std::nullopt));
  CHECK(d.ok);
  CHECK(d.vlan == 10);
  d = classify_ingress(c, info(0, 5));  // priority tag
  CHECK(d.ok);
  CHECK(d.vlan == 10);
  CHECK(d.pcp == 5);
  d = classify_ingress(c, info(10));
  CHECK_FALSE(d.ok);
  CHECK(d.reason == DropReason::tagged_on_access);
  CHECK_FALSE(egress_tag(c, 10, 3, info(10, 3)).tagged);
}

TEST_CASE("trunk: allowed tagged VLANs only; untagged dropped; tagged out", "[vlan]") {
  auto c = VlanConfig::trunk(set("10,20"));
  CHECK(classify_ingress(c, info(20)).vlan == 20);
  auto d = classify_ingress(c, info(30));
  CHECK_FALSE(d.ok);
  CHECK(d.reason == DropReason::vlan_not_allowed);
  d = classify_ingress(c, info(std::nullopt));
  CHECK_FALSE(d.ok);
  CHECK(d.reason == DropReason::untagged_on_trunk);
  CHECK(classify_ingress(c, info(0)).reason == DropReason::untagged_on_trunk);
  // A frame that entered untagged on an access port leaves the trunk tagged, priority from pcp.
  auto t = egress_tag(c, 10, 0, info(std::nullopt));
  CHECK(t.tagged);
  CHECK(Tci{t.tci}.vid() == 10);
  CHECK(Tci{t.tci}.pcp() == 0);
  t = egress_tag(c, 10, 4, info(0, 4));
  CHECK(Tci{t.tci}.pcp() == 4);  // priority-tagged frame keeps its priority
}

TEST_CASE("native-untagged: untagged in the native VLAN, native VLAN out untagged", "[vlan]") {
  auto c = VlanConfig::native_untagged(5, set("10"));
  CHECK(classify_ingress(c, info(std::nullopt)).vlan == 5);
  CHECK(classify_ingress(c, info(10)).vlan == 10);
  CHECK(classify_ingress(c, info(5)).vlan == 5);  // the native VLAN is a member, tagged too
  CHECK_FALSE(classify_ingress(c, info(11)).ok);
  CHECK_FALSE(egress_tag(c, 5, 0, info(std::nullopt)).tagged);
  CHECK(egress_tag(c, 10, 0, info(10)).tagged);
}

TEST_CASE("native-tagged: untagged in the native VLAN, everything out tagged", "[vlan]") {
  auto c = VlanConfig::native_tagged(5, set("10"));
  CHECK(classify_ingress(c, info(std::nullopt)).vlan == 5);
  auto t = egress_tag(c, 5, 0, info(std::nullopt));
  CHECK(t.tagged);
  CHECK(Tci{t.tci}.vid() == 5);
}
