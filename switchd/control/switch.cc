#include "switchd/control/switch.h"

#include <fnmatch.h>

#include <algorithm>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>

#include "common/error.h"
#include "common/ifname.h"
#include "common/log.h"
#include "switchd/datapath/datapath.h"
#include "switchd/ports/link_monitor.h"
#include "switchd/ports/netdev.h"

namespace vswitch {

std::string_view to_string(PortState s) {
  switch (s) {
    case PortState::Up: return "up";
    case PortState::Down: return "down";
    case PortState::Absent: return "absent";
  }
  return "?";
}

namespace {

struct PortRec {
  PortConfig cfg;
  PortId id = kNoPort;
  PortState state = PortState::Absent;
  PortType kind = PortType::Auto;  // attached as
  int ifindex = 0;
  std::uint32_t mtu = 0;
  bool owned = false;
  bool attached = false;
};

struct BridgeRec {
  std::string name;
  BridgeSettings settings;
  BridgeId dp = 0;
  std::vector<PortRec> ports;              // in the order they were added
  std::vector<StaticFdbEntry> static_fdb;  // configured with fdb-add; also in the core's FDB
};

// A TAP's carrier is ours (we hold its fd, wherever its netdev lives); a system port follows its link.
PortState attached_state(PortType kind, const LinkInfo* link) {
  if (kind == PortType::Tap || link == nullptr) return PortState::Up;
  return link->admin_up && link->running ? PortState::Up : PortState::Down;
}

CorePortSettings core_settings(const PortRec& p) {
  return CorePortSettings{p.cfg.vlan, p.cfg.options, p.state == PortState::Up, p.mtu};
}

void check_settings(const BridgeSettings& s) {
  if (s.ageing_time < kMinAgeingTime || s.ageing_time > kMaxAgeingTime)
    throw Error(ErrorCode::InvalidParams, "ageing time must be in " + std::to_string(kMinAgeingTime) + ".." +
                                              std::to_string(kMaxAgeingTime) + " seconds");
  if (s.fdb_max < 1 || s.fdb_max > kMaxFdbMax)
    throw Error(ErrorCode::InvalidParams, "fdb-max must be in 1.." + std::to_string(kMaxFdbMax));
}

void check_port(const PortConfig& p) {
  if (auto why = validate_ifname(p.name); !why.empty()) throw Error(ErrorCode::InvalidParams, why);
  if (auto why = p.vlan.validate(); !why.empty()) throw Error(ErrorCode::InvalidParams, why);
  if (p.options.mac_limit > kMaxFdbMax)
    throw Error(ErrorCode::InvalidParams, "mac-limit must be in 0.." + std::to_string(kMaxFdbMax));
}

}  // namespace

struct Switch::Impl {
  boost::asio::io_context& io;
  SwitchOptions opt;
  std::unique_ptr<Datapath> dp;
  std::unique_ptr<RouteSocket> route;
  std::unique_ptr<LinkMonitor> monitor;
  std::unique_ptr<boost::asio::posix::stream_descriptor> monitor_fd;
  std::vector<BridgeRec> bridges;
  bool down = false;
  // Cleared on shutdown so that callbacks posted by a datapath worker find nothing to do.
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  Impl(boost::asio::io_context& context, SwitchOptions options) : io(context), opt(std::move(options)) {
    DatapathOptions dpo;
    dpo.busy_poll = opt.busy_poll;
    dpo.threads = opt.datapath_threads;
    dpo.poll_window = opt.poll_window;
    std::weak_ptr<bool> token = alive;
    dpo.on_port_lost = [this, token](BridgeId b, PortId p) {
      boost::asio::post(io, [this, token, b, p] {
        if (auto t = token.lock(); t && *t) port_lost(b, p);
      });
    };
    dp = std::make_unique<Datapath>(std::move(dpo));
    if (opt.attach_ports) {
      route = std::make_unique<RouteSocket>();
      monitor = std::make_unique<LinkMonitor>();
      monitor_fd = std::make_unique<boost::asio::posix::stream_descriptor>(io, ::dup(monitor->fd()));
      watch_links();
      dp->start();
    }
  }

