#include "common/ifname.h"

#include <catch2/catch.hpp>

using vswitch::validate_ifname;

TEST_CASE("interface names follow the kernel's rules", "[ifname]") {
  CHECK(validate_ifname("vnet0").empty());
  CHECK(validate_ifname("a").empty());
  CHECK(validate_ifname("abcdefghijklmno").empty());  // 15 bytes
  CHECK_FALSE(validate_ifname("").empty());
  CHECK_FALSE(validate_ifname("abcdefghijklmnop").empty());  // 16 bytes
  CHECK_FALSE(validate_ifname("a/b").empty());
  CHECK_FALSE(validate_ifname("a b").empty());
  CHECK_FALSE(validate_ifname("a\tb").empty());
  CHECK_FALSE(validate_ifname("a:1").empty());
  CHECK_FALSE(validate_ifname(".").empty());
  CHECK_FALSE(validate_ifname("..").empty());
  CHECK_FALSE(validate_ifname(std::string("a\0b", 3)).empty());
  CHECK(validate_ifname("a/b").find("'/'") != std::string::npos);
}
