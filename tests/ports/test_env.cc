#include "tests/ports/test_env.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <poll.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "switchd/core/frame.h"

namespace vswitch::test {

std::string unique_name(std::string_view prefix) {
  static std::atomic<unsigned> counter{0};
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.*s%x%02x", static_cast<int>(prefix.size()), prefix.data(),
                static_cast<unsigned>(::getpid()), counter++ & 0xff);
  return buf;
}

int sh(const std::string& cmd) {
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void must(const std::string& cmd) {
  if (int rc = sh(cmd); rc != 0)
    throw std::runtime_error("command failed (exit " + std::to_string(rc) + "): " + cmd);
}

std::string capture(const std::string& cmd) {
  std::string out;
  FILE* f = ::popen(cmd.c_str(), "r");
  if (!f) throw std::runtime_error("popen failed: " + cmd);
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) out.append(buf.data(), n);
  ::pclose(f);
  return out;
}

bool link_exists(const std::string& name) { return ::if_nametoindex(name.c_str()) != 0; }

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Netns::Netns() : name_(unique_name("vsp")) { must("ip netns add " + name_); }
Netns::~Netns() { remove(); }
void Netns::remove() {
  if (!alive_) return;
  alive_ = false;
  sh("ip netns del " + name_);
}

VethPair::VethPair() : a(unique_name("va")), b(unique_name("vb")) {
  must("ip link add " + a + " type veth peer name " + b);
}
VethPair::~VethPair() { sh("ip link del " + a + " 2>/dev/null"); }

namespace {
void put_mac(std::vector<std::uint8_t>& f, MacAddress m) {
  f.insert(f.end(), m.bytes().begin(), m.bytes().end());
}
void put16(std::vector<std::uint8_t>& f, std::uint16_t v) {
  f.push_back(static_cast<std::uint8_t>(v >> 8));
  f.push_back(static_cast<std::uint8_t>(v));
}
void put_ip(std::vector<std::uint8_t>& f, const char* ip) {
  in_addr a{};
  if (::inet_pton(AF_INET, ip, &a) != 1) throw std::runtime_error(std::string("bad IPv4 address ") + ip);
  const auto* p = reinterpret_cast<const std::uint8_t*>(&a);
  f.insert(f.end(), p, p + 4);
}
}  // namespace

std::vector<std::uint8_t> arp_frame(std::uint16_t op, MacAddress dst, MacAddress src, MacAddress sender_mac,
                                    const char* sender_ip, MacAddress target_mac, const char* target_ip) {
  std::vector<std::uint8_t> f;
  put_mac(f, dst);
  put_mac(f, src);
  put16(f, 0x0806);
  put16(f, 1);       // Ethernet
  put16(f, 0x0800);  // IPv4
  f.push_back(6);
  f.push_back(4);
  put16(f, op);
  put_mac(f, sender_mac);
  put_ip(f, sender_ip);
  put_mac(f, target_mac);
  put_ip(f, target_ip);
  f.resize(60, 0);  // minimum frame without FCS
  return f;
}

EgressFrame egress_of(const std::vector<std::uint8_t>& frame, VirtioNetHdr vnet) {
  EgressFrame e;
  e.vnet = vnet;
  std::memcpy(e.l2.data(), frame.data(), kEthHeaderLen);
  e.l2_len = kEthHeaderLen;
  e.payload = std::span<const std::uint8_t>(frame).subspan(kEthHeaderLen);
  return e;
}

std::optional<Received> wait_for_frame(PortBackend& port, PortCounters& counters,
                                       const std::function<bool(const Packet&)>& match,
                                       std::chrono::milliseconds timeout) {
  std::vector<Packet> batch(8);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{port.fd(), POLLIN, 0};
    if (::poll(&pfd, 1, 50) <= 0) continue;
    const std::size_t n = port.receive(batch, counters);
    for (std::size_t i = 0; i < n; ++i) {
      if (match(batch[i])) {
        auto f = batch[i].frame();
        return Received{{f.begin(), f.end()}, batch[i].vnet};
      }
    }
    if (!port.alive()) return std::nullopt;
  }
  return std::nullopt;
}

std::size_t count_frames(PortBackend& port, PortCounters& counters,
                         const std::function<bool(const Packet&)>& match, std::chrono::milliseconds period) {
  std::vector<Packet> batch(8);
  std::size_t matched = 0;
  const auto deadline = std::chrono::steady_clock::now() + period;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{port.fd(), POLLIN, 0};
    if (::poll(&pfd, 1, 20) <= 0) continue;
    const std::size_t n = port.receive(batch, counters);
    for (std::size_t i = 0; i < n; ++i) matched += match(batch[i]) ? 1 : 0;
    if (n == 0 && !port.alive()) break;
  }
  return matched;
}

bool is_arp(const Packet& p, std::uint16_t op) {
  const auto f = p.frame();
  return f.size() >= 42 && load_be16(&f[12]) == 0x0806 && load_be16(&f[20]) == op;
}

MacAddress src_mac(const Packet& p) { return MacAddress::from_bytes(p.frame().subspan(6, 6)); }

}  // namespace vswitch::test
