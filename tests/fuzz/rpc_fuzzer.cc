// libFuzzer target for the control path: one request line through the JSON-RPC dispatcher, against
// a real Switch that holds configuration only (SwitchOptions::attach_ports = false: no datapath
// thread, no netlink, every port stays absent). The switch lives across inputs, so a sequence of
// inputs builds up bridges, ports and static FDB entries the way a long-lived daemon does; it is
// recreated when it grows past a bound, so memory stays flat however long the fuzzer runs.
//
// Checked for every input, besides what ASan/UBSan/LeakSanitizer report:
//   - dispatch() returns one line (no newline) that is valid JSON-RPC 2.0: a result or an error,
//     never an "internal-error" (that is a bug in our code reaching the catch-all), and empty only
//     for a notification;
//   - every configuration the switch persists (on_config_change) reads back through the state-file
//     parser to the same configuration: a change the dispatcher accepted can always be restored.
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <string_view>

#include "common/config.h"
#include "common/log.h"
#include "switchd/control/dispatcher.h"
#include "switchd/control/switch.h"

namespace {

using namespace vswitch;
using nlohmann::json;

constexpr std::size_t kMaxBridges = 16;
constexpr std::size_t kMaxPorts = 256;

[[noreturn]] void fail(const char* what, std::string_view line, std::string_view response) {
  std::fprintf(stderr, "rpc_fuzzer: %s\nrequest:  %.*s\nresponse: %.*s\n", what,
               static_cast<int>(line.size()), line.data(), static_cast<int>(response.size()),
               response.data());
  std::abort();
}

void check_roundtrip(const SwitchConfig& config) {
  const std::string text = to_json(config).dump();
  SwitchConfig back;
  try {
    back = switch_config_from_json(json::parse(text));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rpc_fuzzer: persisted configuration does not load: %s\n%s\n", e.what(),
                 text.c_str());
    std::abort();
  }
  if (!(back == config)) {
    std::fprintf(stderr, "rpc_fuzzer: configuration changes through the state file:\n%s\n%s\n", text.c_str(),
                 to_json(back).dump().c_str());
    std::abort();
  }
}

struct Fixture {
  boost::asio::io_context io;
  std::unique_ptr<Switch> sw;
  std::unique_ptr<Dispatcher> dispatcher;

  void reset() {
    dispatcher.reset();
    sw.reset();
    SwitchOptions opt;
    opt.attach_ports = false;
    opt.on_config_change = check_roundtrip;
    // The operator's allow-list is on: both the refusal and the fnmatch patterns get exercised.
    opt.allowed_interfaces = {"v*", "tap[0-9]*", "eth?", "p-[a-z]*"};
    sw = std::make_unique<Switch>(io, std::move(opt));
    dispatcher = std::make_unique<Dispatcher>(*sw);
  }

  bool too_big() const {
    const SwitchConfig c = sw->config();
    std::size_t ports = 0;
    for (const auto& b : c.bridges) ports += b.ports.size();
    return c.bridges.size() > kMaxBridges || ports > kMaxPorts;
  }
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  log::set_level(log::Level::Error);  // internal errors still show; per-request debug does not
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Fixture f;
  if (!f.sw || f.too_big()) f.reset();

  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const std::string response = f.dispatcher->dispatch(line);
  f.io.poll();  // run anything the switch posted to its control thread
  f.io.restart();

  if (response.empty()) {
    // Only a well-formed notification (an object with no "id") gets no answer.
    json req = json::parse(line, nullptr, false);
    if (req.is_discarded() || !req.is_object() || req.contains("id"))
      fail("empty response to a request", line, response);
    return 0;
  }
  if (response.find('\n') != std::string::npos) fail("response spans several lines", line, response);
  const json r = json::parse(response, nullptr, false);
  if (r.is_discarded() || !r.is_object()) fail("response is not a JSON object", line, response);
  if (r.value("jsonrpc", "") != "2.0" || !r.contains("id"))
    fail("response is not JSON-RPC 2.0", line, response);
  if (r.contains("result") == r.contains("error"))
    fail("response needs exactly one of result and error", line, response);
  if (r.contains("error")) {
    const json& e = r["error"];
    if (!e.is_object() || !e.contains("code") || !e["code"].is_number_integer() || !e.contains("message") ||
        !e["message"].is_string())
      fail("malformed error object", line, response);
    if (e.value("data", "") == "internal-error" && response.find("out of memory") == std::string::npos)
      fail("internal error: a bug reached the dispatcher's catch-all", line, response);
  }
  return 0;
}
