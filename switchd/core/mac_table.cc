#include "switchd/core/mac_table.h"

#include <algorithm>
#include <bit>

namespace vswitch {

namespace {

// splitmix64 finaliser: cheap, and every input bit reaches every output bit.
std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

constexpr std::size_t kMinCapacity = 64;

// At most half full: linear probing stays short even with every entry the limit allows in use.
std::size_t capacity_for(std::size_t entries) {
  return std::max<std::size_t>(kMinCapacity, std::bit_ceil(entries * 2));
}

std::uint32_t clamp_max(std::uint32_t n) {
  return std::clamp<std::uint32_t>(n, 1, MacTable::kHardMaxEntries);
}

}  // namespace

MacTable::MacTable(std::uint32_t max_entries, std::chrono::seconds ageing, std::uint64_t seed)
    : max_entries_(clamp_max(max_entries)), ageing_(ageing), seed_(seed) {
  rehash(kMinCapacity);
}

std::size_t MacTable::home(std::uint64_t key) const { return mix(key ^ seed_) & mask_; }

std::size_t MacTable::find_slot(std::uint64_t key) const {
  for (std::size_t i = home(key);; i = (i + 1) & mask_) {
    if (slots_[i].key == key) return i;
    if (slots_[i].key == 0) return slots_.size();
  }
}

void MacTable::count_port(PortId port, int delta) {
  if (port >= per_port_dynamic_.size()) per_port_dynamic_.resize(static_cast<std::size_t>(port) + 1, 0);
  per_port_dynamic_[port] = static_cast<std::uint32_t>(static_cast<int>(per_port_dynamic_[port]) + delta);
}

std::uint32_t MacTable::dynamic_count(PortId port) const {
  return port < per_port_dynamic_.size() ? per_port_dynamic_[port] : 0;
}

void MacTable::insert_new(std::uint64_t key, PortId port, bool is_static, Timestamp now) {
  // The array grows with the entries, not with the limit: a bridge allowed a million MACs but holding
  // a hundred keeps a small table, and the once-a-second ageing sweep stays cheap.
  if ((size_ + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
  std::size_t i = home(key);
  while (slots_[i].key != 0) i = (i + 1) & mask_;
  slots_[i] = Slot{key, now, port, is_static};
  ++size_;
  if (!is_static) count_port(port, +1);
}

void MacTable::erase_at(std::size_t i) {
  if (!slots_[i].is_static) count_port(slots_[i].port, -1);
  slots_[i] = Slot{};
  --size_;
  // Backward-shift deletion: pull later members of the probe run into the hole so no lookup ever
  // stops early at it (no tombstones, so churn never slows lookups down).
  for (std::size_t j = (i + 1) & mask_; slots_[j].key != 0; j = (j + 1) & mask_) {
    const std::size_t k = home(slots_[j].key);
    const bool stays = (i <= j) ? (i < k && k <= j) : (i < k || k <= j);
    if (stays) continue;
    slots_[i] = slots_[j];
    slots_[j] = Slot{};
    i = j;
  }
}

void MacTable::rehash(std::size_t capacity) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(capacity, Slot{});
  mask_ = capacity - 1;
  size_ = 0;
  per_port_dynamic_.clear();
  for (const Slot& s : old)
    if (s.key != 0) insert_new(s.key, s.port, s.is_static, s.last_seen);
}

LearnResult MacTable::learn(VlanId vlan, const MacAddress& mac, PortId port, Timestamp now,
                            std::uint32_t port_limit) {
  const std::uint64_t key = make_key(vlan, mac);
  const std::size_t i = find_slot(key);
  if (i != slots_.size()) {
    Slot& s = slots_[i];
    if (s.is_static) return s.port == port ? LearnResult::Refreshed : LearnResult::StaticKept;
    if (s.port == port) {
      const bool was_alive = alive(s, now);
      s.last_seen = now;
      if (!was_alive) ++stats_.learned;
      return was_alive ? LearnResult::Refreshed : LearnResult::Learned;
    }
    if (port_limit != 0 && dynamic_count(port) >= port_limit) {
      // The address left its old port but may not join the new one: forget it (frames to it flood)
      // rather than keep sending them to a port it is no longer behind.
      erase_at(i);
      ++stats_.port_limit;
      return LearnResult::PortLimit;
    }
    const bool moved = alive(s, now);
    count_port(s.port, -1);
    count_port(port, +1);
    s.port = port;
    s.last_seen = now;
    if (moved) {
      ++stats_.moved;
      return LearnResult::Moved;
    }
    ++stats_.learned;
    return LearnResult::Learned;
  }
  if (port_limit != 0 && dynamic_count(port) >= port_limit) {
    ++stats_.port_limit;
    return LearnResult::PortLimit;
  }
  if (size_ >= max_entries_) {
    ++stats_.overflow;
    return LearnResult::TableFull;
  }
  insert_new(key, port, false, now);
  ++stats_.learned;
  return LearnResult::Learned;
}

PortId MacTable::lookup(VlanId vlan, const MacAddress& mac, Timestamp now) const {
  const std::size_t i = find_slot(make_key(vlan, mac));
  if (i == slots_.size() || !alive(slots_[i], now)) return kNoPort;
  return slots_[i].port;
}

bool MacTable::add_static(VlanId vlan, const MacAddress& mac, PortId port) {
  const std::uint64_t key = make_key(vlan, mac);
  const std::size_t i = find_slot(key);
  if (i != slots_.size()) {
    if (!slots_[i].is_static) count_port(slots_[i].port, -1);
    slots_[i].port = port;
    slots_[i].is_static = true;
    return true;
  }
  if (size_ >= max_entries_) return false;
  insert_new(key, port, true, Timestamp{});
  return true;
}

bool MacTable::remove(VlanId vlan, const MacAddress& mac) {
  const std::size_t i = find_slot(make_key(vlan, mac));
  if (i == slots_.size()) return false;
  erase_at(i);
  return true;
}

std::size_t MacTable::flush(std::optional<PortId> port, std::optional<VlanId> vlan, bool include_static) {
  std::size_t removed = 0;
  for (std::size_t i = 0; i < slots_.size();) {
    const Slot& s = slots_[i];
    const bool match = s.key != 0 && (include_static || !s.is_static) && (!port || s.port == *port) &&
                       (!vlan || static_cast<VlanId>((s.key - 1) >> 48) == *vlan);
    if (!match) {
      ++i;
      continue;
    }
    // erase_at may pull a later entry into slot i: look at the same slot again.
    erase_at(i);
    ++removed;
  }
  return removed;
}

std::size_t MacTable::expire(Timestamp now) {
  std::size_t removed = 0;
  for (std::size_t i = 0; i < slots_.size();) {
    if (slots_[i].key == 0 || alive(slots_[i], now)) {
      ++i;
      continue;
    }
    erase_at(i);
    ++removed;
  }
  stats_.aged += removed;
  return removed;
}

std::optional<FdbEntry> MacTable::find(VlanId vlan, const MacAddress& mac) const {
  const std::size_t i = find_slot(make_key(vlan, mac));
  if (i == slots_.size()) return std::nullopt;
  const Slot& s = slots_[i];
  return FdbEntry{mac, vlan, s.port, s.is_static, s.last_seen};
}

void MacTable::for_each(const std::function<void(const FdbEntry&)>& fn) const {
  for (const Slot& s : slots_) {
    if (s.key == 0) continue;
    const std::uint64_t k = s.key - 1;
    fn(FdbEntry{MacAddress::from_u64(k & 0xffffffffffffULL), static_cast<VlanId>(k >> 48), s.port,
                s.is_static, s.last_seen});
  }
}

std::vector<FdbEntry> MacTable::entries() const {
  std::vector<FdbEntry> out;
  out.reserve(size_);
  for_each([&](const FdbEntry& e) { out.push_back(e); });
  return out;
}

void MacTable::set_max_entries(std::uint32_t n) {
  n = clamp_max(n);
  if (n < size_) {
    // Keep the most recently seen entries (static ones first: they never age).
    std::vector<FdbEntry> all = entries();
    std::sort(all.begin(), all.end(), [](const FdbEntry& a, const FdbEntry& b) {
      if (a.is_static != b.is_static) return a.is_static;
      return a.last_seen > b.last_seen;
    });
    for (std::size_t k = n; k < all.size(); ++k) remove(all[k].vlan, all[k].mac);
  }
  max_entries_ = n;
  if (capacity_for(size_) < slots_.size()) rehash(capacity_for(size_));
}

}  // namespace vswitch
