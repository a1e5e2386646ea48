// Switch: the daemon's model of bridges and ports, and the one implementation of SwitchApi.
//
// It keeps the configuration (the source of truth, persisted through on_config_change after every
// change), mirrors it into the forwarding cores the datapath workers use (only inside Datapath::run(),
// which pauses the workers between batches, so the control thread never races them), and attaches each
// configured port's backend when its netdev exists, following link events: a port whose netdev is
// missing waits as `absent` and attaches by itself when the netdev appears.
//
// Runs on the control thread (the asio io_context it is given): no locks.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/config.h"
#include "switchd/control/switch_api.h"

namespace vswitch {

struct SwitchOptions {
  // Called after every successful change with the whole new configuration.
  std::function<void(const SwitchConfig&)> on_config_change;
  // fnmatch(3) patterns of interface names that may be attached; empty = any name.
  std::vector<std::string> allowed_interfaces;
  // Start the datapath workers and follow link events. False for a switch that only holds
  // configuration (tests, fuzzing): every port then stays absent.
  bool attach_ports = true;
  // The datapath workers spin instead of sleeping in epoll_wait (see DatapathOptions::busy_poll).
  bool busy_poll = false;
  // Datapath worker threads; system ports get one receive queue each (see DatapathOptions::threads).
  std::size_t datapath_threads = 1;
  // See DatapathOptions::poll_window.
  std::chrono::microseconds poll_window{50};
};

class Switch final : public SwitchApi {
 public:
  Switch(boost::asio::io_context& io, SwitchOptions options);
  ~Switch() override;  // shutdown()
  Switch(const Switch&) = delete;
  Switch& operator=(const Switch&) = delete;

  // Applies a whole configuration at start-up (restored state). Ports whose netdevs exist attach now.
  void load(const SwitchConfig& config);
  // Ensures the bridges and ports of `config` exist (may-exist semantics); used for --config.
  void ensure(const SwitchConfig& config);
  // Stops the datapath; removes the TAP devices the daemon created; releases promiscuous mode.
  void shutdown();

  void add_bridge(const std::string& name, const BridgeSettings& settings, bool may_exist) override;
  void del_bridge(const std::string& name, bool if_exists) override;
  std::vector<std::string> list_bridges() const override;
  void add_port(const std::string& bridge, const PortConfig& port, bool may_exist) override;
  void del_port(const std::optional<std::string>& bridge, const std::string& port, bool if_exists) override;
  void set_port(const std::string& port, const PortPatch& patch) override;
  void set_bridge(const std::string& bridge, const BridgePatch& patch) override;
  std::vector<BridgeStatus> show(const std::optional<std::string>& bridge) override;
  std::vector<FdbRow> fdb_show(const std::string& bridge, const FdbFilter& filter) override;
  std::size_t fdb_flush(const std::string& bridge, const FdbFilter& filter) override;
  void fdb_add(const std::string& bridge, const MacAddress& mac, const std::string& port,
               VlanId vlan) override;
  void fdb_del(const std::string& bridge, const MacAddress& mac, VlanId vlan) override;
  std::vector<BridgeStats> stats(const std::optional<std::string>& target) override;
  SwitchConfig config() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vswitch
