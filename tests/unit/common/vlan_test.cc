#include "common/vlan.h"

#include <catch2/catch.hpp>

using namespace vswitch;

TEST_CASE("VLAN IDs: 1..4094 valid, 0 and 4095 rejected", "[vlan]") {
  CHECK(parse_vlan("1") == VlanId{1});
  CHECK(parse_vlan("4094") == VlanId{4094});
  for (const char* bad : {"0", "4095", "abc", "10x", "", "-1", "99999999"}) CHECK_FALSE(parse_vlan(bad));
}

TEST_CASE("VLAN lists parse and print compactly", "[vlan]") {
  auto s = VlanSet::parse("10, 20,30-40");
  REQUIRE(s);
  CHECK(s->contains(10));
  CHECK(s->contains(35));
  CHECK_FALSE(s->contains(41));
  CHECK(s->size() == 13);
  CHECK(s->to_string() == "10,20,30-40");
  CHECK(VlanSet::parse("5,4,3")->to_string() == "3-5");
  CHECK(VlanSet::all().is_all());
  CHECK(VlanSet::all().to_string() == "1-4094");
}

TEST_CASE("VLAN lists reject bad items with a reason", "[vlan]") {
  std::string why;
  CHECK_FALSE(VlanSet::parse("10,,20", &why));
  CHECK(why.find("empty") != std::string::npos);
  CHECK_FALSE(VlanSet::parse("0", &why));
  CHECK(why.find("1..4094") != std::string::npos);
  CHECK_FALSE(VlanSet::parse("4095", &why));
  CHECK_FALSE(VlanSet::parse("40-30", &why));
  CHECK(why.find("descending") != std::string::npos);
  CHECK_FALSE(VlanSet::parse("abc", &why));
  CHECK_FALSE(VlanSet::parse("", &why));
}

TEST_CASE("VLAN config membership per mode", "[vlan]") {
  VlanConfig def;
  CHECK(def.is_member(0));
  CHECK(def.is_member(4094));
  auto acc = VlanConfig::access(10);
  CHECK(acc.is_member(10));
  CHECK_FALSE(acc.is_member(0));
  CHECK_FALSE(acc.is_member(11));
  auto tr = VlanConfig::trunk(*VlanSet::parse("10,20"));
  CHECK(tr.is_member(20));
  CHECK_FALSE(tr.is_member(0));
  CHECK_FALSE(tr.is_member(30));
  CHECK(VlanConfig::trunk({}).is_member(4094));  // empty trunk list = all VLANs
  auto nu = VlanConfig::native_untagged(5, *VlanSet::parse("10"));
  CHECK(nu.is_member(5));
  CHECK(nu.is_member(10));
  CHECK_FALSE(nu.is_member(0));
}

TEST_CASE("VLAN config validation", "[vlan]") {
  CHECK(VlanConfig{}.validate().empty());
  CHECK(VlanConfig::access(10).validate().empty());
  CHECK_FALSE(VlanConfig::access(0).validate().empty());
  CHECK_FALSE(VlanConfig::access(4095).validate().empty());
  CHECK_FALSE(VlanConfig::native_tagged(0, {}).validate().empty());
  CHECK_FALSE((VlanConfig{VlanMode::Default, 3, {}}).validate().empty());
}