  // ---- lookups ----
  BridgeRec* find_bridge(std::string_view name) {
    for (auto& b : bridges)
      if (b.name == name) return &b;
    return nullptr;
  }
  BridgeRec& bridge(std::string_view name) {
    if (auto* b = find_bridge(name)) return *b;
    throw Error(ErrorCode::NoSuchBridge, "no bridge named '" + std::string(name) + "'");
  }
  std::pair<BridgeRec*, PortRec*> find_port(std::string_view name) {
    for (auto& b : bridges)
      for (auto& p : b.ports)
        if (p.cfg.name == name) return {&b, &p};
    return {nullptr, nullptr};
  }
  std::pair<BridgeRec*, PortRec*> port(std::string_view name) {
    auto found = find_port(name);
    if (!found.second) throw Error(ErrorCode::NoSuchPort, "no port named '" + std::string(name) + "'");
    return found;
  }
  std::string port_name(const BridgeRec& b, PortId id) const {
    for (const auto& p : b.ports)
      if (p.id == id) return p.cfg.name;
    return "?";
  }

  void changed() {
    if (!opt.on_config_change) return;
    try {
      opt.on_config_change(config());
    } catch (const std::exception& e) {
      log::error("could not save the configuration: ", e.what());
    }
  }

  SwitchConfig config() const {
    SwitchConfig c;
    for (const auto& b : bridges) {
      BridgeConfig bc{b.name, b.settings, {}, b.static_fdb};
      for (const auto& p : b.ports) bc.ports.push_back(p.cfg);
      c.bridges.push_back(std::move(bc));
    }
    return c;
  }

  void check_allowed(const std::string& name) const {
    if (opt.allowed_interfaces.empty()) return;
    for (const auto& pattern : opt.allowed_interfaces)
      if (::fnmatch(pattern.c_str(), name.c_str(), 0) == 0) return;
    std::string list;
    for (const auto& pattern : opt.allowed_interfaces) list += (list.empty() ? "" : ",") + pattern;
    throw Error(ErrorCode::NotPermitted,
                "interface '" + name + "' is not in the allowed interface list (" + list + ")");
  }

  // ---- attaching ports to their netdevs ----
  void push_core(const BridgeRec& b, const PortRec& p) {
    const CorePortSettings s = core_settings(p);
    dp->run([&](Datapath& d) { d.bridge(b.dp).update_port(p.id, s); });
  }

  // Opens the port's backend if its netdev exists (or is ours to create). Throws only for errors an
  // operator must see (device busy, permission); a missing netdev leaves the port absent.
  void attach(BridgeRec& b, PortRec& p) {
    if (!opt.attach_ports || down || p.attached) return;
    std::unique_ptr<PortBackend> backend;
    try {
      backend = open_port_backend(p.cfg.name, p.cfg.type, dp->threads());
    } catch (const Error& e) {
      if (e.code() != ErrorCode::NoSuchDevice) throw;
      log::debug("port ", p.cfg.name, " waits for its netdev: ", e.what());
      return;
    }
    p.kind = backend->type();
    p.ifindex = backend->ifindex();
    p.owned = backend->owns_netdev();
    p.mtu = 0;
    const auto link = route->find_link(p.ifindex);
    if (link) p.mtu = link->mtu;
    p.state = attached_state(p.kind, link ? &*link : nullptr);
    p.attached = true;
    const CorePortSettings s = core_settings(p);
    dp->run([&](Datapath& d) {
      d.attach(b.dp, p.id, std::move(backend));
      d.bridge(b.dp).update_port(p.id, s);
    });
    log::info("port ", p.cfg.name, " attached to ", b.name, " as ", to_string(p.kind), " (",
              to_string(p.state), ")");
  }

