#include "helper/switch_requests.h"

#include <catch2/catch.hpp>

#include "common/error.h"

using nlohmann::json;
using vswitch::helper::smallest_port_mtu;

TEST_CASE("a new TAP gets the smallest MTU among the bridge's attached ports", "[helper-mtu]") {
  const json show = json::parse(R"({"bridges": [
      {"name": "br0", "ports": [{"name": "a", "mtu": 9000}, {"name": "b", "mtu": 1400},
                                {"name": "gone", "state": "absent", "mtu": 0}]},
      {"name": "br1", "ports": [{"name": "c", "mtu": 1200}]}]})");
  CHECK(smallest_port_mtu(show, "br0") == 1400);
  CHECK(smallest_port_mtu(show, "br1") == 1200);
}

TEST_CASE("a bridge without attached ports gives 1500", "[helper-mtu]") {
  const json show = json::parse(R"({"bridges": [{"name": "br0", "ports": []},
                                                {"name": "br1", "ports": [{"name": "x", "mtu": 0}]}]})");
  CHECK(smallest_port_mtu(show, "br0") == 1500);
  CHECK(smallest_port_mtu(show, "br1") == 1500);
}

TEST_CASE("a bridge missing from the answer is NoSuchBridge", "[helper-mtu]") {
  const json show = json::parse(R"({"bridges": [{"name": "br0", "ports": []}]})");
  try {
    smallest_port_mtu(show, "br9");
    FAIL("no error");
  } catch (const vswitch::Error& e) {
    CHECK(e.code() == vswitch::ErrorCode::NoSuchBridge);
  }
}
