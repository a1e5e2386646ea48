#include "switchd/ports/af_packet_port.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <net/if.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/error.h"
#include "common/ifname.h"
#include "common/log.h"
#include "switchd/ports/gso_header.h"
#include "switchd/ports/netdev.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23  // Linux 4.20
#endif

namespace vswitch {

namespace {

// Deep enough for bursts of 64 KiB GSO frames; root may exceed net.core.[rw]mem_max (the *FORCE
// options), others get what the sysctls allow. A port's receive buffer is shared out over its queues
// (each keeps at least kMinRcvBuf), so more workers do not multiply what a flood can pin in the kernel.
constexpr int kRcvBuf = 8 << 20;
constexpr int kMinRcvBuf = 2 << 20;
constexpr int kSndBuf = 4 << 20;
constexpr std::size_t kTxChunk = 256;  // frames per sendmmsg call
constexpr int kMaxReceiveCalls = 4;    // recvmmsg calls per receive() when errors interrupt a batch
// PACKET_FANOUT_FLAG_IGNORE_OUTGOING (Linux 6.11; not in older headers).
constexpr int kFanoutIgnoreOutgoing = 0x4000;

std::string errno_text(int err) { return std::strerror(err); }

void set_int_option(int fd, int level, int option, int value, const char* what, const std::string& name) {
  if (::setsockopt(fd, level, option, &value, sizeof(value)) < 0)
    throw Error(ErrorCode::SystemError,
                std::string("port ") + name + ": cannot set " + what + ": " + errno_text(errno));
}

void set_buffer(int fd, int force_option, int option, int size) {
  if (::setsockopt(fd, SOL_SOCKET, force_option, &size, sizeof(size)) < 0)
    ::setsockopt(fd, SOL_SOCKET, option, &size, sizeof(size));  // best effort: capped by the sysctl
}

// One socket bound to `ifindex`, with every option the backend relies on; `promisc`: it also holds the
// device's promiscuous mode (one membership per port is enough, whatever its queues).
UniqueFd open_socket(const std::string& name, int ifindex, bool promisc, int rcvbuf) {
  // Protocol 0: the socket receives nothing until bind() names the device, so no other device's
  // frames can slip in first.
  UniqueFd fd(::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) throw Error(ErrorCode::SystemError, "cannot open an AF_PACKET socket: " + errno_text(errno));
  set_int_option(fd.get(), SOL_PACKET, PACKET_VNET_HDR, 1, "PACKET_VNET_HDR", name);
  set_int_option(fd.get(), SOL_PACKET, PACKET_AUXDATA, 1, "PACKET_AUXDATA", name);
  set_int_option(fd.get(), SOL_PACKET, PACKET_IGNORE_OUTGOING, 1,
                 "PACKET_IGNORE_OUTGOING (needs Linux 4.20 or later)", name);
  set_buffer(fd.get(), SO_RCVBUFFORCE, SO_RCVBUF, rcvbuf);
  set_buffer(fd.get(), SO_SNDBUFFORCE, SO_SNDBUF, kSndBuf);

  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = ifindex;
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&sll), sizeof(sll)) < 0) {
    const int err = errno;
    if (err == ENODEV || err == ENXIO)
      throw Error(ErrorCode::NoSuchDevice, "network device '" + name + "' vanished while being opened");
    throw Error(ErrorCode::SystemError, "cannot bind to '" + name + "': " + errno_text(err));
  }
  if (!promisc) return fd;
  packet_mreq mreq{};
  mreq.mr_ifindex = ifindex;
  mreq.mr_type = PACKET_MR_PROMISC;
  if (::setsockopt(fd.get(), SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq, sizeof(mreq)) < 0)
    throw Error(ErrorCode::SystemError, "cannot make '" + name + "' promiscuous: " + errno_text(errno));
  return fd;
}

