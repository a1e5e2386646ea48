// Closures handed from the control thread to the datapath thread, and an eventfd that wakes the
// datapath's poll loop when one is queued. This is the only way the control plane reaches forwarding
// state: the datapath runs the closures between batches, so the hot path takes no locks and the
// control thread never blocks the datapath for longer than a closure takes to run.
#pragma once

#include <deque>
#include <functional>
#include <mutex>

#include "common/unique_fd.h"

namespace vswitch {

class CommandQueue {
 public:
  CommandQueue();  // throws Error(SystemError) if the eventfd cannot be made

  // Control side: enqueue and wake the datapath.
  void push(std::function<void()> fn);
  // Datapath side: the fd to poll, and running what is queued (clears the wakeup).
  int fd() const { return event_.get(); }
  void run_all();

 private:
  UniqueFd event_;
  std::mutex mutex_;
  std::deque<std::function<void()>> queue_;
};

}  // namespace vswitch
