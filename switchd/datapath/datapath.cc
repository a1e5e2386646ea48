#include "switchd/datapath/datapath.h"

#include <pthread.h>
#include <sys/epoll.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "common/error.h"
#include "common/log.h"

namespace vswitch {

namespace {
constexpr std::uint64_t kWakeKey = ~0ULL;
constexpr auto kHousekeepingInterval = std::chrono::seconds(1);

[[noreturn]] void sys_fail(const char* what) {
  throw Error(ErrorCode::SystemError, std::string(what) + ": " + std::strerror(errno));
}

std::size_t clamp_threads(std::size_t n) { return n == 0 ? 1 : std::min(n, Datapath::kMaxThreads); }
}  // namespace

Datapath::Datapath(DatapathOptions options)
    : options_(std::move(options)), gate_(clamp_threads(options_.threads)), seed_(std::random_device{}()) {
  if (options_.batch_size == 0 || options_.batch_size > 1024) options_.batch_size = 64;
  options_.threads = clamp_threads(options_.threads);
  for (std::size_t i = 0; i < options_.threads; ++i) {
    auto w = std::make_unique<Worker>();
    w->index = i;
    w->epoll = UniqueFd(::epoll_create1(EPOLL_CLOEXEC));
    if (!w->epoll) sys_fail("epoll_create1");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kWakeKey;
    if (::epoll_ctl(w->epoll.get(), EPOLL_CTL_ADD, gate_.wake_fd(), &ev) != 0) sys_fail("epoll_ctl");
    w->packets.reserve(options_.batch_size);
    for (std::size_t j = 0; j < options_.batch_size; ++j) w->packets.emplace_back();
    w->egress.reserve(options_.batch_size);
    workers_.push_back(std::move(w));
  }
}

Datapath::~Datapath() { stop(); }

void Datapath::start() {
  if (running_.exchange(true)) return;
  stop_ = false;
  for (auto& w : workers_) {
    w->thread = std::thread([this, &w = *w] { loop(w); });
    // Named for top -H and /proc/PID/task/*/comm (at most 15 characters).
    const std::string name = "dp-worker" + std::to_string(w->index);
    ::pthread_setname_np(w->thread.native_handle(), name.c_str());
  }
}

void Datapath::stop() {
  if (!running_.load()) return;
  stop_ = true;
  gate_.wake();  // readable until quiet(): no worker can go back to sleep
  for (auto& w : workers_) w->thread.join();
  gate_.quiet();
  running_ = false;
  fold_counters();
}

BridgeId Datapath::add_bridge(const BridgeSettings& settings) {
  const BridgeId id = next_id_++;
  DpBridge br;
  br.core =
      std::make_unique<Bridge>(settings, seed_ ^ (static_cast<std::uint64_t>(id) * 0x9e3779b97f4a7c15ULL));
  br.lock = std::make_unique<std::mutex>();
  br.pending.resize(workers_.size());
  bridges_.emplace(id, std::move(br));
  return id;
}

std::vector<std::unique_ptr<PortBackend>> Datapath::remove_bridge(BridgeId id) {
  std::vector<std::unique_ptr<PortBackend>> out;
  auto it = bridges_.find(id);
  if (it == bridges_.end()) return out;
  for (PortId p = 0; p < it->second.backends.size(); ++p)
    if (auto b = detach(id, p)) out.push_back(std::move(b));
  bridges_.erase(it);
  return out;
}

Bridge& Datapath::bridge(BridgeId id) { return *bridges_.at(id).core; }

void Datapath::attach(BridgeId id, PortId port, std::unique_ptr<PortBackend> backend) {
  DpBridge& br = bridges_.at(id);
  if (br.backends.size() <= port) {
    const std::size_t n = static_cast<std::size_t>(port) + 1;
    br.backends.resize(n);
    br.lost.resize(n, false);
    for (auto& row : br.pending) row.resize(n);
  }
  for (std::size_t q = 0; q < backend->queue_count(); ++q) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = key(id, port, q);
    if (::epoll_ctl(workers_[worker_of(port, q)]->epoll.get(), EPOLL_CTL_ADD, backend->fd(q), &ev) != 0) {
      const int err = errno;
      for (std::size_t undo = 0; undo < q; ++undo)
        ::epoll_ctl(workers_[worker_of(port, undo)]->epoll.get(), EPOLL_CTL_DEL, backend->fd(undo), nullptr);
      errno = err;
      sys_fail("epoll_ctl(add port)");
    }
  }
  br.backends[port] = std::move(backend);
  br.lost[port] = false;
}

void Datapath::unregister(const DpBridge& br, PortId port) {
  const PortBackend& b = *br.backends[port];
  for (std::size_t q = 0; q < b.queue_count(); ++q)
    ::epoll_ctl(workers_[worker_of(port, q)]->epoll.get(), EPOLL_CTL_DEL, b.fd(q), nullptr);
}

std::unique_ptr<PortBackend> Datapath::detach(BridgeId id, PortId port) {
  auto it = bridges_.find(id);
  if (it == bridges_.end() || port >= it->second.backends.size() || !it->second.backends[port])
    return nullptr;
  DpBridge& br = it->second;
  if (!br.lost[port]) unregister(br, port);
  br.lost[port] = false;
  return std::move(br.backends[port]);
}

