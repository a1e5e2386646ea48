// Follows links appearing, changing and disappearing in this network namespace (rtnetlink group
// RTNLGRP_LINK: RTM_NEWLINK / RTM_DELLINK), so the control plane can mark ports up, down or absent
// and re-attach a port whose netdev comes back.
//
// The control plane polls fd() (from Boost.Asio) and calls drain() when it is readable; drain() never
// blocks. Netlink multicast is lossy: when the kernel could not queue a notification (ENOBUFS) the
// monitor reports an Overrun event and the caller must resync from a full dump
// (RouteSocket::list_links()).
//
// Note: moving a netdev into another namespace (`ip link set X netns N`) is a RTM_DELLINK here. A TAP
// port keeps working after that (its fd stays valid), so a Removed event is not proof that a port's
// backend is dead: PortBackend::alive() is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "switchd/ports/netdev.h"

struct nl_sock;

namespace vswitch {

struct LinkEvent {
  enum class Kind {
    Changed,  // RTM_NEWLINK: the link appeared or changed (flags, MTU, name, ...)
    Removed,  // RTM_DELLINK: gone from this namespace (deleted or moved away)
    Overrun,  // notifications were lost: resync every link from a dump; `link` is empty
  };
  Kind kind = Kind::Changed;
  LinkInfo link;
};

class LinkMonitor {
 public:
  // `rcvbuf` sizes the kernel's queue of notifications (bytes); a larger one overruns less often.
  explicit LinkMonitor(std::size_t rcvbuf = 1 << 20);  // throws Error(SystemError)
  ~LinkMonitor();
  LinkMonitor(const LinkMonitor&) = delete;
  LinkMonitor& operator=(const LinkMonitor&) = delete;

  int fd() const;
  // Hands every queued notification to `on_event`, in order, then returns how many it handed over.
  // Never blocks.
  std::size_t drain(const std::function<void(const LinkEvent&)>& on_event);

 private:
  struct SockDeleter {
    void operator()(nl_sock* s) const;
  };
  std::unique_ptr<nl_sock, SockDeleter> sock_;
  std::vector<std::uint8_t> buf_;  // one datagram
};

}  // namespace vswitch
