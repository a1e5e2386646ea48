#include "switchd/datapath/datapath.h"

#include <sys/epoll.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "common/error.h"
#include "common/log.h"

namespace vswitch {

namespace {
constexpr std::uint64_t kCommandKey = ~0ULL;
constexpr auto kHousekeepingInterval = std::chrono::seconds(1);

[[noreturn]] void sys_fail(const char* what) {
  throw Error(ErrorCode::SystemError, std::string(what) + ": " + std::strerror(errno));
}
}  // namespace

Datapath::Datapath(DatapathOptions options)
    : options_(std::move(options)), epoll_(::epoll_create1(EPOLL_CLOEXEC)), seed_(std::random_device{}()) {
  if (!epoll_) sys_fail("epoll_create1");
  if (options_.batch_size == 0 || options_.batch_size > 1024) options_.batch_size = 64;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kCommandKey;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, commands_.fd(), &ev) != 0) sys_fail("epoll_ctl");
  packets_.reserve(options_.batch_size);
  for (std::size_t i = 0; i < options_.batch_size; ++i) packets_.emplace_back();
  egress_.reserve(options_.batch_size);
}

Datapath::~Datapath() { stop(); }

void Datapath::start() {
  if (running_.exchange(true)) return;
  stop_ = false;
  thread_ = std::thread([this] { loop(); });
}

void Datapath::stop() {
  if (!running_.load()) return;
  stop_ = true;
  commands_.push([] {});  // wake epoll_wait
  thread_.join();
  running_ = false;
  commands_.run_all();  // nothing queued may be left waiting forever
}

BridgeId Datapath::add_bridge(const BridgeSettings& settings) {
  const BridgeId id = next_id_++;
  DpBridge br;
  br.core =
      std::make_unique<Bridge>(settings, seed_ ^ (static_cast<std::uint64_t>(id) * 0x9e3779b97f4a7c15ULL));
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
    br.backends.resize(static_cast<std::size_t>(port) + 1);
    br.lost.resize(static_cast<std::size_t>(port) + 1, false);
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = key(id, port);
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, backend->fd(), &ev) != 0) sys_fail("epoll_ctl(add port)");
  br.backends[port] = std::move(backend);
  br.lost[port] = false;
}

std::unique_ptr<PortBackend> Datapath::detach(BridgeId id, PortId port) {
  auto it = bridges_.find(id);
  if (it == bridges_.end() || port >= it->second.backends.size() || !it->second.backends[port])
    return nullptr;
  DpBridge& br = it->second;
  if (!br.lost[port]) ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, br.backends[port]->fd(), nullptr);
  br.lost[port] = false;
  return std::move(br.backends[port]);
}

void Datapath::port_lost(BridgeId id, DpBridge& br, PortId port) {
  if (br.lost[port]) return;
  br.lost[port] = true;
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, br.backends[port]->fd(), nullptr);
  CorePortSettings s = br.core->port_settings(port);
  s.up = false;
  br.core->update_port(port, s);
  if (options_.on_port_lost) options_.on_port_lost(id, port);
}

void Datapath::poll_port(BridgeId id, PortId port, Timestamp now) {
  auto it = bridges_.find(id);
  if (it == bridges_.end()) return;
  DpBridge& br = it->second;
  if (port >= br.backends.size() || !br.backends[port] || br.lost[port]) return;
  PortBackend& in = *br.backends[port];
  Bridge& core = *br.core;

  // The backend counts the frames it reads (rx_frames, rx_bytes) and so does Bridge::process: take
  // only the backend's receive drops (rx_error), or every received frame would be counted twice.
  PortCounters rx;
  const std::size_t n = in.receive(std::span(packets_).first(options_.batch_size), rx);
  PortCounters& counters = core.counters(port);
  for (std::size_t i = 0; i < rx.drops.size(); ++i) counters.drops[i] += rx.drops[i];
  if (n == 0) {
    if (!in.alive()) port_lost(id, br, port);
    return;
  }
  plan_.reset();
  core.process(port, std::span(packets_).first(n), now, plan_);
  for (PortId out : plan_.ports()) {
    const auto items = plan_.items(out);
    PortBackend* backend = out < br.backends.size() && !br.lost[out] ? br.backends[out].get() : nullptr;
    if (backend == nullptr) {
      core.counters(out).drop(DropReason::port_down, items.size());
      continue;
    }
    egress_.clear();
    for (const TxItem& item : items) egress_.push_back(compose_egress(packets_[item.index], item));
    backend->send(egress_, core.counters(out));
    if (!backend->alive()) port_lost(id, br, out);
  }
}

void Datapath::loop() {
  std::array<epoll_event, 64> events;
  auto next_housekeeping = Clock::now() + kHousekeepingInterval;
  while (!stop_.load(std::memory_order_relaxed)) {
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_housekeeping - Clock::now());
    const int timeout =
        options_.busy_poll ? 0 : static_cast<int>(std::max<std::int64_t>(0, wait.count()) + 1);
    const int n = ::epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()), timeout);
    if (n < 0 && errno != EINTR) {
      log::error("datapath: epoll_wait: ", std::strerror(errno));
      continue;
    }
    const Timestamp now = Clock::now();
    bool commands = false;
    for (int i = 0; i < n; ++i) {
      const std::uint64_t k = events[static_cast<std::size_t>(i)].data.u64;
      if (k == kCommandKey) {
        commands = true;
        continue;
      }
      poll_port(static_cast<BridgeId>(k >> 32), static_cast<PortId>(k & 0xffff), now);
    }
    // Changes come after the batch: no event in `events` can refer to a port a command removed.
    if (commands) commands_.run_all();
    if (now >= next_housekeeping) {
      for (auto& [id, br] : bridges_) br.core->expire(now);
      next_housekeeping = now + kHousekeepingInterval;
    }
  }
}

}  // namespace vswitch