// Send scratch for one sendmmsg call, one per thread: send() runs on every datapath worker.
struct TxScratch {
  struct Slot {
    iovec iov[3];
  };
  std::vector<mmsghdr> msgs = std::vector<mmsghdr>(kTxChunk);
  std::vector<Slot> slots = std::vector<Slot>(kTxChunk);
};
thread_local TxScratch tx_scratch;

}  // namespace

AfPacketPort::AfPacketPort(const std::string& name, std::size_t queues) : name_(name) {
  if (auto why = validate_ifname(name); !why.empty()) throw Error(ErrorCode::InvalidParams, why);
  check_queue_count(name, queues);
  RouteSocket rtnl;
  const auto link = rtnl.find_link(name);
  if (!link) throw Error(ErrorCode::NoSuchDevice, "no network device named '" + name + "'");
  if (!link->is_ethernet())
    throw Error(ErrorCode::Conflict, "'" + name + "' is not an Ethernet device and cannot be a switch port");
  ifindex_ = link->ifindex;

  // Up before bind: binding to a down device queues an ENETDOWN socket error that the first send or
  // receive would then report.
  rtnl.set_link_up(ifindex_);
  queues_.resize(queues);
  const int rcvbuf = std::max(kMinRcvBuf, kRcvBuf / static_cast<int>(queues));
  for (std::size_t i = 0; i < queues; ++i) queues_[i].fd = open_socket(name, ifindex_, i == 0, rcvbuf);
  if (queues > 1) join_fanout();
  log::info("port ", name_, ": system backend (AF_PACKET) on ifindex ", ifindex_,
            queues > 1 ? ", " + std::to_string(queues) + " queues (fanout by flow hash)" : std::string());
}

void AfPacketPort::join_fanout() {
  // The first socket makes the group and the kernel picks an id no other group in this network
  // namespace has (FLAG_UNIQUEID); the others join by that id.
  // PACKET_FANOUT's argument: the group id in the low 16 bits, type and flags in the high 16 (whose top
  // bit, FLAG_DEFRAG, is the int's sign bit: built unsigned).
  const auto join = [](int fd, int type_flags, int id) {
    const int arg = static_cast<int>(static_cast<unsigned>(type_flags) << 16 | static_cast<unsigned>(id));
    return ::setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof(arg)) == 0 ? 0 : errno;
  };
  int flags =
      PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG | PACKET_FANOUT_FLAG_UNIQUEID | kFanoutIgnoreOutgoing;
  int err = join(queues_[0].fd.get(), flags, 0);
  if (err == EINVAL) {
    // Older kernels refuse the ignore-outgoing flag: filter those frames on receive instead.
    flags &= ~kFanoutIgnoreOutgoing;
    drop_outgoing_ = true;
    err = join(queues_[0].fd.get(), flags, 0);
  }
  if (err != 0)
    throw Error(ErrorCode::SystemError, "port " + name_ + ": cannot make a fanout group: " + errno_text(err));
  int arg = 0;
  socklen_t len = sizeof(arg);
  if (::getsockopt(queues_[0].fd.get(), SOL_PACKET, PACKET_FANOUT, &arg, &len) < 0)
    throw Error(ErrorCode::SystemError,
                "port " + name_ + ": cannot read the fanout group: " + errno_text(errno));
  const int id = arg & 0xffff;
  const int join_flags = flags & ~PACKET_FANOUT_FLAG_UNIQUEID;
  for (std::size_t i = 1; i < queues_.size(); ++i)
    if (const int e = join(queues_[i].fd.get(), join_flags, id); e != 0)
      throw Error(ErrorCode::SystemError, "port " + name_ + ": cannot join fanout group " +
                                              std::to_string(id) + ": " + errno_text(e));
}

bool AfPacketPort::netdev_gone() const {
  // On NETDEV_UNREGISTER the kernel unbinds the socket: its ifindex reads back as -1.
  sockaddr_ll sll{};
  socklen_t len = sizeof(sll);
  if (::getsockname(queues_[0].fd.get(), reinterpret_cast<sockaddr*>(&sll), &len) < 0) return false;
  return sll.sll_ifindex != ifindex_;
}

