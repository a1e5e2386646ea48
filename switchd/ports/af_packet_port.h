// The `system` port backend: an existing netdev the switch does not own (a qemu-held vnetN/tapN, a
// veth end, the uplink NIC), driven through one AF_PACKET SOCK_RAW socket bound to its ifindex.
//
//   receive: recvmmsg batches of [virtio_net_hdr][frame] (PACKET_VNET_HDR), with PACKET_AUXDATA so the
//            VLAN tag the kernel stripped into metadata is put back into the frame (Packet::insert_tag).
//   send:    sendmmsg batches of [virtio_net_hdr][l2][payload] gather lists.
//   The switch's own transmissions are not read back (PACKET_IGNORE_OUTGOING); the netdev is put in
//   promiscuous mode through PACKET_ADD_MEMBERSHIP (reference-counted by the kernel, released when the
//   socket closes) and brought up.
//
// Queues: opened with queues > 1 (one per datapath worker), the backend holds that many sockets joined
// in one PACKET_FANOUT_HASH group. The kernel hashes each frame's flow (symmetric: both directions of a
// connection land alike) and queues it on one socket, so a flow stays in order on one worker while
// different flows spread over workers. A group's own transmissions are never looped back to it; the
// host's transmissions on the netdev are (a fanout group has no PACKET_IGNORE_OUTGOING before Linux
// 6.11), so then the receive path drops frames the kernel marks PACKET_OUTGOING itself.
//
// When the netdev is deleted the socket reports ENETDOWN on receive and ENXIO on send, and its bound
// ifindex reads back as -1: the backend turns !alive(). A netdev that is merely down stays alive
// (sends count port_down) and works again when it comes back up.
#pragma once

#include <linux/if_packet.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <atomic>
#include <string>
#include <vector>

#include "common/unique_fd.h"
#include "switchd/ports/port_backend.h"

namespace vswitch {

class AfPacketPort final : public PortBackend {
 public:
  // Throws Error: NoSuchDevice, Conflict (not an Ethernet device), SystemError.
  explicit AfPacketPort(const std::string& name, std::size_t queues = 1);

  const std::string& name() const override { return name_; }
  PortType type() const override { return PortType::System; }
  int ifindex() const override { return ifindex_; }
  std::size_t queue_count() const override { return queues_.size(); }
  int fd(std::size_t queue = 0) const override { return queues_[queue].fd.get(); }
  bool owns_netdev() const override { return false; }
  std::size_t receive(std::span<Packet> batch, PortCounters& counters, std::size_t queue = 0) override;
  void send(std::span<const EgressFrame> frames, PortCounters& counters, std::size_t queue = 0) override;
  bool alive() const override { return alive_; }
  // PACKET_STATISTICS tp_drops of every socket (reading resets the kernel's count).
  void collect_kernel_drops(PortCounters& counters) override;

 private:
  struct RxSlot {
    iovec iov[2];
    sockaddr_ll from;  // sll_pkttype tells the host's own transmissions apart
    alignas(cmsghdr) std::uint8_t control[CMSG_SPACE(sizeof(tpacket_auxdata))];
  };
  // One socket and the scratch for its recvmmsg calls, allocated once (grown only if a bigger batch
  // comes). Send scratch is per thread (af_packet_port.cc), as send() is.
  struct Queue {
    UniqueFd fd;
    std::vector<mmsghdr> rx_msgs;
    std::vector<RxSlot> rx_slots;
  };
  // One recvmmsg into batch: returns the frames kept (compacted to the front); `read` is how many the
  // kernel handed over, `err` the errno of a failed call (0 otherwise).
  std::size_t receive_some(Queue& q, std::span<Packet> batch, PortCounters& counters, int& err,
                           std::size_t& read);
  void join_fanout();
  bool netdev_gone() const;
  void mark_gone(int err);

  std::string name_;
  std::vector<Queue> queues_;
  int ifindex_ = 0;
  bool drop_outgoing_ = false;  // fanout without kernel support for ignoring outgoing frames
  std::atomic<bool> alive_{true};
};

}  // namespace vswitch
