#include "helper/helper_args.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/error.h"

using vswitch::Error;
using vswitch::helper::HelperArgs;
using vswitch::helper::parse_helper_args;

namespace {

HelperArgs parse(std::vector<const char*> words) {
  words.insert(words.begin(), "vswitch-bridge-helper");
  return parse_helper_args(words);
}

std::string error_of(std::vector<const char*> words) {
  try {
    parse(std::move(words));
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("qemu's exact argv is accepted", "[helper-args]") {
  // net/tap.c: helper --use-vnet --fd=N --br=BR
  const HelperArgs a = parse({"--use-vnet", "--fd=7", "--br=br0"});
  CHECK(a.use_vnet);
  CHECK(a.fd == 7);
  CHECK(a.bridge == "br0");
  CHECK(a.ifname_template == "tap%d");
}

TEST_CASE("separate values and the extra --ifname option", "[helper-args]") {
  const HelperArgs a = parse({"--ifname=vm%d", "--br", "lab", "--fd", "3"});
  CHECK_FALSE(a.use_vnet);
  CHECK(a.fd == 3);
  CHECK(a.bridge == "lab");
  CHECK(a.ifname_template == "vm%d");
}

TEST_CASE("missing or bad arguments are refused with a reason", "[helper-args]") {
  CHECK_THAT(error_of({"--br=br0"}), Catch::Contains("missing --fd"));
  CHECK_THAT(error_of({"--fd=3"}), Catch::Contains("missing --br"));
  CHECK_THAT(error_of({"--fd=x", "--br=br0"}), Catch::Contains("--fd wants"));
  CHECK_THAT(error_of({"--fd=-1", "--br=br0"}), Catch::Contains("--fd wants"));
  CHECK_THAT(error_of({"--fd=3x", "--br=br0"}), Catch::Contains("--fd wants"));
  CHECK_THAT(error_of({"--fd=3", "--br=br0", "--bogus"}), Catch::Contains("unknown argument '--bogus'"));
  CHECK_THAT(error_of({"--fd=3", "--br=a/b"}), Catch::Contains("'/'"));
  CHECK_THAT(error_of({"--fd=3", "--br"}), Catch::Contains("--br needs a value"));
}

TEST_CASE("the TAP name template needs exactly one %d", "[helper-args]") {
  // A fixed name could attach to an existing persistent TAP that belongs to someone else.
  CHECK_THAT(error_of({"--fd=3", "--br=br0", "--ifname=tap0"}), Catch::Contains("exactly one %d"));
  CHECK_THAT(error_of({"--fd=3", "--br=br0", "--ifname=t%d%d"}), Catch::Contains("exactly one %d"));
  CHECK_THAT(error_of({"--fd=3", "--br=br0", "--ifname=t%s"}), Catch::Contains("exactly one %d"));
  CHECK_THAT(error_of({"--fd=3", "--br=br0", "--ifname=averyverylongname%d"}),
             Catch::Contains("longer than"));
  CHECK(parse({"--fd=3", "--br=br0", "--ifname=web-%d"}).ifname_template == "web-%d");
}

TEST_CASE("--help and --version need nothing else", "[helper-args]") {
  CHECK(parse({"--help"}).help);
  CHECK(parse({"--version"}).version);
}
