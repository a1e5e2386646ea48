#include "common/mac.h"

#include <catch2/catch.hpp>

using vswitch::MacAddress;

TEST_CASE("MAC addresses parse and format", "[mac]") {
  auto m = MacAddress::parse("AA:bb:0C:dd:ee:0f");
  REQUIRE(m);
  CHECK(m->to_string() == "aa:bb:0c:dd:ee:0f");
  CHECK(m->to_u64() == 0xaabb0cddee0fULL);
  CHECK(MacAddress::parse("aa-bb-cc-dd-ee-ff"));
  CHECK(MacAddress::from_u64(0x0102030405ULL).to_string() == "00:01:02:03:04:05");
}

TEST_CASE("MAC parsing rejects malformed text", "[mac]") {
  for (const char* bad : {"", "zz:bb:cc:dd:ee:ff", "aa:bb:cc:dd:ee", "aa:bb:cc:dd:ee:ff:00",
                          "aa:bb-cc:dd:ee:ff", "aabbccddeeff", "aa:bb:cc:dd:ee:f ", " a:bb:cc:dd:ee:ff"})
    CHECK_FALSE(MacAddress::parse(bad));
}

TEST_CASE("MAC address classes", "[mac]") {
  CHECK(MacAddress::from_u64(0xffffffffffffULL).is_broadcast());
  CHECK(MacAddress::from_u64(0xffffffffffffULL).is_multicast());
  CHECK(MacAddress::from_u64(0x01005e000001ULL).is_multicast());
  CHECK_FALSE(MacAddress::from_u64(0x02005e000001ULL).is_multicast());
  CHECK(MacAddress().is_zero());
  CHECK(MacAddress::from_u64(0x0180c2000000ULL).is_link_local());
  CHECK(MacAddress::from_u64(0x0180c200000eULL).is_link_local());
  CHECK(MacAddress::from_u64(0x0180c200000fULL).is_link_local());
  CHECK_FALSE(MacAddress::from_u64(0x0180c2000010ULL).is_link_local());
  CHECK_FALSE(MacAddress::from_u64(0x0180c2000000ULL).is_valid_source());
  CHECK_FALSE(MacAddress().is_valid_source());
  CHECK(MacAddress::from_u64(0x020000000001ULL).is_valid_source());
}
