#include "switchd/datapath/command_queue.h"

#include <sys/eventfd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "common/error.h"

namespace vswitch {

CommandQueue::CommandQueue() : event_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (!event_) throw Error(ErrorCode::SystemError, std::string("eventfd: ") + std::strerror(errno));
}

void CommandQueue::push(std::function<void()> fn) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(fn));
  }
  const std::uint64_t one = 1;
  // Cannot fail short of counter overflow (2^64 - 1 wakeups); EAGAIN there still leaves it readable.
  [[maybe_unused]] auto n = ::write(event_.get(), &one, sizeof one);
}

void CommandQueue::run_all() {
  std::uint64_t count = 0;
  [[maybe_unused]] auto n = ::read(event_.get(), &count, sizeof count);
  std::deque<std::function<void()>> work;
  {
    std::lock_guard lock(mutex_);
    work.swap(queue_);
  }
  for (auto& fn : work) fn();
}

}  // namespace vswitch
