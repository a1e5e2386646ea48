#include "switchd/ports/link_monitor.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"
#include "common/log.h"

namespace vswitch {

namespace {
constexpr std::size_t kBufferSize = 64 * 1024;  // larger than any single link notification
}

void LinkMonitor::SockDeleter::operator()(nl_sock* s) const { nl_socket_free(s); }

LinkMonitor::LinkMonitor(std::size_t rcvbuf) : sock_(nl_socket_alloc()), buf_(kBufferSize) {
  if (!sock_) throw Error(ErrorCode::SystemError, "out of memory allocating a netlink socket");
  nl_socket_disable_seq_check(sock_.get());  // notifications carry no sequence numbers of ours
  if (int err = nl_connect(sock_.get(), NETLINK_ROUTE); err < 0)
    throw Error(ErrorCode::SystemError, std::string("cannot open an rtnetlink socket: ") + nl_geterror(-err));
  if (int err = nl_socket_add_membership(sock_.get(), RTNLGRP_LINK); err < 0)
    throw Error(ErrorCode::SystemError,
                std::string("cannot subscribe to link notifications: ") + nl_geterror(-err));
  if (int err = nl_socket_set_nonblocking(sock_.get()); err < 0)
    throw Error(ErrorCode::SystemError,
                std::string("cannot make the monitor non-blocking: ") + nl_geterror(-err));
  // Root may exceed net.core.rmem_max; others get what the sysctl allows.
  const int size = static_cast<int>(rcvbuf);
  if (::setsockopt(fd(), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
    ::setsockopt(fd(), SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

LinkMonitor::~LinkMonitor() = default;

int LinkMonitor::fd() const { return nl_socket_get_fd(sock_.get()); }

std::size_t LinkMonitor::drain(const std::function<void(const LinkEvent&)>& on_event) {
  std::size_t events = 0;
  for (;;) {
    sockaddr_nl from{};
    iovec iov{buf_.data(), buf_.size()};
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof(from);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    const ssize_t n = ::recvmsg(fd(), &msg, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return events;
      if (errno == ENOBUFS) {
        // The kernel dropped notifications for us; what is still queued is valid, read on after.
        on_event(LinkEvent{LinkEvent::Kind::Overrun, {}});
        ++events;
        continue;
      }
      throw Error(ErrorCode::SystemError,
                  std::string("link monitor receive failed: ") + std::strerror(errno));
    }
    if (from.nl_pid != 0) continue;  // only the kernel speaks on this group
    if ((msg.msg_flags & MSG_TRUNC) != 0) {
      log::warn("link monitor: notification larger than ", buf_.size(), " bytes was cut; resyncing");
      on_event(LinkEvent{LinkEvent::Kind::Overrun, {}});
      ++events;
      continue;
    }
    int len = static_cast<int>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf_.data()); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_type != RTM_NEWLINK && h->nlmsg_type != RTM_DELLINK) continue;
      auto info = parse_link_message(h);
      if (!info) continue;
      LinkEvent ev;
      ev.kind = h->nlmsg_type == RTM_DELLINK ? LinkEvent::Kind::Removed : LinkEvent::Kind::Changed;
      ev.link = std::move(*info);
      on_event(ev);
      ++events;
    }
  }
}

}  // namespace vswitch