void AfPacketPort::mark_gone(int err) {
  if (!alive_.exchange(false)) return;
  log::warn("port ", name_, ": network device is gone (", errno_text(err), ")");
}

std::size_t AfPacketPort::receive_some(Queue& q, std::span<Packet> batch, PortCounters& counters, int& err,
                                       std::size_t& read) {
  const std::size_t want = batch.size();
  for (std::size_t i = 0; i < want; ++i) {
    RxSlot& s = q.rx_slots[i];
    Packet& pkt = batch[i];
    const auto buf = pkt.rx_buffer();
    s.iov[0] = {&pkt.vnet, sizeof(VirtioNetHdr)};
    s.iov[1] = {buf.data(), buf.size()};
    msghdr& h = q.rx_msgs[i].msg_hdr;
    h = msghdr{};
    if (drop_outgoing_) {
      h.msg_name = &s.from;
      h.msg_namelen = sizeof(s.from);
    }
    h.msg_iov = s.iov;
    h.msg_iovlen = 2;
    h.msg_control = s.control;
    h.msg_controllen = sizeof(s.control);
  }
  const int got =
      ::recvmmsg(q.fd.get(), q.rx_msgs.data(), static_cast<unsigned>(want), MSG_DONTWAIT, nullptr);
  read = got < 0 ? 0 : static_cast<std::size_t>(got);
  if (got < 0) {
    err = errno;
    return 0;
  }
  err = 0;

  std::size_t kept = 0;  // good frames are compacted to batch[0..kept)
  for (std::size_t i = 0; i < static_cast<std::size_t>(got); ++i) {
    mmsghdr& m = q.rx_msgs[i];
    Packet& pkt = batch[i];
    if (drop_outgoing_ && q.rx_slots[i].from.sll_pkttype == PACKET_OUTGOING) continue;  // not ours to switch
    if ((m.msg_hdr.msg_flags & MSG_TRUNC) != 0 || m.msg_len < sizeof(VirtioNetHdr)) {
      counters.drop(DropReason::rx_error);
      continue;
    }
    pkt.set_length(m.msg_len - sizeof(VirtioNetHdr));
    bool ok = true;
    for (cmsghdr* c = CMSG_FIRSTHDR(&m.msg_hdr); c != nullptr; c = CMSG_NXTHDR(&m.msg_hdr, c)) {
      if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA) continue;
      tpacket_auxdata aux;
      std::memcpy(&aux, CMSG_DATA(c), sizeof(aux));
      if (aux.tp_snaplen < aux.tp_len) ok = false;
      // The kernel (rx-vlan offload, or skb_vlan_untag on receive) moved the outer tag into metadata.
      // It reports offsets (vnet csum_start) relative to the untagged frame; insert_tag shifts them.
      if ((aux.tp_status & TP_STATUS_VLAN_VALID) != 0 || aux.tp_vlan_tci != 0) {
        const std::uint16_t tpid =
            (aux.tp_status & TP_STATUS_VLAN_TPID_VALID) != 0 ? aux.tp_vlan_tpid : std::uint16_t{0x8100};
        ok = ok && pkt.insert_tag(tpid, aux.tp_vlan_tci);
      }
    }
    if (!ok) {
      counters.drop(DropReason::rx_error);
      continue;
    }
    fix_gso_header_length(pkt);
    counters.rx_frames++;
    counters.rx_bytes += pkt.size();
    if (kept != i) std::swap(batch[kept], batch[i]);
    ++kept;
  }
  return kept;
}

