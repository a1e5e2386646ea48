// vlan_trunk_peer: an 802.1Q trunk peer in userspace, for VLAN tests on a kernel without 802.1Q.
// Runs inside an "upstream" namespace, owns a trunk interface (a veth end, as a system port) and one
// TAP per VLAN (created here, so the test can give each an IP address):
//   frame from the TAP of VLAN N      -> out the trunk with an 802.1Q tag N
//   tagged frame from the trunk, VID N -> tag stripped, into the TAP of VLAN N
//   untagged frame from the trunk     -> into the native TAP, if there is one (and back untagged)
// The trunk's tags are read back through PACKET_AUXDATA (veth strips them on receive) by the system
// backend. Virtio-net headers travel along, so TCP with offloads works across the trunk too.
//
//   vlan_trunk_peer --trunk IF --vlan VID:TAP [--vlan VID:TAP ...] [--native TAP] [--seconds N]
//
// Prints "ready" once every device exists; "stats" lines at exit (SIGINT/SIGTERM or time limit).
#include <poll.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
#include "switchd/core/egress.h"
#include "switchd/core/frame.h"
#include "switchd/ports/port_backend.h"

using namespace vswitch;

namespace {

volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

constexpr std::size_t kBatch = 32;
constexpr int kNoVlan = -1;    // the native TAP's "VLAN"
constexpr int kOtherTag = -2;  // an 802.1ad (or other) outer tag: no TAP takes those

struct Port {
  std::unique_ptr<PortBackend> backend;
  int vid = kNoVlan;  // for TAPs: the VLAN they carry; unused for the trunk
  PortCounters counters;
  std::uint64_t no_vlan = 0;  // trunk frames with a VLAN (or none) we have no TAP for
  std::vector<EgressFrame> out;
};

int usage() {
  std::fprintf(stderr,
               "usage: vlan_trunk_peer --trunk IF --vlan VID:TAP [--vlan VID:TAP ...] [--native TAP] "
               "[--seconds N]\n");
  return 2;
}

void print_stats(const Port& p) {
  const PortCounters& c = p.counters;
  std::printf("stats %s vlan=%d alive=%d rx_frames=%llu tx_frames=%llu unknown_vlan=%llu tx_dropped=%llu\n",
              p.backend->name().c_str(), p.vid, p.backend->alive() ? 1 : 0,
              static_cast<unsigned long long>(c.rx_frames), static_cast<unsigned long long>(c.tx_frames),
              static_cast<unsigned long long>(p.no_vlan), static_cast<unsigned long long>(c.tx_dropped()));
}

}  // namespace

int main(int argc, char** argv) {
  std::string trunk_name, native_name;
  std::vector<std::pair<int, std::string>> vlans;
  double seconds = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return usage();
    const std::string v = argv[++i];
    if (a == "--trunk") {
      trunk_name = v;
    } else if (a == "--native") {
      native_name = v;
    } else if (a == "--seconds") {
      seconds = std::stod(v);
    } else if (a == "--vlan") {
      const auto colon = v.find(':');
      if (colon == std::string::npos) return usage();
      const int vid = std::stoi(v.substr(0, colon));
      if (vid < 1 || vid > 4094) return usage();
      vlans.emplace_back(vid, v.substr(colon + 1));
    } else {
      return usage();
    }
  }
  if (trunk_name.empty() || (vlans.empty() && native_name.empty())) return usage();

  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  // ports[0] is the trunk; the rest are TAPs.
  std::vector<Port> ports;
  std::map<int, std::size_t> by_vid;  // VLAN (or kNoVlan) -> index in ports
  try {
    ports.push_back(Port{open_port_backend(trunk_name, PortType::System), kNoVlan, {}, 0, {}});
    for (const auto& [vid, tap] : vlans) {
      by_vid[vid] = ports.size();
      ports.push_back(Port{open_port_backend(tap, PortType::Tap), vid, {}, 0, {}});
    }
    if (!native_name.empty()) {
      by_vid[kNoVlan] = ports.size();
      ports.push_back(Port{open_port_backend(native_name, PortType::Tap), kNoVlan, {}, 0, {}});
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "vlan_trunk_peer: %s\n", e.what());
    return 1;
  }
  for (auto& p : ports) p.out.reserve(kBatch);
  std::printf("ready\n");
  std::fflush(stdout);

  std::vector<Packet> batch(kBatch);
  std::vector<pollfd> pfds(ports.size());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!g_stop && (seconds <= 0 || std::chrono::steady_clock::now() < deadline)) {
    for (std::size_t i = 0; i < ports.size(); ++i)
      pfds[i] = {ports[i].backend->alive() ? ports[i].backend->fd() : -1, POLLIN, 0};
    if (::poll(pfds.data(), pfds.size(), 100) <= 0) continue;
    for (std::size_t i = 0; i < ports.size(); ++i) {
      if (pfds[i].revents == 0) continue;
      Port& in = ports[i];
      const std::size_t n = in.backend->receive(batch, in.counters);
      for (auto& p : ports) p.out.clear();
      for (std::size_t k = 0; k < n; ++k) {
        Packet& pkt = batch[k];
        const ParseResult parsed = parse_frame(pkt.frame(), Packet::kMaxFrame);
        if (!parsed.ok) {
          in.counters.drop(parsed.reason);
          continue;
        }
        pkt.info = parsed.info;
        TxItem item;
        item.index = static_cast<std::uint16_t>(k);
        if (i == 0) {  // from the trunk: strip the tag, pick the TAP by VID
          int key = kNoVlan;
          if (pkt.info.tagged) key = pkt.info.tpid == kEthTypeVlan ? pkt.info.tci.vid() : kOtherTag;
          const auto it = by_vid.find(key);
          if (it == by_vid.end()) {
            ++in.no_vlan;
            continue;
          }
          item.tagged = false;
          ports[it->second].out.push_back(compose_egress(pkt, item));
        } else {  // from a TAP: tag with its VLAN (none for the native TAP)
          item.tagged = in.vid != kNoVlan;
          item.tci = in.vid != kNoVlan ? Tci::make(static_cast<VlanId>(in.vid), 0).raw : 0;
          ports[0].out.push_back(compose_egress(pkt, item));
        }
      }
      for (auto& p : ports)
        if (!p.out.empty()) p.backend->send(p.out, p.counters);
    }
  }
  for (const auto& p : ports) print_stats(p);
  std::fflush(stdout);
  return 0;
}
