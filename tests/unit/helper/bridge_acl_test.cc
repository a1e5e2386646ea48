#include "helper/bridge_acl.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/error.h"

using vswitch::Error;
using vswitch::helper::BridgeAcl;
namespace fs = std::filesystem;

namespace {

// A directory of ACL files, removed again after the test.
struct AclDir {
  fs::path dir;
  AclDir() {
    std::string tmpl = (fs::temp_directory_path() / "vswitch-acl-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    dir = tmpl;
  }
  ~AclDir() { fs::remove_all(dir); }
  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path p = dir / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p;
  }
};

BridgeAcl parse(const std::string& text) { return BridgeAcl::parse(text, "/nonexistent/bridge.conf"); }

std::string load_error(const fs::path& p) {
  try {
    BridgeAcl::load(p);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("an empty ACL denies every bridge (default deny)", "[acl]") {
  CHECK_FALSE(parse("").allows("br0"));
  CHECK_FALSE(parse("# only a comment\n\n   \n").allows("br0"));
}

TEST_CASE("allow NAME allows that bridge only", "[acl]") {
  const BridgeAcl acl = parse("allow br0\n");
  CHECK(acl.allows("br0"));
  CHECK_FALSE(acl.allows("br1"));
  CHECK_FALSE(acl.allows("br"));
  CHECK_FALSE(acl.allows("br00"));
}

TEST_CASE("allow all allows every bridge, and is not a bridge called 'all'", "[acl]") {
  const BridgeAcl acl = parse("allow all\n");
  CHECK(acl.allows("br0"));
  CHECK(acl.allows("anything"));
  REQUIRE(acl.rules().size() == 1);
  CHECK(acl.rules()[0].bridge.empty());
}

TEST_CASE("deny wins over allow wherever it stands", "[acl]") {
  SECTION("deny NAME after allow all") {
    const BridgeAcl acl = parse("allow all\ndeny br1\n");
    CHECK(acl.allows("br0"));
    CHECK_FALSE(acl.allows("br1"));
  }
  SECTION("deny NAME before allow NAME") {
    const BridgeAcl acl = parse("deny br1\nallow br1\nallow br0\n");
    CHECK_FALSE(acl.allows("br1"));
    CHECK(acl.allows("br0"));
  }
  SECTION("deny all beats a specific allow") {
    const BridgeAcl acl = parse("allow br0\ndeny all\n");
    CHECK_FALSE(acl.allows("br0"));
  }
}

TEST_CASE("blanks, tabs, CRLF and comments are tolerated like qemu's parser", "[acl]") {
  const BridgeAcl acl = parse("# users may use br0\n   allow\tbr0   \r\n\t# deny br0\n");
  CHECK(acl.allows("br0"));
  REQUIRE(acl.rules().size() == 1);
  CHECK(acl.rules()[0].origin == "/nonexistent/bridge.conf:2");
}

TEST_CASE("malformed rules are errors naming file and line (fail closed)", "[acl]") {
  auto error_of = [](const std::string& text) {
    try {
      parse(text);
    } catch (const Error& e) {
      CHECK(e.code() == vswitch::ErrorCode::InvalidParams);
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  CHECK_THAT(error_of("allow br0\npermit br1\n"),
             Catch::Contains("bridge.conf:2") && Catch::Contains("unknown command 'permit'"));
  CHECK_THAT(error_of("allow\n"), Catch::Contains("needs an argument"));
  CHECK_THAT(error_of("deny br0 br1\n"), Catch::Contains("whitespace"));
  CHECK_THAT(error_of("allow averyveryverylongbridgename\n"), Catch::Contains("longer than 15"));
  CHECK_THAT(error_of("allow a/b\n"), Catch::Contains("'/'"));
}

TEST_CASE("include reads another file, a relative path relative to the including file", "[acl]") {
  AclDir d;
  d.write("bridge.d/users.conf", "allow br2\n");
  d.write("bridge.d/deny.conf", "deny br3\n");
  const fs::path main = d.write("bridge.conf", "allow br3\ninclude bridge.d/users.conf\ninclude " +
                                                   (d.dir / "bridge.d/deny.conf").string() + "\n");
  const BridgeAcl acl = BridgeAcl::load(main);
  CHECK(acl.allows("br2"));
  CHECK_FALSE(acl.allows("br3"));  // denied by the included file: deny wins across files
  CHECK_FALSE(acl.allows("br0"));
  REQUIRE(acl.rules().size() == 3);
  CHECK(acl.rules()[1].origin == (d.dir / "bridge.d/users.conf").string() + ":1");
}

TEST_CASE("an include that cannot be read is an error, not a silently dropped deny", "[acl]") {
  AclDir d;
  const fs::path main = d.write("bridge.conf", "allow all\ninclude missing-denies.conf\n");
  CHECK_THAT(load_error(main),
             Catch::Contains("cannot read ACL file") && Catch::Contains("missing-denies.conf"));
}

TEST_CASE("an include loop is refused instead of recursing forever", "[acl]") {
  AclDir d;
  d.write("a.conf", "allow br0\ninclude b.conf\n");
  d.write("b.conf", "include a.conf\n");
  CHECK_THAT(load_error(d.dir / "a.conf"), Catch::Contains("nest deeper than"));
}

TEST_CASE("a missing ACL file is an error naming it", "[acl]") {
  AclDir d;
  CHECK_THAT(load_error(d.dir / "nope.conf"),
             Catch::Contains("nope.conf") && Catch::Contains("No such file or directory"));
}
