// Microbenchmark of the forwarding core alone: forwarding decisions per second for batches of
// 64-byte frames, by port count and FDB size. No I/O: this is the ceiling the core puts on the switch.
//
// Usage: core_bench [seconds-per-case]   (default 1.0)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "switchd/core/bridge.h"

using namespace vswitch;

namespace {

std::vector<std::uint8_t> frame64(MacAddress dst, MacAddress src) {
  std::vector<std::uint8_t> f(64, 0);
  for (int i = 0; i < 6; ++i) {
    f[static_cast<std::size_t>(i)] = dst.bytes()[static_cast<std::size_t>(i)];
    f[static_cast<std::size_t>(6 + i)] = src.bytes()[static_cast<std::size_t>(i)];
  }
  f[12] = 0x08;
  return f;
}

struct Result {
  double mdps;  // million decisions per second
  double ns_per_frame;
};

Result run(std::size_t ports, std::size_t fdb_entries, bool broadcast, double seconds) {
  const Timestamp now = Clock::now();
  Bridge br(BridgeSettings{300, static_cast<std::uint32_t>(fdb_entries + 1024)}, 0x5eed);
  for (std::size_t p = 0; p < ports; ++p) br.add_port(CorePortSettings{{}, {}, true, 1500});
  // Hosts behind ports 1..N-1; senders behind port 0.
  std::vector<MacAddress> hosts;
  for (std::size_t i = 0; i < fdb_entries; ++i) {
    auto m = MacAddress::from_u64(0x020000000000ULL + (i << 4));
    hosts.push_back(m);
    br.fdb().learn(0, m, static_cast<PortId>(1 + i % (ports - 1)), now);
  }
  constexpr std::size_t kBatch = 64;
  std::mt19937_64 rng(1);
  std::vector<Packet> batch;
  for (std::size_t i = 0; i < kBatch; ++i) {
    Packet p(256);
    auto dst = broadcast ? kBroadcastMac : hosts[rng() % hosts.size()];
    p.assign(frame64(dst, MacAddress::from_u64(0x060000000000ULL + i)));
    batch.push_back(std::move(p));
  }
  TxPlan plan;
  std::uint64_t frames = 0;
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::duration<double>(seconds);
  auto t = start;
  while (t < deadline) {
    for (int rep = 0; rep < 64; ++rep) {
      plan.reset();
      br.process(0, batch, now, plan);
      frames += kBatch;
    }
    t = std::chrono::steady_clock::now();
  }
  const double secs = std::chrono::duration<double>(t - start).count();
  return {static_cast<double>(frames) / secs / 1e6, secs * 1e9 / static_cast<double>(frames)};
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
  std::printf("vswitch core microbenchmark: batches of 64 frames of 64 bytes, one core\n\n");
  std::printf("| traffic           | ports | FDB entries | Mdecisions/s | ns/frame |\n");
  std::printf("|-------------------|------:|------------:|-------------:|---------:|\n");
  for (bool bcast : {false, true}) {
    for (std::size_t ports : {2, 8, 64}) {
      for (std::size_t fdb : {1000, 100000}) {
        if (bcast && fdb != 1000) continue;
        Result r = run(ports, fdb, bcast, seconds);
        std::printf("| %-17s | %5zu | %11zu | %12.1f | %8.1f |\n",
                    bcast ? "broadcast (flood)" : "known unicast", ports, fdb, r.mdps, r.ns_per_frame);
      }
    }
  }
  return 0;
}