  // Closes the backend (a TAP the daemon created goes away with it) and marks the port absent.
  void detach(BridgeRec& b, PortRec& p, const char* why) {
    std::unique_ptr<PortBackend> backend;
    p.state = PortState::Absent;
    const CorePortSettings s = core_settings(p);
    dp->run([&](Datapath& d) {
      backend = d.detach(b.dp, p.id);
      d.bridge(b.dp).update_port(p.id, s);
    });
    const bool was = p.attached;
    p.attached = false;
    p.ifindex = 0;
    p.owned = false;
    backend.reset();  // outside run(): closing a TAP can take the kernel a while, workers keep going
    if (was) log::info("port ", p.cfg.name, " on ", b.name, " is absent: ", why);
  }

  void attach_quietly(BridgeRec& b, PortRec& p) {
    try {
      attach(b, p);
    } catch (const std::exception& e) {
      log::warn("port ", p.cfg.name, " on ", b.name, " cannot attach: ", e.what());
    }
  }

  void port_lost(BridgeId dp_id, PortId id) {
    for (auto& b : bridges) {
      if (b.dp != dp_id) continue;
      for (auto& p : b.ports)
        if (p.id == id && p.attached) detach(b, p, "its netdev is gone");
    }
    reap_transient();
  }

  // Deletes transient ports whose netdev is gone: nobody will run del-port for them.
  void reap_transient() {
    if (!opt.attach_ports) return;
    bool any = false;
    for (auto& b : bridges) {
      std::vector<std::string> gone;
      for (const auto& p : b.ports)
        if (p.cfg.transient && !p.attached) gone.push_back(p.cfg.name);
      for (const auto& name : gone) {
        log::info("transient port ", name, " removed from ", b.name, ": its netdev is gone");
        remove_port(b, name);
        any = true;
      }
    }
    if (any) changed();
  }

  // ---- link events ----
  void watch_links() {
    monitor_fd->async_wait(boost::asio::posix::stream_descriptor::wait_read,
                           [this](boost::system::error_code ec) {
                             if (ec || down) return;
                             try {
                               monitor->drain([this](const LinkEvent& ev) { on_link(ev); });
                             } catch (const std::exception& e) {
                               log::error("link monitor: ", e.what());
                             }
                             watch_links();
                           });
  }

  void on_link(const LinkEvent& ev) {
    handle_link(ev);
    reap_transient();
  }

  void handle_link(const LinkEvent& ev) {
    if (ev.kind == LinkEvent::Kind::Overrun) {
      log::warn("link notifications were lost; rescanning every port");
      resync();
      return;
    }
    const LinkInfo& link = ev.link;
    for (auto& b : bridges) {
      for (auto& p : b.ports) {
        if (ev.kind == LinkEvent::Kind::Removed) {
          // A TAP moved to another namespace is a DELLINK here but keeps working through our fd; only
          // the backend can tell that it is really gone (then the datapath reports it lost).
          if (p.attached && p.ifindex == link.ifindex && p.kind == PortType::System)
            detach(b, p, "netdev removed");
          continue;
        }
        // A TAP moved to another namespace keeps a stale ifindex here, which another netdev may reuse:
        // for TAPs only events under the port's own name count.
        const bool same = p.attached && p.ifindex == link.ifindex &&
                          (p.kind == PortType::System || link.name == p.cfg.name);
        if (same) {
          if (p.kind == PortType::System && link.name != p.cfg.name) {
            detach(b, p, "netdev renamed");
            continue;
          }
          update_link(b, p, link);
        } else if (p.cfg.name == link.name) {
          if (p.attached && p.kind == PortType::System) detach(b, p, "netdev replaced");
          attach_quietly(b, p);
        }
      }
    }
  }

