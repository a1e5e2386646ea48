// ConfigStore in a temp dir: atomic save with a backup, and loads that survive truncated, corrupt
// or missing files.
#include "switchd/control/config_store.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <memory>
#include <sstream>

#include "common/error.h"
#include "tests/unit/control/test_dir.h"

using namespace vswitch;
namespace fs = std::filesystem;

namespace {

SwitchConfig sample(const std::string& bridge, int ports) {
  SwitchConfig c;
  BridgeConfig b;
  b.name = bridge;
  b.settings.ageing_time = 120;
  for (int i = 0; i < ports; ++i) {
    PortConfig p;
    p.name = "vnet" + std::to_string(i);
    p.vlan = VlanConfig::access(static_cast<VlanId>(10 + i));
    p.options.isolated = i % 2 == 1;
    b.ports.push_back(p);
  }
  c.bridges.push_back(b);
  return c;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write(const fs::path& p, const std::string& data) { std::ofstream(p, std::ios::trunc) << data; }

}  // namespace

TEST_CASE("a first start finds nothing and creates the directory", "[config_store]") {
  test::TestDir dir;
  ConfigStore store(dir / "a" / "b");
  CHECK(fs::is_directory(dir / "a" / "b"));
  CHECK(store.load() == SwitchConfig{});
  CHECK(store.last_source() == ConfigStore::Source::None);
}

TEST_CASE("save then load gives the same configuration; the previous one is the backup", "[config_store]") {
  test::TestDir dir;
  ConfigStore store(dir.path());
  const SwitchConfig one = sample("br0", 3), two = sample("br1", 5);
  store.save(one);
  CHECK_FALSE(fs::exists(store.backup_file()));
  store.save(two);
  CHECK(fs::exists(store.backup_file()));
  CHECK_FALSE(fs::exists(dir / "state.json.tmp"));
  CHECK_FALSE(fs::exists(dir / "state.json.bak.tmp"));

  ConfigStore again(dir.path());
  CHECK(again.load() == two);
  CHECK(again.last_source() == ConfigStore::Source::State);
  CHECK(nlohmann::json::parse(slurp(store.backup_file()))["bridges"][0]["name"] == "br0");
  CHECK(nlohmann::json::parse(slurp(store.state_file()))["version"] == 1);

  struct stat st {};
  REQUIRE(::stat(store.state_file().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);
}

TEST_CASE("a truncated or corrupt state file falls back to the backup", "[config_store]") {
  test::TestDir dir;
  ConfigStore store(dir.path());
  const SwitchConfig good = sample("br0", 2), newest = sample("br0", 4);
  store.save(good);
  store.save(newest);
  const std::string full = slurp(store.state_file());

  const std::string broken =
      GENERATE_COPY(std::string(), full.substr(0, full.size() / 2), std::string("\0\0\0\0", 4),
                    std::string("{\"bridges\": [{\"name\": \"br0\", \"ports\": 5}]}"),
                    std::string("{\"bridges\": [{\"name\": \"a/b\"}]}"),
                    std::string("{\"version\": 99, \"bridges\": []}"), std::string("[1,2,3]"));
  INFO("state.json = " << broken);
  write(store.state_file(), broken);

  ConfigStore reload(dir.path());
  CHECK(reload.load() == good);
  CHECK(reload.last_source() == ConfigStore::Source::Backup);
  CHECK(slurp(dir / "state.json.corrupt") == broken);  // kept for a person to look at
  // the backup became the current state again, and the backup is still the good copy
  ConfigStore third(dir.path());
  CHECK(third.load() == good);
  CHECK(third.last_source() == ConfigStore::Source::State);
  CHECK(nlohmann::json::parse(slurp(store.backup_file()))["bridges"][0]["ports"].size() == 2);
}

TEST_CASE("both files unusable: an empty configuration, never a crash", "[config_store]") {
  test::TestDir dir;
  ConfigStore store(dir.path());
  write(store.state_file(), "{\"bridges\": [");
  SECTION("no backup") {
    CHECK(store.load() == SwitchConfig{});
    CHECK(store.last_source() == ConfigStore::Source::None);
  }
  SECTION("corrupt backup") {
    write(store.backup_file(), "garbage");
    CHECK(store.load() == SwitchConfig{});
    CHECK(store.last_source() == ConfigStore::Source::None);
  }
  SECTION("the state file is a directory") {
    fs::remove(store.state_file());
    fs::create_directory(store.state_file());
    CHECK(store.load() == SwitchConfig{});
  }
}

TEST_CASE("save reports a failure and leaves the old state in place", "[config_store]") {
  test::TestDir dir;
  ConfigStore store(dir.path());
  const SwitchConfig good = sample("br0", 1);
  store.save(good);
  fs::create_directory(dir / "state.json.tmp");  // the temp file cannot be created
  try {
    store.save(sample("br9", 1));
    FAIL("save did not throw");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::SystemError);
    CHECK_THAT(e.what(), Catch::Contains("state.json.tmp"));
  }
  ConfigStore reload(dir.path());
  CHECK(reload.load() == good);
}

TEST_CASE("a state directory that is a file is refused clearly", "[config_store]") {
  test::TestDir dir;
  write(dir / "file", "x");
  CHECK_THROWS_AS(ConfigStore(dir / "file"), Error);
  CHECK_THROWS_AS(ConfigStore(dir / "file" / "sub"), Error);
}

TEST_CASE("one state directory, one daemon", "[config_store]") {
  test::TestDir dir;
  auto first = std::make_unique<ConfigStore>(dir.path());
  first->lock();
  ConfigStore second(dir.path());
  try {
    second.lock();
    FAIL("a second store locked the directory");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::DeviceBusy);
    CHECK_THAT(e.what(), Catch::Contains("in use by another vswitchd"));
  }
  first.reset();  // the daemon exits (or dies: the kernel drops the lock with the fd)
  CHECK_NOTHROW(second.lock());
}
