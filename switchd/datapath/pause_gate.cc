#include "switchd/datapath/pause_gate.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/error.h"

namespace vswitch {

PauseGate::PauseGate(std::size_t workers) : wake_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (!wake_) throw Error(ErrorCode::SystemError, std::string("eventfd: ") + std::strerror(errno));
  for (std::size_t i = 0; i < workers; ++i) passes_.push_back(std::make_unique<std::mutex>());
}

std::unique_lock<std::mutex> PauseGate::enter(std::size_t worker, std::uint64_t epoch_seen) {
  paused_.wait(true, std::memory_order_acquire);
  std::unique_lock lock(*passes_[worker]);
  if (epoch_.load(std::memory_order_acquire) != epoch_seen) lock.unlock();
  return lock;
}

void PauseGate::wake() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t w = ::write(wake_.get(), &one, sizeof(one));
}

void PauseGate::quiet() {
  std::uint64_t count;
  [[maybe_unused]] const ssize_t r = ::read(wake_.get(), &count, sizeof(count));
}

PauseGate::Paused::Paused(PauseGate& gate) : gate_(gate), control_(gate.control_) {
  gate_.paused_.store(true, std::memory_order_release);
  gate_.wake();
  for (auto& m : gate_.passes_) m->lock();
}

PauseGate::Paused::~Paused() {
  gate_.quiet();
  gate_.epoch_.fetch_add(1, std::memory_order_acq_rel);
  gate_.paused_.store(false, std::memory_order_release);
  gate_.paused_.notify_all();
  for (auto& m : gate_.passes_) m->unlock();
}

}  // namespace vswitch
