// A port's I/O backend: how frames get in and out of one netdev. Backends never block: receive()
// returns what is queued now, send() drops (and counts) what the kernel will not take now.
//
// Queues and threads: a backend has one or more receive queues (an AF_PACKET port opened for N
// datapath workers has N sockets in one PACKET_FANOUT_HASH group, so each flow's frames land in one
// queue, in order). Each queue is received on by one thread at a time; send() may be called by
// several threads at once, each passing its own queue number as a hint (the socket it sends on).
//
// Every backend carries the 10-byte virtio-net header with each frame (IFF_VNET_HDR on TAP,
// PACKET_VNET_HDR on AF_PACKET), so checksum and segmentation offloads pass through the switch.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "common/config.h"
#include "switchd/core/egress.h"
#include "switchd/core/packet.h"
#include "switchd/core/port_counters.h"

namespace vswitch {

class PortBackend {
 public:
  virtual ~PortBackend() = default;

  virtual const std::string& name() const = 0;
  virtual PortType type() const = 0;  // Tap or System
  virtual int ifindex() const = 0;
  // Receive queues, numbered 0..queue_count()-1 (see above).
  virtual std::size_t queue_count() const { return 1; }
  // Poll this for input on `queue` (level-triggered: readable while frames are queued).
  virtual int fd(std::size_t queue = 0) const = 0;
  // True when the backend created the netdev and will remove it on destruction.
  virtual bool owns_netdev() const = 0;

  // Reads up to batch.size() frames into batch[0..n): frame bytes via Packet::rx_buffer() /
  // set_length(), offload metadata into Packet::vnet. Counts rx_frames / rx_bytes and receive
  // errors (rx_error) into `counters`. Returns n (0 when nothing is queued or the device vanished).
  virtual std::size_t receive(std::span<Packet> batch, PortCounters& counters, std::size_t queue = 0) = 0;

  // Sends every frame, batched where the kernel allows (sendmmsg), never blocking. Counts tx_frames /
  // tx_bytes for frames the kernel took and tx_queue_full / tx_error / port_down for the rest.
  // Thread-safe; `queue` (taken modulo queue_count()) picks the socket where there are several.
  virtual void send(std::span<const EgressFrame> frames, PortCounters& counters, std::size_t queue = 0) = 0;

  // Adds the frames the kernel dropped because this backend's receive queues were full (rx_overrun)
  // since the last call. Thread-safe. Backends whose kernel keeps no such count add nothing.
  virtual void collect_kernel_drops(PortCounters& /*counters*/) {}

  // False once the netdev is known to be gone (ENXIO/ENODEV/ENETDOWN-after-delete on I/O): the
  // datapath then stops polling it and the control plane marks the port absent.
  virtual bool alive() const = 0;
};

// Most receive queues a backend is opened with (one per datapath worker).
inline constexpr std::size_t kMaxPortQueues = 64;
// Throws Error(InvalidParams) unless 1 <= queues <= kMaxPortQueues.
void check_queue_count(const std::string& port, std::size_t queues);

// Opens the backend for an existing or to-be-created netdev, following the port type rules in
// docs/ports.md:
//   tap:    /dev/net/tun, IFF_TAP|IFF_NO_PI|IFF_VNET_HDR; creates the device if missing (and then owns
//           it); attaches to a persistent TAP nobody holds (does not own it); DeviceBusy if held.
//   system: AF_PACKET on an existing netdev, `queues` sockets in a fanout group; NoSuchDevice if it
//           does not exist.
//   auto:   existing netdev -> system, unless it is a TAP nobody holds -> tap; missing -> tap (created).
// Throws vswitch::Error (NoSuchDevice, DeviceBusy, SystemError) with a message for the operator.
// `queues`: the datapath's worker count. A system port gets that many sockets in a fanout group; a TAP
// the backend creates becomes multi-queue with that many fds; any other TAP has one queue.
std::unique_ptr<PortBackend> open_port_backend(const std::string& name, PortType type,
                                               std::size_t queues = 1);

}  // namespace vswitch
