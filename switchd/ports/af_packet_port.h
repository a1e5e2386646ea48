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
// When the netdev is deleted the socket reports ENETDOWN on receive and ENXIO on send, and its bound
// ifindex reads back as -1: the backend turns !alive(). A netdev that is merely down stays alive
// (sends count port_down) and works again when it comes back up.
#pragma once

#include <linux/if_packet.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <string>
#include <vector>

#include "common/unique_fd.h"
#include "switchd/ports/port_backend.h"

namespace vswitch {

class AfPacketPort final : public PortBackend {
 public:
  // Throws Error: NoSuchDevice, Conflict (not an Ethernet device), SystemError.
  explicit AfPacketPort(const std::string& name);

  const std::string& name() const override { return name_; }
  PortType type() const override { return PortType::System; }
  int ifindex() const override { return ifindex_; }
  int fd() const override { return fd_.get(); }
  bool owns_netdev() const override { return false; }
  std::size_t receive(std::span<Packet> batch, PortCounters& counters) override;
  void send(std::span<const EgressFrame> frames, PortCounters& counters) override;
  bool alive() const override { return alive_; }

 private:
  struct RxSlot {
    iovec iov[2];
    alignas(cmsghdr) std::uint8_t control[CMSG_SPACE(sizeof(tpacket_auxdata))];
  };
  struct TxSlot {
    iovec iov[3];
  };
  std::size_t receive_some(std::span<Packet> batch, PortCounters& counters, int& err);
  bool netdev_gone() const;
  void mark_gone(int err);

  std::string name_;
  UniqueFd fd_;
  int ifindex_ = 0;
  bool alive_ = true;
  // Scratch for one recvmmsg / sendmmsg call, allocated once (grown only if a bigger batch comes).
  std::vector<mmsghdr> rx_msgs_;
  std::vector<RxSlot> rx_slots_;
  std::vector<mmsghdr> tx_msgs_;
  std::vector<TxSlot> tx_slots_;
};

}  // namespace vswitch
