// How the control thread gets the datapath workers out of the way. Forwarding state (bridges, port
// backends, epoll registrations, counters) is changed only while every worker is paused between two
// batches, so the workers read it without locks.
//
//   worker:  epoch = gate.epoch(); epoll_wait(...);
//            if (auto pass = gate.enter(worker, epoch)) { ...handle the events... }
//   control: { auto paused = gate.pause(); ...change state... }  // workers resume at scope exit
//
// A worker holds its own mutex for one pass over its events; pause() raises a flag (new passes wait
// for it to drop, so a busy worker cannot starve the control thread), wakes every worker through the
// eventfd they all poll, and takes each worker's mutex. Events a worker fetched before a pause may
// name ports the control thread has since removed: enter() then refuses the pass (the epoch moved)
// and the worker polls again, the level-triggered events it still wants coming back.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "common/unique_fd.h"

namespace vswitch {

class PauseGate {
 public:
  explicit PauseGate(std::size_t workers);  // throws Error(SystemError) if the eventfd cannot be made

  // Readable while a pause is under way: every worker polls it.
  int wake_fd() const { return wake_.get(); }

  // ---- worker side ----
  std::uint64_t epoch() const { return epoch_.load(std::memory_order_acquire); }
  // Waits out a pause, then locks the worker's pass; an empty lock means the events fetched at
  // `epoch_seen` are stale and must be dropped.
  std::unique_lock<std::mutex> enter(std::size_t worker, std::uint64_t epoch_seen);

  // ---- control side ----
  // Makes every worker's epoll_wait return at once until quiet() (used to stop them).
  void wake();
  void quiet();
  class Paused {
   public:
    explicit Paused(PauseGate& gate);
    ~Paused();
    Paused(const Paused&) = delete;
    Paused& operator=(const Paused&) = delete;

   private:
    PauseGate& gate_;
    std::unique_lock<std::mutex> control_;
  };
  Paused pause() { return Paused(*this); }

 private:
  UniqueFd wake_;
  std::mutex control_;  // one pause at a time
  std::vector<std::unique_ptr<std::mutex>> passes_;
  std::atomic<bool> paused_{false};
  std::atomic<std::uint64_t> epoch_{0};
};

}  // namespace vswitch
