// The forwarding database (FDB) of one bridge: which port a (VLAN, MAC) was last seen on.
//
// Design (compare Open vSwitch's lib/mac-learning.h):
// - Key is (VLAN, MAC): independent VLAN learning, the same MAC may live on different ports in
//   different VLANs.
// - Open addressing with linear probing over a power-of-two array kept at most half full (it doubles
//   as entries arrive, so its size follows the entries, not the limit), keyed by a hash salted with a
//   per-table secret, so a tenant cannot pick MACs that collide on purpose.
//   Deletion shifts followers back (no tombstones), so lookups stay short under churn.
// - Ageing: an entry not refreshed for `ageing` is dead. lookup() already ignores dead entries, so
//   forwarding is exact whatever the sweep interval; expire() reclaims them (called about once a
//   second by the datapath).
// - Limits: `max_entries` bridge-wide (static entries count too) and an optional per-port limit on
//   dynamic entries. When a limit is hit nothing is evicted: known addresses keep working, the new
//   address is simply not learned (frames to it are flooded) and an overflow counter rises. This is
//   the behaviour a tenant's MAC flood cannot use to push out other tenants' entries.
// - Static entries never age and never move; a dynamic entry seen on another port moves (counted).
// - Time is a parameter of every call: no clock is read here, so tests age entries without sleeping.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "common/mac.h"
#include "common/vlan.h"
#include "switchd/core/port_id.h"

namespace vswitch {

using Clock = std::chrono::steady_clock;
using Timestamp = Clock::time_point;

struct FdbEntry {
  MacAddress mac;
  VlanId vlan = 0;
  PortId port = kNoPort;
  bool is_static = false;
  Timestamp last_seen{};
};

enum class LearnResult : std::uint8_t {
  Refreshed,   // known on this port; timestamp updated
  Learned,     // new entry
  Moved,       // dynamic entry moved from another port
  StaticKept,  // a static entry names another port; left alone
  TableFull,   // bridge-wide limit reached; not learned
  PortLimit,   // the port's own limit reached; not learned
};

struct MacTableStats {
  std::uint64_t learned = 0;
  std::uint64_t moved = 0;
  std::uint64_t aged = 0;
  std::uint64_t overflow = 0;    // new addresses not learned because the table was full
  std::uint64_t port_limit = 0;  // new addresses not learned because of a per-port limit
};

class MacTable {
 public:
  static constexpr std::uint32_t kHardMaxEntries = 1'000'000;

  MacTable(std::uint32_t max_entries, std::chrono::seconds ageing, std::uint64_t seed);

  // Records that `mac` was seen on `port` in `vlan` at `now`. `port_limit` 0 = no per-port limit.
  LearnResult learn(VlanId vlan, const MacAddress& mac, PortId port, Timestamp now,
                    std::uint32_t port_limit = 0);
  // The port for (vlan, mac), or kNoPort when unknown or aged out.
  PortId lookup(VlanId vlan, const MacAddress& mac, Timestamp now) const;
  // Adds or replaces with a static entry. False when the table is full (and the address unknown).
  bool add_static(VlanId vlan, const MacAddress& mac, PortId port);
  // Removes one entry, dynamic or static. False if there was none.
  bool remove(VlanId vlan, const MacAddress& mac);
  // Removes entries matching the filters (nullopt = any). Static entries only if `include_static`.
  std::size_t flush(std::optional<PortId> port, std::optional<VlanId> vlan, bool include_static);
  // Reclaims entries older than the ageing time. Returns how many.
  std::size_t expire(Timestamp now);

  std::optional<FdbEntry> find(VlanId vlan, const MacAddress& mac) const;
  void for_each(const std::function<void(const FdbEntry&)>& fn) const;
  std::vector<FdbEntry> entries() const;

  std::size_t size() const { return size_; }
  std::uint32_t max_entries() const { return max_entries_; }
  // Lowering below the current size drops the least recently seen dynamic entries.
  void set_max_entries(std::uint32_t n);
  std::chrono::seconds ageing() const { return ageing_; }
  void set_ageing(std::chrono::seconds s) { ageing_ = s; }
  std::uint32_t dynamic_count(PortId port) const;
  const MacTableStats& stats() const { return stats_; }

 private:
  struct Slot {
    std::uint64_t key = 0;  // (vlan << 48 | mac) + 1; 0 = empty
    Timestamp last_seen{};
    PortId port = kNoPort;
    bool is_static = false;
  };

  static std::uint64_t make_key(VlanId vlan, const MacAddress& mac) {
    return ((static_cast<std::uint64_t>(vlan) << 48) | mac.to_u64()) + 1;
  }
  std::size_t home(std::uint64_t key) const;
  std::size_t find_slot(std::uint64_t key) const;  // index, or slots_.size() when absent
  bool alive(const Slot& s, Timestamp now) const { return s.is_static || now - s.last_seen < ageing_; }
  void erase_at(std::size_t i);
  void insert_new(std::uint64_t key, PortId port, bool is_static, Timestamp now);
  void rehash(std::size_t capacity);
  void count_port(PortId port, int delta);

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
  std::uint32_t max_entries_;
  std::chrono::seconds ageing_;
  std::uint64_t seed_;
  std::vector<std::uint32_t> per_port_dynamic_;
  MacTableStats stats_;
};

}  // namespace vswitch
