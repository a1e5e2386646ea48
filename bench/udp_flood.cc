// Small-frame load generator for bench/run: 64-byte UDP frames (60 bytes + FCS on the wire) sent on
// one interface through AF_PACKET with sendmmsg, at a fixed rate or as fast as the kernel takes them,
// for a bounded time. It replaces trafgen (netsniff-ng) so the benchmark needs nothing beyond the build.
//
// With --src-macs N it instead emits N frames, each from a different locally administered source MAC
// (02:77:xx:xx:xx:xx), to fill a switch's FDB the way N hosts behind the port would.
//
// Usage: udp_flood --dev IF --dst-mac MAC --src-ip A --dst-ip B [--seconds S] [--pps R] [--src-macs N]
// Prints one JSON line: {"sent": frames the kernel accepted, "failed": ..., "seconds": ...}.
// Run it inside the sending namespace (ip netns exec); it touches only the interface it is given.
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "common/unique_fd.h"

using vswitch::UniqueFd;

namespace {

constexpr std::size_t kFrameLen = 60;  // 64 on the wire with the FCS
constexpr std::size_t kBatch = 64;

struct Options {
  std::string dev;
  std::array<std::uint8_t, 6> dst_mac{};
  in_addr src_ip{}, dst_ip{};
  double seconds = 2.0;
  double pps = 0;  // 0 = as fast as the kernel takes them
  std::uint64_t src_macs = 0;
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "udp_flood: %s\n", what.c_str());
  std::exit(2);
}

std::array<std::uint8_t, 6> parse_mac(const char* s) {
  std::array<unsigned, 6> v{};
  if (std::sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
    die(std::string("bad MAC ") + s);
  std::array<std::uint8_t, 6> m{};
  for (std::size_t i = 0; i < 6; ++i) m[i] = static_cast<std::uint8_t>(v[i]);
  return m;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) die("missing value after " + a);
    const char* v = argv[++i];
    if (a == "--dev")
      o.dev = v;
    else if (a == "--dst-mac")
      o.dst_mac = parse_mac(v);
    else if (a == "--src-ip")
      inet_pton(AF_INET, v, &o.src_ip);
    else if (a == "--dst-ip")
      inet_pton(AF_INET, v, &o.dst_ip);
    else if (a == "--seconds")
      o.seconds = std::atof(v);
    else if (a == "--pps")
      o.pps = std::atof(v);
    else if (a == "--src-macs")
      o.src_macs = std::strtoull(v, nullptr, 10);
    else
      die("unknown option " + a);
  }
  if (o.dev.empty() || o.src_ip.s_addr == 0 || o.dst_ip.s_addr == 0) die("need --dev, --src-ip, --dst-ip");
  if (o.seconds <= 0 || o.seconds > 60) die("--seconds must be in (0, 60]");
  return o;
}

