// RTNLGRP_LINK notifications for real links, and the overrun report when the kernel drops them.
#include "switchd/ports/link_monitor.h"

#include <poll.h>

#include <catch2/catch.hpp>
#include <vector>

#include "tests/ports/test_env.h"

using namespace vswitch;
using namespace vswitch::test;

namespace {
std::vector<LinkEvent> drain_for(LinkMonitor& mon, std::chrono::milliseconds period) {
  std::vector<LinkEvent> events;
  const auto deadline = std::chrono::steady_clock::now() + period;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{mon.fd(), POLLIN, 0};
    if (::poll(&pfd, 1, 20) > 0) mon.drain([&](const LinkEvent& e) { events.push_back(e); });
  }
  return events;
}

bool has(const std::vector<LinkEvent>& events, LinkEvent::Kind kind, const std::string& name) {
  for (const auto& e : events)
    if (e.kind == kind && e.link.name == name) return true;
  return false;
}
}  // namespace

TEST_CASE("link monitor: links appearing, changing and going away", "[link_monitor]") {
  LinkMonitor mon;
  CHECK(mon.drain([](const LinkEvent&) {}) == 0);  // nothing yet, and it does not block

  auto veth = std::make_unique<VethPair>();
  const std::string a = veth->a;
  auto events = drain_for(mon, std::chrono::milliseconds(300));
  REQUIRE(has(events, LinkEvent::Kind::Changed, a));
  for (const auto& e : events)
    if (e.link.name == a) CHECK(e.link.kind == "veth");

  must("ip link set " + a + " mtu 1280 up");
  events = drain_for(mon, std::chrono::milliseconds(300));
  bool saw_up = false;
  for (const auto& e : events)
    if (e.kind == LinkEvent::Kind::Changed && e.link.name == a && e.link.admin_up && e.link.mtu == 1280)
      saw_up = true;
  CHECK(saw_up);

  veth.reset();  // ip link del
  events = drain_for(mon, std::chrono::milliseconds(300));
  CHECK(has(events, LinkEvent::Kind::Removed, a));
}

TEST_CASE("link monitor: lost notifications are reported as an overrun", "[link_monitor]") {
  LinkMonitor mon(1);  // the kernel's minimum receive buffer: a few notifications
  std::vector<std::unique_ptr<VethPair>> pairs;
  for (int i = 0; i < 16; ++i) pairs.push_back(std::make_unique<VethPair>());
  const auto events = drain_for(mon, std::chrono::milliseconds(300));
  bool overrun = false;
  for (const auto& e : events) overrun = overrun || e.kind == LinkEvent::Kind::Overrun;
  CHECK(overrun);
  // After an overrun the monitor keeps working.
  pairs.clear();
  bool removed = false;
  for (const auto& e : drain_for(mon, std::chrono::milliseconds(300)))
    removed = removed || e.kind == LinkEvent::Kind::Removed || e.kind == LinkEvent::Kind::Overrun;
  CHECK(removed);
}