void Datapath::fold_counters() {
  for (auto& [id, br] : bridges_)
    for (auto& row : br.pending)
      for (PortId p = 0; p < row.size(); ++p) {
        if (br.core->has_port(p)) br.core->counters(p) += row[p];
        row[p] = PortCounters{};
      }
}

void Datapath::port_lost(BridgeId id, DpBridge& br, PortId port) {
  if (br.lost[port]) return;
  br.lost[port] = true;
  unregister(br, port);
  CorePortSettings s = br.core->port_settings(port);
  s.up = false;
  br.core->update_port(port, s);
  if (options_.on_port_lost) options_.on_port_lost(id, port);
}

std::size_t Datapath::poll_port(Worker& w, BridgeId id, PortId port, std::size_t queue, Timestamp now) {
  auto it = bridges_.find(id);
  if (it == bridges_.end()) return 0;
  DpBridge& br = it->second;
  if (port >= br.backends.size() || !br.backends[port]) return 0;
  PortBackend& in = *br.backends[port];
  Bridge& core = *br.core;
  std::vector<PortCounters>& mine = br.pending[w.index];

  // The backend counts the frames it reads (rx_frames, rx_bytes) and so does Bridge::process: take
  // only the backend's receive drops (rx_error), or every received frame would be counted twice.
  PortCounters rx;
  const std::size_t n = in.receive(std::span(w.packets).first(options_.batch_size), rx, queue);
  for (std::size_t i = 0; i < rx.drops.size(); ++i) mine[port].drops[i] += rx.drops[i];
  w.plan.reset();
  {
    std::lock_guard lock(*br.lock);
    if (br.lost[port]) return 0;
    if (n == 0) {
      if (!in.alive()) port_lost(id, br, port);
      return 0;
    }
    core.process(port, std::span(w.packets).first(n), now, w.plan);
    for (PortId out : w.plan.ports())
      if (out >= br.backends.size() || !br.backends[out])
        core.counters(out).drop(DropReason::port_down, w.plan.items(out).size());
  }
  // Sending takes no lock: the backends vector only changes while workers are paused, and a backend
  // that lost its netdev counts what it is handed as port_down.
  for (PortId out : w.plan.ports()) {
    if (out >= br.backends.size() || !br.backends[out]) continue;
    PortBackend& backend = *br.backends[out];
    w.egress.clear();
    for (const TxItem& item : w.plan.items(out))
      w.egress.push_back(compose_egress(w.packets[item.index], item));
    backend.send(w.egress, mine[out], w.index);
    if (!backend.alive()) {
      std::lock_guard lock(*br.lock);
      port_lost(id, br, out);
    }
  }
  return n;
}

void Datapath::loop(Worker& w) {
  std::array<epoll_event, 64> events;
  auto next_housekeeping = Clock::now() + kHousekeepingInterval;
  const bool housekeeper = w.index == 0;
  Timestamp poll_until{};
  while (!stop_.load(std::memory_order_relaxed)) {
    int timeout = -1;
    if (options_.busy_poll || (options_.poll_window.count() > 0 && Clock::now() < poll_until)) {
      timeout = 0;
    } else if (housekeeper) {
      const auto wait =
          std::chrono::duration_cast<std::chrono::milliseconds>(next_housekeeping - Clock::now());
      timeout = static_cast<int>(std::max<std::int64_t>(0, wait.count()) + 1);
    }
    const std::uint64_t epoch = gate_.epoch();
    const int n = ::epoll_wait(w.epoll.get(), events.data(), static_cast<int>(events.size()), timeout);
    if (n < 0 && errno != EINTR) {
      log::error("datapath: epoll_wait: ", std::strerror(errno));
      continue;
    }
    const auto pass = gate_.enter(w.index, epoch);
    if (!pass || stop_.load(std::memory_order_relaxed)) continue;  // stale events: poll again
    const Timestamp now = Clock::now();
    std::size_t frames = 0;
    for (int i = 0; i < n; ++i) {
      const std::uint64_t k = events[static_cast<std::size_t>(i)].data.u64;
      if (k == kWakeKey) continue;
      frames += poll_port(w, static_cast<BridgeId>(k >> 32), static_cast<PortId>(k & 0xffff),
                          static_cast<std::size_t>(k >> 16 & 0xffff), now);
    }
    if (frames > 0) poll_until = now + options_.poll_window;
    if (housekeeper && now >= next_housekeeping) {
      for (auto& [id, br] : bridges_) {
        {
          std::lock_guard lock(*br.lock);
          br.core->expire(now);
        }
        // Once a second: often enough that the kernel's 32-bit counts never wrap, and done here rather
        // than at every control-plane read, which would hold the workers paused for a syscall per
        // socket of every port.
        for (PortId p = 0; p < br.backends.size(); ++p)
          if (br.backends[p]) br.backends[p]->collect_kernel_drops(br.pending[w.index][p]);
      }
      next_housekeeping = now + kHousekeepingInterval;
    }
  }
}

}  // namespace vswitch