  void update_link(BridgeRec& b, PortRec& p, const LinkInfo& link) {
    const PortState state = attached_state(p.kind, &link);
    if (state == p.state && link.mtu == p.mtu) return;
    if (state != p.state) log::info("port ", p.cfg.name, " on ", b.name, " is ", to_string(state));
    p.state = state;
    p.mtu = link.mtu;
    push_core(b, p);
  }

  void resync() {
    for (auto& b : bridges) {
      for (auto& p : b.ports) {
        auto link = route->find_link(p.cfg.name);
        if (!p.attached) {
          if (link) attach_quietly(b, p);
        } else if (p.kind == PortType::System) {
          if (!link || link->ifindex != p.ifindex) {
            detach(b, p, "netdev gone");
            if (link) attach_quietly(b, p);
          } else {
            update_link(b, p, *link);
          }
        }
      }
    }
  }

  // ---- bridges and ports ----
  void add_bridge(const std::string& name, const BridgeSettings& settings) {
    if (auto why = validate_bridge_name(name); !why.empty()) throw Error(ErrorCode::InvalidParams, why);
    check_settings(settings);
    BridgeRec b{name, settings, 0, {}, {}};
    b.dp = dp->run([&](Datapath& d) { return d.add_bridge(settings); });
    bridges.push_back(std::move(b));
  }

  // Records the port and gives it a slot in the core, absent (not attached).
  PortRec& add_absent_port(BridgeRec& b, const PortConfig& cfg) {
    PortRec p;
    p.cfg = cfg;
    const CorePortSettings s = core_settings(p);
    p.id = dp->run([&](Datapath& d) { return d.bridge(b.dp).add_port(s); });
    return b.ports.emplace_back(std::move(p));
  }

  void add_port(BridgeRec& b, const PortConfig& cfg) {
    add_absent_port(b, cfg);
    try {
      attach(b, b.ports.back());
      if (cfg.transient && opt.attach_ports && !b.ports.back().attached)
        throw Error(ErrorCode::NoSuchDevice,
                    "transient port '" + cfg.name + "' needs an existing netdev, and there is none");
    } catch (...) {
      const PortId id = b.ports.back().id;
      dp->run([&](Datapath& d) { d.bridge(b.dp).remove_port(id); });
      b.ports.pop_back();
      throw;
    }
  }

  void remove_port(BridgeRec& b, const std::string& name) {
    auto it =
        std::find_if(b.ports.begin(), b.ports.end(), [&](const PortRec& p) { return p.cfg.name == name; });
    if (it == b.ports.end()) return;
    std::unique_ptr<PortBackend> backend;
    const PortId id = it->id;
    dp->run([&](Datapath& d) {
      backend = d.detach(b.dp, id);
      d.bridge(b.dp).remove_port(id);
    });
    b.ports.erase(it);
    std::erase_if(b.static_fdb, [&](const StaticFdbEntry& e) { return e.port == name; });
    backend.reset();
  }

  // Adds (or replaces) a static FDB entry in the core and the configuration. Throws on bad input.
  void add_static(BridgeRec& b, const StaticFdbEntry& e);

