#include "common/config.h"

#include <catch2/catch.hpp>

#include "common/error.h"

using namespace vswitch;
using nlohmann::json;

TEST_CASE("configuration round-trips through JSON", "[config]") {
  SwitchConfig c;
  BridgeConfig b{"br0", {120, 1000}, {}, {}};
  PortConfig p;
  p.name = "vnet0";
  p.type = PortType::System;
  p.vlan = VlanConfig::native_untagged(5, *VlanSet::parse("10-12"));
  p.options.isolated = true;
  p.options.mac_limit = 7;
  b.ports.push_back(p);
  b.ports.push_back(PortConfig{"tap1", PortType::Tap, VlanConfig::access(10), {}, true});
  b.static_fdb.push_back(StaticFdbEntry{*MacAddress::parse("02:00:00:00:00:07"), 10, "tap1"});
  c.bridges.push_back(b);
  const json j = to_json(c);
  CHECK(switch_config_from_json(j) == c);
  CHECK(j["bridges"][0]["ports"][0]["vlan_mode"] == "native-untagged");
  CHECK(j["bridges"][0]["ports"][0]["trunks"] == "10-12");
  CHECK_FALSE(j["bridges"][0]["ports"][0].contains("transient"));  // only written when set
  CHECK(j["bridges"][0]["ports"][1]["transient"] == true);
  CHECK(j["bridges"][0]["static_fdb"][0]["mac"] == "02:00:00:00:00:07");
}

TEST_CASE("defaults apply to missing fields", "[config]") {
  auto b = bridge_config_from_json(json{{"name", "br1"}, {"ports", {{{"name", "p1"}}}}});
  CHECK(b.settings.ageing_time == 300);
  CHECK(b.settings.fdb_max == 8192);
  REQUIRE(b.ports.size() == 1);
  CHECK(b.ports[0].type == PortType::Auto);
  CHECK(b.ports[0].vlan.mode == VlanMode::Default);
  CHECK(b.ports[0].options.learning);
  CHECK_FALSE(b.ports[0].options.hairpin);
}

static std::string error_of(const json& j) {
  try {
    switch_config_from_json(j);
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::InvalidParams);
    return e.what();
  }
  return "";
}

TEST_CASE("strict parsing names the bad field", "[config]") {
  CHECK(error_of(json::array()).find("object") != std::string::npos);
  CHECK(error_of(json{{"bridges", {{{"name", "br0"}, {"agein_time", 3}}}}}).find("agein_time") !=
        std::string::npos);
  CHECK(error_of(json{{"bridges", {{{"name", 5}}}}}).find("'name' must be a string") != std::string::npos);
  CHECK(error_of(json{{"bridges", {{{"name", "br0"}, {"fdb_max", 0}}}}}).find("fdb_max") !=
        std::string::npos);
  CHECK(error_of(json{{"bridges", {{{"name", "a/b"}}}}}).find("'/'") != std::string::npos);
  CHECK(
      error_of(json{{"bridges", {{{"name", "br0"}, {"ports", {{{"name", "p"}, {"vlan_mode", "access"}}}}}}}})
          .find("access VLAN") != std::string::npos);
  CHECK(error_of(json{{"bridges", {{{"name", "br0"}, {"ports", {{{"name", "p"}, {"tag", 4095}}}}}}}})
            .find("tag") != std::string::npos);
  CHECK(error_of(json{{"bridges",
                       {{{"name", "br0"}, {"ports", {{{"name", "p"}}}}},
                        {{"name", "br1"}, {"ports", {{{"name", "p"}}}}}}}})
            .find("two bridges") != std::string::npos);
  CHECK(error_of(json{{"bridges", {{{"name", "br0"}}, {{"name", "br0"}}}}}).find("twice") !=
        std::string::npos);
  CHECK(error_of(
            json{{"bridges",
                  {{{"name", "br0"}, {"static_fdb", {{{"mac", "02:00:00:00:00:01"}, {"port", "nope"}}}}}}}})
            .find("not a port") != std::string::npos);
  CHECK(error_of(json{{"bridges",
                       {{{"name", "br0"},
                         {"ports", {{{"name", "p"}}}},
                         {"static_fdb", {{{"mac", "01:00:5e:00:00:01"}, {"port", "p"}}}}}}}})
            .find("unicast") != std::string::npos);
  CHECK(error_of(json{{"bridges", {{{"name", "br0"}, {"ports", {{{"name", "p"}, {"learning", "yes"}}}}}}}})
            .find("learning") != std::string::npos);
}
