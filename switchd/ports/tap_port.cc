#include "switchd/ports/tap_port.h"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"
#include "common/ifname.h"
#include "common/log.h"
#include "switchd/ports/gso_header.h"
#include "switchd/ports/netdev.h"

namespace vswitch {

namespace {

constexpr unsigned kOffloads = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;

std::string errno_text(int err) { return std::strerror(err); }

// Refuses, with an operator-readable reason, names that exist but cannot be taken as our TAP.
// Returns the extra TUNSETIFF flags the existing device needs.
int check_existing(const std::string& name, const std::optional<LinkInfo>& link) {
  if (!link) return 0;  // will be created
  if (link->kind != "tun") {
    const std::string kind = link->kind.empty() ? "network" : link->kind;
    throw Error(ErrorCode::Conflict,
                "'" + name + "' exists and is a " + kind + " device, not a TAP: add it as a system port");
  }
  if (!link->tun) return 0;  // kernel does not describe tun devices: let TUNSETIFF decide
  if (!link->tun->tap)
    throw Error(ErrorCode::Conflict, "'" + name + "' is a TUN (layer 3) device, not a TAP");
  if (link->tun->held)
    throw Error(ErrorCode::DeviceBusy, "TAP '" + name +
                                           "' is held open by another process (qemu?): add it as a system "
                                           "port to switch it through AF_PACKET");
  return link->tun->multi_queue ? IFF_MULTI_QUEUE : 0;
}

// One /dev/net/tun fd attached to TAP `name` with `flags`; throws with the operator's reason.
UniqueFd open_queue(const std::string& name, int flags) {
  UniqueFd fd(::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC));
  if (!fd) throw Error(ErrorCode::SystemError, "cannot open /dev/net/tun: " + errno_text(errno));
  unsigned int features = 0;
  if (::ioctl(fd.get(), TUNGETFEATURES, &features) < 0)
    throw Error(ErrorCode::SystemError, "TUNGETFEATURES failed: " + errno_text(errno));
  if ((features & IFF_VNET_HDR) == 0)
    throw Error(ErrorCode::SystemError, "the tun driver does not support IFF_VNET_HDR");

  ifreq ifr{};
  std::memcpy(ifr.ifr_name, name.data(), name.size());
  ifr.ifr_flags = static_cast<short>(IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | flags);
  if (::ioctl(fd.get(), TUNSETIFF, &ifr) < 0) {
    const int err = errno;
    if (err == EBUSY)
      throw Error(ErrorCode::DeviceBusy, "TAP '" + name +
                                             "' is held open by another process (qemu?): add it as a "
                                             "system port to switch it through AF_PACKET");
    if (err == EINVAL)
      throw Error(ErrorCode::Conflict, "'" + name + "' exists with settings a TAP port cannot use");
    if (err == EPERM) throw Error(ErrorCode::NotPermitted, "not permitted to open TAP '" + name + "'");
    throw Error(ErrorCode::SystemError, "cannot open TAP '" + name + "': " + errno_text(err));
  }
  int hdr_size = static_cast<int>(sizeof(VirtioNetHdr));
  if (::ioctl(fd.get(), TUNSETVNETHDRSZ, &hdr_size) < 0)
    throw Error(ErrorCode::SystemError, "TUNSETVNETHDRSZ failed on '" + name + "': " + errno_text(errno));
  if (::ioctl(fd.get(), TUNSETOFFLOAD, static_cast<unsigned long>(kOffloads)) < 0)
    throw Error(ErrorCode::SystemError, "TUNSETOFFLOAD failed on '" + name + "': " + errno_text(errno));
  return fd;
}

}  // namespace