std::uint16_t ip_checksum(const std::uint8_t* p, std::size_t len) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < len; i += 2) sum += static_cast<std::uint32_t>(p[i] << 8 | p[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

// Ethernet + IPv4 + UDP (checksum 0: none) to port 9 (discard) + 18 bytes of padding payload.
std::array<std::uint8_t, kFrameLen> build_frame(const Options& o,
                                                const std::array<std::uint8_t, 6>& src_mac) {
  std::array<std::uint8_t, kFrameLen> f{};
  std::memcpy(&f[0], o.dst_mac.data(), 6);
  std::memcpy(&f[6], src_mac.data(), 6);
  f[12] = 0x08;
  std::uint8_t* ip = &f[14];
  ip[0] = 0x45;
  const std::uint16_t ip_len = kFrameLen - 14;
  ip[2] = static_cast<std::uint8_t>(ip_len >> 8);
  ip[3] = static_cast<std::uint8_t>(ip_len & 0xff);
  ip[8] = 64;  // TTL
  ip[9] = 17;  // UDP
  std::memcpy(&ip[12], &o.src_ip, 4);
  std::memcpy(&ip[16], &o.dst_ip, 4);
  const std::uint16_t c = ip_checksum(ip, 20);
  ip[10] = static_cast<std::uint8_t>(c >> 8);
  ip[11] = static_cast<std::uint8_t>(c & 0xff);
  std::uint8_t* udp = ip + 20;
  udp[0] = 0x27;  // source port 10000
  udp[1] = 0x10;
  udp[3] = 9;  // discard
  const std::uint16_t udp_len = ip_len - 20;
  udp[4] = static_cast<std::uint8_t>(udp_len >> 8);
  udp[5] = static_cast<std::uint8_t>(udp_len & 0xff);
  return f;
}

double now_s() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void sleep_until(double t) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(t);
  ts.tv_nsec = static_cast<long>((t - static_cast<double>(ts.tv_sec)) * 1e9);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  prctl(PR_SET_TIMERSLACK, 1UL);  // pacing wants microseconds, not the default 50 µs of slack

  UniqueFd fd(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));  // protocol 0: receives nothing
  if (!fd) die(std::string("socket: ") + std::strerror(errno));
  ifreq ifr{};
  if (o.dev.size() >= IFNAMSIZ) die("interface name too long");
  std::memcpy(ifr.ifr_name, o.dev.data(), o.dev.size());
  if (::ioctl(fd.get(), SIOCGIFINDEX, &ifr) < 0) die("no interface " + o.dev);
  const int ifindex = ifr.ifr_ifindex;
  if (::ioctl(fd.get(), SIOCGIFHWADDR, &ifr) < 0) die("SIOCGIFHWADDR failed");
  std::array<std::uint8_t, 6> own_mac{};
  std::memcpy(own_mac.data(), ifr.ifr_hwaddr.sa_data, 6);
  const int one = 1;
  ::setsockopt(fd.get(), SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));  // as trafgen does
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_ifindex = ifindex;
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&sll), sizeof(sll)) < 0)
    die(std::string("bind: ") + std::strerror(errno));

  std::vector<std::array<std::uint8_t, kFrameLen>> frames(kBatch, build_frame(o, own_mac));
  std::array<iovec, kBatch> iov{};
  std::array<mmsghdr, kBatch> msgs{};
  for (std::size_t i = 0; i < kBatch; ++i) {
    iov[i] = {frames[i].data(), kFrameLen};
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }

  // Paced: batches small enough that one lasts about 100 µs, so the rate is smooth, not bursty.
  std::size_t batch = kBatch;
  if (o.pps > 0)
    batch = std::min<std::size_t>(kBatch, std::max<std::size_t>(1, static_cast<std::size_t>(o.pps / 1e4)));

  // A fill ends when every MAC went out; a flood when its time is up. Neither outlasts 60 s.
  const bool fill = o.src_macs > 0;
  std::uint64_t sent = 0, failed = 0, next_mac = 0;
  const double start = now_s();
  const double end = start + (fill ? 60.0 : o.seconds);
  for (std::uint64_t round = 0;; ++round) {
    if (fill) {
      if (next_mac >= o.src_macs) break;
      batch = std::min<std::size_t>(batch, o.src_macs - next_mac);
      for (std::size_t i = 0; i < batch; ++i, ++next_mac) {
        const std::uint64_t m = next_mac;
        const std::array<std::uint8_t, 6> mac{0x02,
                                              0x77,
                                              static_cast<std::uint8_t>(m >> 24),
                                              static_cast<std::uint8_t>(m >> 16),
                                              static_cast<std::uint8_t>(m >> 8),
                                              static_cast<std::uint8_t>(m)};
        std::memcpy(&frames[i][6], mac.data(), 6);
      }
    }
    if (o.pps > 0) {
      const double due = start + static_cast<double>(sent + failed) / o.pps;
      if (due > end) break;
      if (due > now_s()) sleep_until(due);
    } else if ((round & 15) == 0 && now_s() >= end) {
      break;
    }
    const int n = ::sendmmsg(fd.get(), msgs.data(), static_cast<unsigned>(batch), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != ENOBUFS && errno != EAGAIN) die(std::string("sendmmsg: ") + std::strerror(errno));
      failed += 1;  // the first frame of the batch was refused; the rest were not tried
      continue;
    }
    sent += static_cast<std::uint64_t>(n);
    if (static_cast<std::size_t>(n) < batch) failed += batch - static_cast<std::size_t>(n);
  }
  std::printf("{\"sent\": %llu, \"failed\": %llu, \"seconds\": %.4f}\n",
              static_cast<unsigned long long>(sent), static_cast<unsigned long long>(failed),
              now_s() - start);
  return 0;
}