  void shutdown() {
    if (down) return;
    down = true;
    *alive = false;
    if (monitor_fd) {
      boost::system::error_code ec;
      monitor_fd->cancel(ec);
      monitor_fd->close(ec);
    }
    std::vector<std::unique_ptr<PortBackend>> backends;
    for (auto& b : bridges)
      for (auto& p : b.ports)
        if (p.attached) {
          dp->run([&](Datapath& d) { backends.push_back(d.detach(b.dp, p.id)); });
          p.attached = false;
          p.state = PortState::Absent;
        }
    dp->stop();
    backends.clear();  // TAP devices we created are removed here; promiscuous mode is released
  }
};

Switch::Switch(boost::asio::io_context& io, SwitchOptions options)
    : impl_(std::make_unique<Impl>(io, std::move(options))) {}

Switch::~Switch() { shutdown(); }

void Switch::shutdown() { impl_->shutdown(); }

void Switch::load(const SwitchConfig& config) {
  for (const auto& bc : config.bridges) {
    if (impl_->find_bridge(bc.name)) continue;
    impl_->add_bridge(bc.name, bc.settings);
    BridgeRec& b = impl_->bridges.back();
    for (const auto& pc : bc.ports) {
      if (impl_->find_port(pc.name).second) continue;
      try {
        impl_->add_port(b, pc);
      } catch (const std::exception& e) {
        // Keep the configuration: the port waits as absent until its netdev can be attached.
        log::warn("port ", pc.name, " on ", b.name, ": ", e.what());
        impl_->add_absent_port(b, pc);
      }
    }
    for (const auto& e : bc.static_fdb) {
      try {
        impl_->add_static(b, e);
      } catch (const std::exception& ex) {
        log::warn("static FDB entry ", e.mac.to_string(), " on ", b.name, ": ", ex.what());
      }
    }
  }
  impl_->reap_transient();
}

void Switch::ensure(const SwitchConfig& config) {
  for (const auto& bc : config.bridges) {
    if (!impl_->find_bridge(bc.name)) impl_->add_bridge(bc.name, bc.settings);
    BridgeRec& b = impl_->bridge(bc.name);
    for (const auto& pc : bc.ports) {
      if (impl_->find_port(pc.name).second) continue;
      try {
        impl_->check_allowed(pc.name);
        impl_->add_port(b, pc);
      } catch (const std::exception& e) {
        log::warn("port ", pc.name, " from the configuration file: ", e.what());
      }
    }
  }
  impl_->changed();
}

void Switch::add_bridge(const std::string& name, const BridgeSettings& settings, bool may_exist) {
  if (impl_->find_bridge(name)) {
    if (may_exist) return;
    throw Error(ErrorCode::BridgeExists, "bridge '" + name + "' already exists");
  }
  impl_->add_bridge(name, settings);
  impl_->changed();
}

void Switch::del_bridge(const std::string& name, bool if_exists) {
  auto it = std::find_if(impl_->bridges.begin(), impl_->bridges.end(),
                         [&](const BridgeRec& b) { return b.name == name; });
  if (it == impl_->bridges.end()) {
    if (if_exists) return;
    throw Error(ErrorCode::NoSuchBridge, "no bridge named '" + name + "'");
  }
  const BridgeId id = it->dp;
  auto backends = impl_->dp->run([&](Datapath& d) { return d.remove_bridge(id); });
  impl_->bridges.erase(it);
  backends.clear();
  impl_->changed();
}

std::vector<std::string> Switch::list_bridges() const {
  std::vector<std::string> out;
  for (const auto& b : impl_->bridges) out.push_back(b.name);
  return out;
}

void Switch::add_port(const std::string& bridge, const PortConfig& port, bool may_exist) {
  check_port(port);
  BridgeRec& b = impl_->bridge(bridge);
  auto [ob, op] = impl_->find_port(port.name);
  if (op) {
    if (ob != &b)
      throw Error(ErrorCode::PortExists,
                  "interface '" + port.name + "' is already a port of bridge '" + ob->name + "'");
    if (op->cfg == port) return;
    if (!may_exist)
      throw Error(ErrorCode::PortExists, "port '" + port.name + "' is already on bridge '" + bridge +
                                             "' with other settings (use --may-exist to update them)");
    if (op->cfg.type != port.type) {
      // A different port type needs a different backend: re-create the port.
      impl_->check_allowed(port.name);
      impl_->remove_port(b, port.name);
      impl_->add_port(b, port);
    } else {
      op->cfg = port;
      impl_->push_core(b, *op);
    }
    impl_->changed();
    return;
  }
  impl_->check_allowed(port.name);
  impl_->add_port(b, port);
  impl_->changed();
}

void Switch::del_port(const std::optional<std::string>& bridge, const std::string& port, bool if_exists) {
  if (bridge) impl_->bridge(*bridge);
  auto [b, p] = impl_->find_port(port);
  if (!p || (bridge && b->name != *bridge)) {
    if (if_exists) return;
    if (p)
      throw Error(ErrorCode::NoSuchPort,
                  "port '" + port + "' is on bridge '" + b->name + "', not '" + *bridge + "'");
    throw Error(ErrorCode::NoSuchPort, "no port named '" + port + "'");
  }
  impl_->remove_port(*b, port);
  impl_->changed();
}

void Switch::set_port(const std::string& port, const PortPatch& patch) {
  auto [b, p] = impl_->port(port);
  PortConfig cfg = p->cfg;
  if (patch.vlan) cfg.vlan = *patch.vlan;
  PortOptions& o = cfg.options;
  if (patch.learning) o.learning = *patch.learning;
  if (patch.flood) o.flood = *patch.flood;
  if (patch.mcast_flood) o.mcast_flood = *patch.mcast_flood;
  if (patch.isolated) o.isolated = *patch.isolated;
  if (patch.hairpin) o.hairpin = *patch.hairpin;
  if (patch.mac_limit) o.mac_limit = *patch.mac_limit;
  check_port(cfg);
  if (cfg == p->cfg) return;
  p->cfg = cfg;
  impl_->push_core(*b, *p);
  impl_->changed();
}

void Switch::set_bridge(const std::string& bridge, const BridgePatch& patch) {
  BridgeRec& b = impl_->bridge(bridge);
  BridgeSettings s = b.settings;
  if (patch.ageing_time) s.ageing_time = *patch.ageing_time;
  if (patch.fdb_max) s.fdb_max = *patch.fdb_max;
  check_settings(s);
  if (s == b.settings) return;
  b.settings = s;
  impl_->dp->run([&](Datapath& d) { d.bridge(b.dp).apply(s); });
  impl_->changed();
}

std::vector<BridgeStatus> Switch::show(const std::optional<std::string>& bridge) {
  if (bridge) impl_->bridge(*bridge);
  std::vector<BridgeStatus> out;
  for (const auto& b : impl_->bridges) {
    if (bridge && b.name != *bridge) continue;
    BridgeStatus st{b.name, b.settings, {}, 0};
    st.fdb_entries = impl_->dp->run([&](Datapath& d) { return d.bridge(b.dp).fdb().size(); });
    for (const auto& p : b.ports)
      st.ports.push_back(PortStatus{b.name, p.cfg, p.kind, p.state, p.ifindex, p.mtu, p.owned});
    out.push_back(std::move(st));
  }
  return out;
}

namespace {
std::optional<PortId> filter_port(const BridgeRec& b, const FdbFilter& filter) {
  if (!filter.port) return std::nullopt;
  for (const auto& p : b.ports)
    if (p.cfg.name == *filter.port) return p.id;
  throw Error(ErrorCode::NoSuchPort, "bridge '" + b.name + "' has no port named '" + *filter.port + "'");
}
}  // namespace

std::vector<FdbRow> Switch::fdb_show(const std::string& bridge, const FdbFilter& filter) {
  BridgeRec& b = impl_->bridge(bridge);
  const auto port = filter_port(b, filter);
  const Timestamp now = Clock::now();
  std::vector<FdbEntry> entries;
  std::chrono::seconds ageing{};
  impl_->dp->run([&](Datapath& d) {
    const MacTable& t = d.bridge(b.dp).fdb();
    ageing = t.ageing();
    entries = t.entries();
  });
  std::vector<FdbRow> rows;
  for (const auto& e : entries) {
    if (port && e.port != *port) continue;
    if (filter.vlan && e.vlan != *filter.vlan) continue;
    const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - e.last_seen);
    if (!e.is_static && age >= ageing) continue;  // dead, not yet swept
    rows.push_back(FdbRow{impl_->port_name(b, e.port), e.vlan, e.mac, e.is_static,
                          e.is_static ? 0u : static_cast<std::uint32_t>(age.count())});
  }
  std::sort(rows.begin(), rows.end(), [](const FdbRow& x, const FdbRow& y) {
    return std::tie(x.port, x.vlan, x.mac) < std::tie(y.port, y.vlan, y.mac);
  });
  return rows;
}

