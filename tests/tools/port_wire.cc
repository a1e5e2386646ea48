// port_wire: a two-port "switch" for testing port backends on their own: opens two ports by name
// (open_port_backend, type auto/tap/system) and moves every frame from one to the other through
// compose_egress(), tags and virtio-net headers kept, until SIGINT/SIGTERM or a time limit.
//
//   port_wire [--seconds N] [--verbose] NAME[:TYPE] NAME[:TYPE]
//
// Prints "ready" once both ports are open (tests then move TAP ends into namespaces), "gone NAME"
// when a port's netdev vanishes (the other keeps running), and at exit one "stats" line per port.
#include <poll.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/log.h"
#include "switchd/core/egress.h"
#include "switchd/core/frame.h"
#include "switchd/ports/port_backend.h"

using namespace vswitch;

namespace {

volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

constexpr std::size_t kBatch = 32;

struct Side {
  std::unique_ptr<PortBackend> port;
  PortCounters counters;
  std::vector<Packet> batch;
  bool reported_gone = false;
};

void usage() {
  std::fprintf(stderr, "usage: port_wire [--seconds N] [--verbose] NAME[:auto|tap|system] NAME[:TYPE]\n");
}

void print_stats(const Side& s) {
  const PortCounters& c = s.counters;
  std::printf("stats %s alive=%d rx_frames=%llu rx_bytes=%llu tx_frames=%llu tx_bytes=%llu",
              s.port->name().c_str(), s.port->alive() ? 1 : 0, static_cast<unsigned long long>(c.rx_frames),
              static_cast<unsigned long long>(c.rx_bytes), static_cast<unsigned long long>(c.tx_frames),
              static_cast<unsigned long long>(c.tx_bytes));
  for (std::size_t r = 0; r < kDropReasonCount; ++r) {
    if (c.drops[r] != 0)
      std::printf(" %s=%llu", std::string(drop_reason_name(static_cast<DropReason>(r))).c_str(),
                  static_cast<unsigned long long>(c.drops[r]));
  }
  std::printf("\n");
}

// Moves what `from` has queued to `to`.
void forward(Side& from, Side& to, std::vector<EgressFrame>& out, bool verbose) {
  const std::size_t n = from.port->receive(from.batch, from.counters);
  out.clear();
  for (std::size_t i = 0; i < n; ++i) {
    Packet& pkt = from.batch[i];
    const ParseResult parsed = parse_frame(pkt.frame(), Packet::kMaxFrame);
    if (!parsed.ok) {
      from.counters.drop(parsed.reason);
      continue;
    }
    pkt.info = parsed.info;
    if (verbose) {
      const VirtioNetHdr& v = pkt.vnet;
      std::printf(
          "frame %s len=%zu tagged=%d tci=0x%04x flags=%u gso_type=%u hdr_len=%u gso_size=%u "
          "csum_start=%u csum_offset=%u\n",
          from.port->name().c_str(), pkt.size(), pkt.info.tagged ? 1 : 0, pkt.info.tci.raw, v.flags,
          v.gso_type, v.hdr_len, v.gso_size, v.csum_start, v.csum_offset);
    }
    TxItem item;
    item.index = static_cast<std::uint16_t>(i);
    item.tagged = pkt.info.tagged;
    item.tci = pkt.info.tci.raw;
    out.push_back(compose_egress(pkt, item));
  }
  if (!out.empty()) to.port->send(out, to.counters);
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 0;
  bool verbose = false;
  std::vector<std::pair<std::string, PortType>> names;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--seconds" && i + 1 < argc) {
      seconds = std::stod(argv[++i]);
    } else if (a == "--verbose") {
      verbose = true;
    } else if (!a.empty() && a[0] != '-') {
      const auto colon = a.find(':');
      PortType type = PortType::Auto;
      if (colon != std::string::npos) {
        auto t = parse_port_type(a.substr(colon + 1));
        if (!t) {
          usage();
          return 2;
        }
        type = *t;
      }
      names.emplace_back(a.substr(0, colon), type);
    } else {
      usage();
      return 2;
    }
  }
  if (names.size() != 2) {
    usage();
    return 2;
  }
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  Side sides[2];
  try {
    for (int i = 0; i < 2; ++i) {
      sides[i].port = open_port_backend(names[static_cast<std::size_t>(i)].first,
                                        names[static_cast<std::size_t>(i)].second);
      sides[i].batch.resize(kBatch);
      std::printf("port %s type=%s owns=%d ifindex=%d\n", sides[i].port->name().c_str(),
                  std::string(to_string(sides[i].port->type())).c_str(), sides[i].port->owns_netdev() ? 1 : 0,
                  sides[i].port->ifindex());
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "port_wire: %s (%s)\n", e.what(), std::string(error_name(e.code())).c_str());
    return 1;
  }
  std::printf("ready\n");
  std::fflush(stdout);

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::vector<EgressFrame> out;
  out.reserve(kBatch);
  while (!g_stop && (seconds <= 0 || std::chrono::steady_clock::now() < deadline)) {
    pollfd pfd[2];
    nfds_t count = 0;
    int which[2];
    for (int i = 0; i < 2; ++i) {
      Side& s = sides[i];
      if (!s.port->alive()) {
        if (!s.reported_gone) {
          std::printf("gone %s\n", s.port->name().c_str());
          std::fflush(stdout);
          s.reported_gone = true;
        }
        continue;
      }
      pfd[count] = {s.port->fd(), POLLIN, 0};
      which[count++] = i;
    }
    const int ready = ::poll(pfd, count, 100);
    if (ready <= 0) continue;
    for (nfds_t k = 0; k < count; ++k) {
      if (pfd[k].revents == 0) continue;
      const int i = which[k];
      forward(sides[i], sides[1 - i], out, verbose);
      if (verbose) std::fflush(stdout);
    }
  }
  for (const Side& s : sides) print_stats(s);
  std::fflush(stdout);
  return 0;
}
