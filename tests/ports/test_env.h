// Test environment for the port backend tests: unique names, shell commands, network namespaces and
// veth pairs that clean up after themselves, hand-built frames, and waiting for a frame on a port.
//
// ports_tests runs in a private network namespace of its own (main.cc), so every link a test makes
// without naming a namespace lives and dies with the test process; the "VM" namespaces are named ones
// (ip netns add) that the RAII owners here delete.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/mac.h"
#include "switchd/core/egress.h"
#include "switchd/core/packet.h"
#include "switchd/ports/port_backend.h"

namespace vswitch::test {

// "<prefix><pid><n>", unique per run and at most 15 bytes (prefix up to 4 bytes).
std::string unique_name(std::string_view prefix);

// Runs `cmd` with /bin/sh; returns its exit status. Output goes to the test's stderr.
int sh(const std::string& cmd);
// Same, and throws std::runtime_error (a failed test) unless it exits 0.
void must(const std::string& cmd);
// Runs `cmd` and returns its stdout.
std::string capture(const std::string& cmd);
bool link_exists(const std::string& name);  // in the test's own namespace
std::string read_file(const std::string& path);

class Netns {
 public:
  Netns();
  ~Netns();
  Netns(const Netns&) = delete;
  Netns& operator=(const Netns&) = delete;
  const std::string& name() const { return name_; }
  std::string exec(const std::string& cmd) const { return "ip netns exec " + name_ + " " + cmd; }
  // Deletes the namespace now (and with it every virtual link inside).
  void remove();

 private:
  std::string name_;
  bool alive_ = true;
};

// A veth pair in the test's namespace; `b` may then be moved elsewhere.
class VethPair {
 public:
  VethPair();
  ~VethPair();
  VethPair(const VethPair&) = delete;
  VethPair& operator=(const VethPair&) = delete;
  std::string a, b;
};

// Frames.
std::vector<std::uint8_t> arp_frame(std::uint16_t op, MacAddress dst, MacAddress src, MacAddress sender_mac,
                                    const char* sender_ip, MacAddress target_mac, const char* target_ip);
// Splits a whole frame into an EgressFrame ([dst src type] + the rest). `frame` must outlive the result.
EgressFrame egress_of(const std::vector<std::uint8_t>& frame, VirtioNetHdr vnet = {});

struct Received {
  std::vector<std::uint8_t> bytes;
  VirtioNetHdr vnet;
};
// Receives from `port` until a frame satisfies `match` or `timeout` passes.
std::optional<Received> wait_for_frame(PortBackend& port, PortCounters& counters,
                                       const std::function<bool(const Packet&)>& match,
                                       std::chrono::milliseconds timeout = std::chrono::seconds(5));
// Receives everything `port` has for `period`; returns how many frames matched.
std::size_t count_frames(PortBackend& port, PortCounters& counters,
                         const std::function<bool(const Packet&)>& match, std::chrono::milliseconds period);

// ARP helpers on received frames (untagged).
bool is_arp(const Packet& p, std::uint16_t op);
MacAddress src_mac(const Packet& p);

}  // namespace vswitch::test