TapPort::TapPort(const std::string& name, std::size_t queues) : name_(name) {
  if (auto why = validate_ifname(name); !why.empty()) throw Error(ErrorCode::InvalidParams, why);
  check_queue_count(name, queues);
  RouteSocket rtnl;
  const auto existing = rtnl.find_link(name);
  int flags = check_existing(name, existing);
  // Several queues only on a TAP that is ours to shape: one we create, or a persistent multi-queue
  // TAP nobody holds. (A single-queue TAP cannot grow queues; check_existing refused held ones.)
  if (!existing && queues > 1) flags |= IFF_MULTI_QUEUE;
  if ((flags & IFF_MULTI_QUEUE) == 0) queues = 1;

  fds_.push_back(open_queue(name, flags));
  // A device we created is not persistent (we never set IFF_PERSIST), so closing our fds removes it;
  // a device we attached to must have been persistent to exist without a holder.
  ifreq got{};
  if (::ioctl(fds_[0].get(), TUNGETIFF, &got) < 0)
    throw Error(ErrorCode::SystemError, "TUNGETIFF failed on '" + name + "': " + errno_text(errno));
  owns_ = (got.ifr_flags & IFF_PERSIST) == 0;
  while (fds_.size() < queues) fds_.push_back(open_queue(name, flags));

  auto link = rtnl.find_link(name);
  if (!link) throw Error(ErrorCode::NoSuchDevice, "TAP '" + name + "' vanished while being opened");
  ifindex_ = link->ifindex;
  rtnl.set_link_up(ifindex_);
  log::info("port ", name_, ": tap backend, ", owns_ ? "created the TAP" : "attached to a persistent TAP",
            " (ifindex ", ifindex_, ")",
            fds_.size() > 1 ? ", " + std::to_string(fds_.size()) + " queues (multi-queue)" : std::string());
}

void TapPort::mark_gone(int err) {
  if (!alive_.exchange(false)) return;
  log::warn("port ", name_, ": TAP device is gone (", errno_text(err), ")");
}

std::size_t TapPort::receive(std::span<Packet> batch, PortCounters& counters, std::size_t queue) {
  if (!alive_) return 0;
  const int fd = fds_.at(queue).get();
  std::size_t n = 0;
  while (n < batch.size()) {
    Packet& pkt = batch[n];
    const auto buf = pkt.rx_buffer();
    iovec iov[2] = {{&pkt.vnet, sizeof(VirtioNetHdr)}, {buf.data(), buf.size()}};
    const ssize_t got = ::readv(fd, iov, 2);
    if (got < 0) {
      const int err = errno;
      if (err == EAGAIN || err == EWOULDBLOCK) break;
      if (err == EINTR) continue;
      // EBADFD: the netdev was deleted under our fd (directly, or with its namespace).
      if (err == EBADFD || err == ENXIO || err == ENODEV) {
        mark_gone(err);
        break;
      }
      counters.drop(DropReason::rx_error);
      break;  // unknown error: leave the rest for the next poll rather than spin
    }
    if (static_cast<std::size_t>(got) < sizeof(VirtioNetHdr)) {
      counters.drop(DropReason::rx_error);
      continue;
    }
    pkt.set_length(static_cast<std::size_t>(got) - sizeof(VirtioNetHdr));
    fix_gso_header_length(pkt);
    counters.rx_frames++;
    counters.rx_bytes += pkt.size();
    ++n;
  }
  return n;
}

void TapPort::send(std::span<const EgressFrame> frames, PortCounters& counters, std::size_t queue) {
  const int fd = fds_[queue % fds_.size()].get();
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (!alive_) {
      counters.drop(DropReason::port_down, frames.size() - i);
      return;
    }
    const EgressFrame& f = frames[i];
    iovec iov[3] = {{const_cast<VirtioNetHdr*>(&f.vnet), sizeof(VirtioNetHdr)},
                    {const_cast<std::uint8_t*>(f.l2.data()), f.l2_len},
                    {const_cast<std::uint8_t*>(f.payload.data()), f.payload.size()}};
    ssize_t put;
    do put = ::writev(fd, iov, 3);
    while (put < 0 && errno == EINTR);
    if (put >= 0) {
      counters.tx_frames++;
      counters.tx_bytes += f.size();
      continue;
    }
    const int err = errno;
    if (err == EAGAIN || err == EWOULDBLOCK) {
      counters.drop(DropReason::tx_queue_full, frames.size() - i);
      return;
    }
    if (err == EIO) {  // the netdev is down (or has no carrier)
      counters.drop(DropReason::port_down, frames.size() - i);
      return;
    }
    if (err == EBADFD || err == ENXIO || err == ENODEV) {
      mark_gone(err);
      counters.drop(DropReason::port_down, frames.size() - i);
      return;
    }
    counters.drop(DropReason::tx_error);  // this frame only (bad offload header, ...)
  }
}

}  // namespace vswitch
