#include "switchd/ports/port_backend.h"

#include "common/error.h"
#include "common/log.h"
#include "switchd/ports/af_packet_port.h"
#include "switchd/ports/netdev.h"
#include "switchd/ports/tap_port.h"

namespace vswitch {

void check_queue_count(const std::string& port, std::size_t queues) {
  if (queues == 0 || queues > kMaxPortQueues)
    throw Error(ErrorCode::InvalidParams, "port " + port + ": 1 to " + std::to_string(kMaxPortQueues) +
                                              " queues, not " + std::to_string(queues));
}

std::unique_ptr<PortBackend> open_port_backend(const std::string& name, PortType type, std::size_t queues) {
  switch (type) {
    case PortType::Tap: return std::make_unique<TapPort>(name, queues);
    case PortType::System: return std::make_unique<AfPacketPort>(name, queues);
    case PortType::Auto: break;
  }
  const auto link = find_link(name);
  if (!link) return std::make_unique<TapPort>(name, queues);  // creates it
  // Only a TAP nobody holds may be taken over by fd; a held one (qemu's) is switched through AF_PACKET,
  // and so is everything that is not a TAP.
  if (link->is_tap() && !link->tun->held) {
    try {
      return std::make_unique<TapPort>(name, queues);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::DeviceBusy) throw;
      log::info("port ", name, ": TAP was taken by another process meanwhile; using AF_PACKET");
    }
  }
  return std::make_unique<AfPacketPort>(name, queues);
}

}  // namespace vswitch
