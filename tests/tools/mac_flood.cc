// mac_flood: sends Ethernet frames with random source MACs out of one interface, as fast as
// AF_PACKET sendmmsg allows, to fill a switch's MAC table (tests/integration/test_mac_flood.sh).
//
//   mac_flood --ifname DEV --count N [--dst MAC] [--seconds S] [--seed X]
//
// Each frame is 60 bytes: DST, a random locally administered unicast source MAC, EtherType 0x88b5
// (IEEE "local experimental"), zero payload. Sources are drawn from a 46-bit space, so N frames carry
// (almost exactly) N distinct MACs. Stops after N frames or S seconds (default 50), whichever comes
// first, and prints "sent N in T s (R frames/s)". ENOBUFS (the qdisc is full) is retried after a
// short pause: the count is of frames the kernel accepted.
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/mac.h"
#include "common/unique_fd.h"

using namespace vswitch;

namespace {

constexpr std::size_t kFrameLen = 60;
constexpr std::size_t kBatch = 256;

[[noreturn]] void usage(const char* why) {
  std::fprintf(
      stderr, "mac_flood: %s\nusage: mac_flood --ifname DEV --count N [--dst MAC] [--seconds S] [--seed X]\n",
      why);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string ifname;
  std::uint64_t count = 0;
  double seconds = 50;
  std::uint64_t seed = std::random_device{}();
  MacAddress dst = MacAddress::from_u64(0xffffffffffffULL);
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage(("missing value for " + a).c_str());
    const char* v = argv[++i];
    if (a == "--ifname")
      ifname = v;
    else if (a == "--count")
      count = std::strtoull(v, nullptr, 10);
    else if (a == "--seconds")
      seconds = std::strtod(v, nullptr);
    else if (a == "--seed")
      seed = std::strtoull(v, nullptr, 0);
    else if (a == "--dst") {
      auto m = MacAddress::parse(v);
      if (!m) usage("bad --dst MAC");
      dst = *m;
    } else
      usage(("unknown option " + a).c_str());
  }
  if (ifname.empty() || count == 0) usage("--ifname and --count are required");

  const unsigned ifindex = if_nametoindex(ifname.c_str());
  if (ifindex == 0) {
    std::fprintf(stderr, "mac_flood: no interface %s\n", ifname.c_str());
    return 1;
  }
  UniqueFd fd(::socket(AF_PACKET, SOCK_RAW, 0));  // protocol 0: send only, never receives
  if (!fd) {
    std::perror("mac_flood: socket(AF_PACKET)");
    return 1;
  }
  sockaddr_ll to{};
  to.sll_family = AF_PACKET;
  to.sll_ifindex = static_cast<int>(ifindex);
  to.sll_halen = 6;

  std::vector<std::array<std::uint8_t, kFrameLen>> frames(kBatch);
  std::vector<iovec> iov(kBatch);
  std::vector<mmsghdr> msgs(kBatch);
  const auto dst_bytes = dst.bytes();
  for (std::size_t i = 0; i < kBatch; ++i) {
    frames[i].fill(0);
    std::memcpy(frames[i].data(), dst_bytes.data(), 6);
    frames[i][12] = 0x88;
    frames[i][13] = 0xb5;
    iov[i] = {frames[i].data(), kFrameLen};
    msgs[i] = {};
    msgs[i].msg_hdr.msg_name = &to;
    msgs[i].msg_hdr.msg_namelen = sizeof to;
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }

  std::mt19937_64 rng(seed);
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::duration<double>(seconds);
  std::uint64_t sent = 0;
  while (sent < count && std::chrono::steady_clock::now() < deadline) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(kBatch, count - sent));
    for (std::size_t i = 0; i < n; ++i) {
      // Locally administered (bit 1 set), unicast (bit 0 clear): a valid source address.
      const std::uint64_t src = (rng() & 0xfcffffffffffULL) | 0x020000000000ULL;
      for (int b = 0; b < 6; ++b)
        frames[i][6 + static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(src >> (40 - 8 * b));
    }
    const int r = ::sendmmsg(fd.get(), msgs.data(), static_cast<unsigned>(n), 0);
    if (r < 0) {
      if (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        continue;
      }
      std::perror("mac_flood: sendmmsg");
      return 1;
    }
    // Frames the kernel did not take are re-randomised and sent in the next round.
    sent += static_cast<std::uint64_t>(r);
  }
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("sent %llu in %.2f s (%.0f frames/s)\n", static_cast<unsigned long long>(sent), took,
              took > 0 ? static_cast<double>(sent) / took : 0.0);
  return sent == count ? 0 : 3;
}