std::size_t AfPacketPort::receive(std::span<Packet> batch, PortCounters& counters, std::size_t queue) {
  if (!alive_ || batch.empty()) return 0;
  Queue& q = queues_.at(queue);
  if (q.rx_msgs.size() < batch.size()) {
    q.rx_msgs.resize(batch.size());
    q.rx_slots.resize(batch.size());
  }
  std::size_t n = 0;
  for (int call = 0; call < kMaxReceiveCalls && n < batch.size(); ++call) {
    const std::size_t want = batch.size() - n;
    int err = 0;
    std::size_t read = 0;  // frames the kernel handed over, including any dropped as rx_error
    n += receive_some(q, batch.subspan(n), counters, err, read);
    if (err == 0) {
      // A short read means the queue is empty, or an error stopped it and will be reported by the
      // next call: poll() says so (the fd stays readable).
      if (read < want) break;
      continue;
    }
    if (err == EAGAIN || err == EWOULDBLOCK) break;
    if (err == EINTR) continue;
    if (err == ENETDOWN || err == ENXIO || err == ENODEV) {
      // ENETDOWN also means "went down"; only a deleted netdev unbinds the socket.
      if (netdev_gone()) {
        mark_gone(err);
        break;
      }
      continue;
    }
    // Typically EINVAL: the kernel could not describe a frame's offloads in a virtio-net header and
    // dropped it. Count it and read on.
    counters.drop(DropReason::rx_error);
  }
  return n;
}

void AfPacketPort::collect_kernel_drops(PortCounters& counters) {
  for (const Queue& q : queues_) {
    tpacket_stats st{};
    socklen_t len = sizeof(st);
    if (::getsockopt(q.fd.get(), SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
      counters.drop(DropReason::rx_overrun, st.tp_drops);
  }
}

void AfPacketPort::send(std::span<const EgressFrame> frames, PortCounters& counters, std::size_t queue) {
  const int fd = queues_[queue % queues_.size()].fd.get();
  TxScratch& tx = tx_scratch;
  std::size_t i = 0;
  bool retried_down = false;
  while (i < frames.size()) {
    if (!alive_) {
      counters.drop(DropReason::port_down, frames.size() - i);
      return;
    }
    const std::size_t chunk = std::min(frames.size() - i, kTxChunk);
    for (std::size_t j = 0; j < chunk; ++j) {
      const EgressFrame& f = frames[i + j];
      TxScratch::Slot& s = tx.slots[j];
      s.iov[0] = {const_cast<VirtioNetHdr*>(&f.vnet), sizeof(VirtioNetHdr)};
      s.iov[1] = {const_cast<std::uint8_t*>(f.l2.data()), f.l2_len};
      s.iov[2] = {const_cast<std::uint8_t*>(f.payload.data()), f.payload.size()};
      msghdr& h = tx.msgs[j].msg_hdr;
      h = msghdr{};
      h.msg_iov = s.iov;
      h.msg_iovlen = 3;
    }
    const int sent = ::sendmmsg(fd, tx.msgs.data(), static_cast<unsigned>(chunk), MSG_DONTWAIT);
    if (sent > 0) {
      for (int j = 0; j < sent; ++j) {
        counters.tx_frames++;
        counters.tx_bytes += frames[i + static_cast<std::size_t>(j)].size();
      }
      i += static_cast<std::size_t>(sent);
      continue;
    }
    // sendmmsg reports an error only for the first frame of the call: frames[i].
    const int err = sent < 0 ? errno : EAGAIN;
    if (err == EINTR) continue;
    if (err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS) {
      counters.drop(DropReason::tx_queue_full, frames.size() - i);
      return;
    }
    if (err == ENXIO || err == ENODEV) {
      mark_gone(err);
      counters.drop(DropReason::port_down, frames.size() - i);
      return;
    }
    if (err == ENETDOWN) {
      // Either the netdev is down now, or it went down (and maybe up) earlier and this is the socket
      // error the kernel queued then, which this call has now consumed: try once more to tell.
      if (!retried_down) {
        retried_down = true;
        continue;
      }
      counters.drop(DropReason::port_down, frames.size() - i);
      return;
    }
    counters.drop(DropReason::tx_error);  // EMSGSIZE, EINVAL (bad offload header): this frame only
    ++i;
  }
}

}  // namespace vswitch
