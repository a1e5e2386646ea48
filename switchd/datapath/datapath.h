// The datapath: worker threads that move frames between the port backends of every bridge, through
// the bridges' forwarding cores, in batches:
//
//   readable receive queue -> receive up to `batch_size` frames -> Bridge::process (one decision pass
//   for the batch, under the bridge's lock) -> per egress port, compose the frames and send them in
//   one batched call (no lock).
//
// Threads: `threads` workers, each with its own epoll set and scratch. Every receive queue of every
// port is polled by exactly one worker: queue q of port p goes to worker (p + q) % threads. A system
// port opened with one queue per worker (PACKET_FANOUT, see AfPacketPort) so spreads its flows over
// all workers; a TAP (one queue) is polled by one worker, different TAPs by different workers. Any
// worker may send to any port (backends' send() is thread-safe).
//
// Shared state: a bridge's core (FDB, port settings, core counters) is touched under that bridge's
// mutex, taken once per batch, never per frame. Everything else -- the set of bridges and backends,
// epoll registrations -- changes only inside run(), which pauses every worker between batches
// (PauseGate), so the workers read it without locks. Counters a worker keeps outside the lock (the
// backends' rx drops and tx counts) go to a block of its own, folded into the core's counters at
// every pause, so what run() reads is exact.
//
// Idle, the workers sleep in epoll_wait (no busy polling); worker 0 wakes once a second to age FDB
// entries.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

#include "common/unique_fd.h"
#include "switchd/core/bridge.h"
#include "switchd/core/egress.h"
#include "switchd/datapath/pause_gate.h"
#include "switchd/ports/port_backend.h"

namespace vswitch {

using BridgeId = std::uint32_t;

struct DatapathOptions {
  std::size_t batch_size = 64;
  // Worker threads (1..kMaxThreads). More than one pays only where spare cores exist: on a 2-core
  // host the VMs' own threads compete for the second core (docs/performance.md).
  std::size_t threads = 1;
  // Called on a worker thread when a port's backend reports its netdev gone. Must not block: post to
  // the control thread. The datapath has already stopped polling the port.
  std::function<void(BridgeId, PortId)> on_port_lost;
  // Poll with a zero timeout instead of sleeping: a frame is picked up without a thread wakeup (tens
  // of microseconds on a VM), at the price of a CPU kept busy all the time, per worker. Off by default.
  bool busy_poll = false;
  // After a pass that moved frames, keep polling without sleeping for this long: under load the next
  // frame is usually there by then, and a worker that does not sleep costs no wakeup on either side.
  std::chrono::microseconds poll_window{0};
};

class Datapath {
 public:
  static constexpr std::size_t kMaxThreads = kMaxPortQueues;  // a system port has a queue per worker

  explicit Datapath(DatapathOptions options);
  ~Datapath();
  Datapath(const Datapath&) = delete;
  Datapath& operator=(const Datapath&) = delete;

  void start();
  void stop();  // joins the workers; state stays (and can be inspected inline afterwards)

  // Worker threads: open system ports with this many queues.
  std::size_t threads() const { return workers_.size(); }

  // Runs fn(*this) with every worker paused between batches and returns what it returns (exceptions
  // propagate). Every method below must be called inside run(). Must not be called from a worker.
  template <typename F>
  auto run(F&& fn) -> std::invoke_result_t<F&, Datapath&> {
    if (!running_.load()) return fn(*this);
    auto paused = gate_.pause();
    fold_counters();
    return fn(*this);
  }

  // ---- inside run() ----
  BridgeId add_bridge(const BridgeSettings& settings);
  // Returns the bridge's backends so the caller can close them outside run().
  std::vector<std::unique_ptr<PortBackend>> remove_bridge(BridgeId id);
  Bridge& bridge(BridgeId id);
  // Starts polling every receive queue of `backend` for `port`. The port's core settings (up, mtu)
  // are the caller's to set.
  void attach(BridgeId id, PortId port, std::unique_ptr<PortBackend> backend);
  // Stops polling and hands the backend back (null if none was attached).
  std::unique_ptr<PortBackend> detach(BridgeId id, PortId port);

 private:
  struct DpBridge {
    std::unique_ptr<Bridge> core;
    std::unique_ptr<std::mutex> lock;                    // core and `lost`, between workers
    std::vector<std::unique_ptr<PortBackend>> backends;  // by PortId; null while absent
    std::vector<bool> lost;                              // by PortId: reported gone, no longer polled
    std::vector<std::vector<PortCounters>> pending;      // [worker][PortId]: see fold_counters()
  };
  struct Worker {
    std::size_t index = 0;
    UniqueFd epoll;
    std::thread thread;
    // Scratch reused for every batch: no allocation on the hot path.
    std::vector<Packet> packets;
    TxPlan plan;
    std::vector<EgressFrame> egress;
  };

  void loop(Worker& w);
  std::size_t poll_port(Worker& w, BridgeId id, PortId port, std::size_t queue, Timestamp now);
  void port_lost(BridgeId id, DpBridge& br, PortId port);  // with br.lock held
  void unregister(const DpBridge& br, PortId port);
  // Adds every worker's pending counters into the cores' (workers paused).
  void fold_counters();
  std::size_t worker_of(PortId port, std::size_t queue) const { return (port + queue) % workers_.size(); }
  static std::uint64_t key(BridgeId id, PortId port, std::size_t queue) {
    return static_cast<std::uint64_t>(id) << 32 | static_cast<std::uint64_t>(queue) << 16 | port;
  }

  DatapathOptions options_;
  std::vector<std::unique_ptr<Worker>> workers_;
  PauseGate gate_;
  std::map<BridgeId, DpBridge> bridges_;
  BridgeId next_id_ = 1;
  std::uint64_t seed_;

  std::atomic<bool> running_{false};
  std::atomic<bool> stop_{false};
};

}  // namespace vswitch
