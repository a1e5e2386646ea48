// The datapath: one thread that owns the forwarding cores of its bridges and their port backends,
// polls every port fd with epoll and moves frames in batches:
//
//   readable port -> receive up to `batch_size` frames -> Bridge::process (one decision pass for the
//   batch) -> per egress port, compose the frames and send them in one batched call.
//
// Nothing else touches that state. The control thread reaches it only through run(), which executes a
// closure on the datapath thread between batches and hands back its result; the hot path therefore
// takes no locks. Idle, the thread sleeps in epoll_wait (no busy polling); it wakes once a second to
// age FDB entries.
//
// Scaling: a Datapath is the unit of ownership. More threads means more Datapath instances, each
// owning a disjoint set of bridges (see docs/architecture.md).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <thread>
#include <type_traits>
#include <vector>

#include "common/unique_fd.h"
#include "switchd/core/bridge.h"
#include "switchd/datapath/command_queue.h"
#include "switchd/ports/port_backend.h"

namespace vswitch {

using BridgeId = std::uint32_t;

struct DatapathOptions {
  std::size_t batch_size = 64;
  // Called on the datapath thread when a port's backend reports its netdev gone. Must not block:
  // post to the control thread. The datapath has already stopped polling the port.
  std::function<void(BridgeId, PortId)> on_port_lost;
  // Poll with a zero timeout instead of sleeping: a frame is picked up without a thread wakeup (tens
  // of microseconds on a VM), at the price of a CPU kept busy all the time. Off by default.
  bool busy_poll = false;
};

class Datapath {
 public:
  explicit Datapath(DatapathOptions options);
  ~Datapath();
  Datapath(const Datapath&) = delete;
  Datapath& operator=(const Datapath&) = delete;

  void start();
  void stop();  // joins the thread; state stays (and can be inspected inline afterwards)

  // Runs fn(*this) on the datapath thread and returns what it returns (exceptions propagate).
  // Runs inline when the thread is not running. Every method below must be called inside run().
  template <typename F>
  auto run(F&& fn) -> std::invoke_result_t<F&, Datapath&> {
    using R = std::invoke_result_t<F&, Datapath&>;
    if (!running_.load() || std::this_thread::get_id() == thread_.get_id()) return fn(*this);
    std::packaged_task<R()> task([&] { return fn(*this); });
    auto result = task.get_future();
    commands_.push([&task] { task(); });
    return result.get();
  }

  // ---- datapath thread only (inside run()) ----
  BridgeId add_bridge(const BridgeSettings& settings);
  // Returns the bridge's backends so the caller can close them off the datapath thread.
  std::vector<std::unique_ptr<PortBackend>> remove_bridge(BridgeId id);
  Bridge& bridge(BridgeId id);
  // Starts polling `backend` for `port`. The port's core settings (up, mtu) are the caller's to set.
  void attach(BridgeId id, PortId port, std::unique_ptr<PortBackend> backend);
  // Stops polling and hands the backend back (null if none was attached).
  std::unique_ptr<PortBackend> detach(BridgeId id, PortId port);

 private:
  struct DpBridge {
    std::unique_ptr<Bridge> core;
    std::vector<std::unique_ptr<PortBackend>> backends;  // by PortId; null while absent
    std::vector<bool> lost;                              // by PortId: reported gone, no longer polled
  };

  void loop();
  void poll_port(BridgeId id, PortId port, Timestamp now);
  void port_lost(BridgeId id, DpBridge& br, PortId port);
  static std::uint64_t key(BridgeId id, PortId port) { return static_cast<std::uint64_t>(id) << 32 | port; }

  DatapathOptions options_;
  UniqueFd epoll_;
  CommandQueue commands_;
  std::map<BridgeId, DpBridge> bridges_;
  BridgeId next_id_ = 1;
  std::uint64_t seed_;

  // Scratch reused for every batch: no allocation on the hot path.
  std::vector<Packet> packets_;
  TxPlan plan_;
  std::vector<EgressFrame> egress_;

  std::thread thread_;
  std::atomic<bool> running_{false};
  std::atomic<bool> stop_{false};
};

}  // namespace vswitch
