// The `tap` port backend: the switch holds the TAP device's /dev/net/tun fd and reads and writes
// Ethernet frames on it, each with a 10-byte virtio-net header (IFF_VNET_HDR) so checksum and TSO
// offloads pass through (TUNSETOFFLOAD CSUM|TSO4|TSO6|TSO_ECN).
//
// Ownership: a TAP that did not exist is created here, non-persistent, and so vanishes when the fd is
// closed (the backend is destroyed): the switch owns it. A persistent TAP that nobody holds
// (`ip tuntap add`) is attached and stays when the backend goes. A TAP someone else holds (qemu) is
// refused with DeviceBusy: that one must be a `system` port.
//
// The netdev end may be moved into another network namespace; the fd keeps working. When the netdev
// is deleted (or its namespace dies) the driver answers EBADFD and the backend turns !alive().
//
// I/O: one readv / writev per frame (the tun driver has no batch call); non-blocking. send() is
// thread-safe (each writev is one whole frame).
//
// Queues: asked for more than one, a TAP the backend creates is made IFF_MULTI_QUEUE with one fd per
// queue (and so is an unheld persistent multi-queue TAP attached to). The tun driver spreads the frames
// the netdev transmits (towards us) over the queues by a symmetric flow hash, so each flow stays in
// order on one queue. Any other TAP has one queue.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "common/unique_fd.h"
#include "switchd/ports/port_backend.h"

namespace vswitch {

class TapPort final : public PortBackend {
 public:
  // Opens or creates TAP `name` in the current network namespace and brings it up.
  // Throws Error: DeviceBusy (held by someone else), Conflict (the name is not a TAP), SystemError.
  explicit TapPort(const std::string& name, std::size_t queues = 1);

  const std::string& name() const override { return name_; }
  PortType type() const override { return PortType::Tap; }
  int ifindex() const override { return ifindex_; }
  std::size_t queue_count() const override { return fds_.size(); }
  int fd(std::size_t queue = 0) const override { return fds_[queue].get(); }
  bool owns_netdev() const override { return owns_; }
  std::size_t receive(std::span<Packet> batch, PortCounters& counters, std::size_t queue = 0) override;
  void send(std::span<const EgressFrame> frames, PortCounters& counters, std::size_t queue = 0) override;
  bool alive() const override { return alive_; }

 private:
  void mark_gone(int err);

  std::string name_;
  std::vector<UniqueFd> fds_;  // one per queue
  int ifindex_ = 0;
  bool owns_ = false;
  std::atomic<bool> alive_{true};  // send() runs on several datapath workers
};

}  // namespace vswitch
