// Link queries and changes over rtnetlink (libnl-3 / libnl-route-3): what a netdev is (its kind, flags,
// MTU, MAC, and for TUN/TAP devices whether anyone holds them), bringing it up, setting its MTU.
//
// The control plane uses this to pick a port backend (docs/ports.md: "auto") and to report port state;
// the backends use it to find the ifindex and bring the link up. Everything happens in the network
// namespace the calling thread was in when the RouteSocket was made. Nothing here is on the datapath's
// per-frame path.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/mac.h"

struct nl_sock;
struct nlmsghdr;

namespace vswitch {

// What the tun driver says about a TUN/TAP device (IFLA_INFO_DATA of kind "tun").
struct TunInfo {
  bool tap = false;                   // IFF_TAP (Ethernet frames) rather than IFF_TUN (IP packets)
  bool persist = false;               // survives the last fd being closed
  bool multi_queue = false;           // IFF_MULTI_QUEUE
  bool vnet_hdr = false;              // the attached queues use IFF_VNET_HDR (as the driver reports it)
  std::uint32_t queues = 0;           // attached queues (fds)
  std::uint32_t disabled_queues = 0;  // queues held by an fd but disabled (TUNSETQUEUE)
  // Someone (qemu, another switch, us) has the device open: TUNSETIFF would fail with EBUSY (single
  // queue) or join the holder's queues (multi-queue). Either way, not ours to take.
  bool held() const { return queues + disabled_queues != 0; }
};

struct LinkInfo {
  int ifindex = 0;
  std::string name;
  std::string kind;            // IFLA_INFO_KIND: "tun", "veth", "bridge", ...; empty for a physical NIC
  std::uint16_t arp_type = 0;  // ifi_type: ARPHRD_ETHER (1) for every Ethernet-like device
  bool admin_up = false;       // IFF_UP
  bool running = false;        // IFF_RUNNING: up and operational (carrier present)
  std::uint32_t mtu = 0;
  MacAddress mac;
  std::optional<TunInfo> tun;  // set for kind "tun" on kernels that report IFLA_TUN_* (4.15+)

  bool is_ethernet() const { return arp_type == 1; }
  bool is_tap() const { return tun && tun->tap; }
};

// Parses one RTM_NEWLINK / RTM_DELLINK message. nullopt when it is not a link message or is malformed.
std::optional<LinkInfo> parse_link_message(const nlmsghdr* hdr);

// A NETLINK_ROUTE request socket. Not thread-safe: one per thread (the control plane's).
class RouteSocket {
 public:
  RouteSocket();  // throws Error(SystemError)
  ~RouteSocket();
  RouteSocket(const RouteSocket&) = delete;
  RouteSocket& operator=(const RouteSocket&) = delete;

  // nullopt when no such link exists (in this namespace). Throws Error(SystemError) on other failures.
  std::optional<LinkInfo> find_link(std::string_view name);
  std::optional<LinkInfo> find_link(int ifindex);
  // Every link in the namespace (to resync after a LinkMonitor overrun).
  std::vector<LinkInfo> list_links();

  // Throw Error(NoSuchDevice) when the link is gone, Error(SystemError) otherwise.
  void set_link_up(int ifindex);
  void set_mtu(int ifindex, std::uint32_t mtu);

 private:
  struct SockDeleter {
    void operator()(nl_sock* s) const;
  };
  std::optional<LinkInfo> get(int ifindex, const char* name);
  std::unique_ptr<nl_sock, SockDeleter> sock_;
};

// Convenience for one-off calls (each opens its own RouteSocket).
std::optional<LinkInfo> find_link(std::string_view name);
std::optional<LinkInfo> find_link(int ifindex);
void set_link_up(int ifindex);

}  // namespace vswitch