std::size_t Switch::fdb_flush(const std::string& bridge, const FdbFilter& filter) {
  BridgeRec& b = impl_->bridge(bridge);
  const auto port = filter_port(b, filter);
  return impl_->dp->run([&](Datapath& d) { return d.bridge(b.dp).fdb().flush(port, filter.vlan, false); });
}

void Switch::Impl::add_static(BridgeRec& b, const StaticFdbEntry& e) {
  if (!e.mac.is_valid_source())
    throw Error(ErrorCode::InvalidParams, "static FDB entries need a unicast MAC, not " + e.mac.to_string());
  if (e.vlan > kMaxVlan) throw Error(ErrorCode::InvalidParams, "VLAN must be in 0..4094");
  const PortId id = filter_port(b, FdbFilter{std::nullopt, e.port}).value();
  const bool ok = dp->run([&](Datapath& d) { return d.bridge(b.dp).fdb().add_static(e.vlan, e.mac, id); });
  if (!ok) throw Error(ErrorCode::LimitReached, "the FDB of '" + b.name + "' is full (fdb-max)");
  std::erase_if(b.static_fdb, [&](const StaticFdbEntry& o) { return o.mac == e.mac && o.vlan == e.vlan; });
  b.static_fdb.push_back(e);
}

void Switch::fdb_add(const std::string& bridge, const MacAddress& mac, const std::string& port, VlanId vlan) {
  impl_->add_static(impl_->bridge(bridge), StaticFdbEntry{mac, vlan, port});
  impl_->changed();
}

