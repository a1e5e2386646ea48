#include "switchd/core/tx_plan.h"

namespace vswitch {

void TxPlan::reset() {
  for (PortId p : ports_) per_port_[p].clear();
  ports_.clear();
  total_ = 0;
}

void TxPlan::add(PortId port, TxItem item) {
  if (port >= per_port_.size()) per_port_.resize(static_cast<std::size_t>(port) + 1);
  auto& list = per_port_[port];
  if (list.empty()) ports_.push_back(port);
  list.push_back(item);
  ++total_;
}

std::span<const TxItem> TxPlan::items(PortId port) const {
  if (port >= per_port_.size()) return {};
  return per_port_[port];
}

}  // namespace vswitch
