// PauseGate: the only synchronisation between the control thread and the datapath workers. These
// tests run real threads (and run under ThreadSanitizer in CI's TSan build).
#include "switchd/datapath/pause_gate.h"

#include <poll.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>
#include <vector>

using namespace vswitch;
using namespace std::chrono_literals;

namespace {
bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & POLLIN) != 0;
}
}  // namespace

TEST_CASE("PauseGate: events fetched before a pause are stale after it", "[pause_gate]") {
  PauseGate gate(1);
  const auto before = gate.epoch();
  CHECK(gate.enter(0, before).owns_lock());
  { auto paused = gate.pause(); }
  CHECK_FALSE(gate.enter(0, before).owns_lock());
  CHECK(gate.enter(0, gate.epoch()).owns_lock());
}

TEST_CASE("PauseGate: the wake fd is readable exactly while a pause or a stop wake is on", "[pause_gate]") {
  PauseGate gate(2);
  CHECK_FALSE(readable(gate.wake_fd()));
  {
    auto paused = gate.pause();
    CHECK(readable(gate.wake_fd()));
  }
  CHECK_FALSE(readable(gate.wake_fd()));
  gate.wake();
  CHECK(readable(gate.wake_fd()));
  gate.quiet();
  CHECK_FALSE(readable(gate.wake_fd()));
}

TEST_CASE("PauseGate: no worker pass runs during a pause, and busy workers cannot starve it",
          "[pause_gate]") {
  constexpr std::size_t kWorkers = 3;
  PauseGate gate(kWorkers);
  std::atomic<bool> stop{false};
  std::atomic<int> inside{0};
  // Plain integers, each written by its worker in a pass and read by the control thread in a pause:
  // only the gate orders those accesses (ThreadSanitizer would report a race otherwise).
  std::vector<std::uint64_t> passes(kWorkers, 0);
  std::vector<std::thread> workers;
  for (std::size_t i = 0; i < kWorkers; ++i)
    workers.emplace_back([&, i] {
      while (!stop.load()) {
        const auto epoch = gate.epoch();
        pollfd p{gate.wake_fd(), POLLIN, 0};
        ::poll(&p, 1, 0);  // never sleeps: a worker under full load
        auto pass = gate.enter(i, epoch);
        if (!pass) continue;
        inside.fetch_add(1);
        ++passes[i];
        inside.fetch_sub(1);
      }
    });
  std::uint64_t progress = 0;
  for (int round = 0; round < 200; ++round) {
    std::this_thread::sleep_for(100us);  // the workers' turn
    auto paused = gate.pause();
    REQUIRE(inside.load() == 0);
    const std::vector<std::uint64_t> seen = passes;
    std::this_thread::sleep_for(20us);
    REQUIRE(inside.load() == 0);
    REQUIRE(passes == seen);  // nobody moved while paused
    std::uint64_t total = 0;
    for (auto n : seen) total += n;
    progress = total;
  }
  CHECK(progress > 0);
  stop = true;
  { auto paused = gate.pause(); }  // lets every worker see `stop`
  for (auto& t : workers) t.join();
  for (auto n : passes) CHECK(n > 0);
}