void Switch::fdb_del(const std::string& bridge, const MacAddress& mac, VlanId vlan) {
  BridgeRec& b = impl_->bridge(bridge);
  const bool ok = impl_->dp->run([&](Datapath& d) { return d.bridge(b.dp).fdb().remove(vlan, mac); });
  const auto erased =
      std::erase_if(b.static_fdb, [&](const StaticFdbEntry& e) { return e.mac == mac && e.vlan == vlan; });
  if (erased != 0) impl_->changed();
  if (!ok)
    throw Error(ErrorCode::NoSuchEntry, "no FDB entry for " + mac.to_string() + " in VLAN " +
                                            std::to_string(vlan) + " on '" + bridge + "'");
}

std::vector<BridgeStats> Switch::stats(const std::optional<std::string>& target) {
  std::optional<std::string> only_port;
  const BridgeRec* only_bridge = nullptr;
  if (target) {
    if (auto* b = impl_->find_bridge(*target)) {
      only_bridge = b;
    } else if (auto [pb, pp] = impl_->find_port(*target); pp) {
      only_bridge = pb;
      only_port = *target;
    } else {
      throw Error(ErrorCode::NoSuchPort, "no bridge or port named '" + *target + "'");
    }
  }
  std::vector<BridgeStats> out;
  for (const auto& b : impl_->bridges) {
    if (only_bridge && &b != only_bridge) continue;
    BridgeStats st;
    st.name = b.name;
    impl_->dp->run([&](Datapath& d) {
      const Bridge& core = d.bridge(b.dp);
      st.fdb_entries = core.fdb().size();
      st.fdb_max = core.fdb().max_entries();
      st.fdb = core.fdb().stats();
      for (const auto& p : b.ports)
        if (!only_port || p.cfg.name == *only_port)
          st.ports.push_back(PortStats{p.cfg.name, core.counters(p.id)});
    });
    out.push_back(std::move(st));
  }
  return out;
}

SwitchConfig Switch::config() const { return impl_->config(); }

}  // namespace vswitch
