#include "helper/helper_args.h"

#include <charconv>
#include <optional>
#include <string_view>

#include "common/config.h"
#include "common/error.h"
#include "common/ifname.h"

namespace vswitch::helper {

namespace {

[[noreturn]] void bad(const std::string& what) { throw Error(ErrorCode::InvalidParams, what); }

int parse_fd(std::string_view text) {
  int fd = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), fd);
  if (ec != std::errc{} || end != text.data() + text.size() || fd < 0)
    bad("--fd wants a file descriptor number, got '" + std::string(text) + "'");
  return fd;
}

void check_template(const std::string& tmpl) {
  const auto first = tmpl.find('%');
  if (first == std::string::npos || tmpl.compare(first, 2, "%d") != 0 ||
      tmpl.find('%', first + 1) != std::string::npos)
    bad("--ifname template '" + tmpl + "' must contain exactly one %d (the kernel picks the number)");
  // The longest name the kernel may produce: %d grows to at most 5 digits in practice, but the
  // kernel itself refuses names that do not fit, so only check the template's own shape here.
  std::string sample = tmpl;
  sample.replace(first, 2, "0");
  if (const std::string why = validate_ifname(sample); !why.empty()) bad("--ifname template: " + why);
}

}  // namespace

std::string helper_usage() {
  return "usage: vswitch-bridge-helper [--use-vnet] --br=BRIDGE --fd=UNIXFD [--ifname=TEMPLATE]\n"
         "  Creates a TAP device, attaches it to the vswitch bridge BRIDGE and passes its file\n"
         "  descriptor to qemu over the UNIX socket UNIXFD. Run by qemu for -netdev bridge,helper=...;\n"
         "  access is controlled by /etc/vswitch/bridge.conf (see vswitch-bridge-helper(8)).\n"
         "  --use-vnet        give the TAP a virtio-net header (IFF_VNET_HDR)\n"
         "  --ifname=TEMPLATE TAP name template with one %d (default tap%d)\n";
}

HelperArgs parse_helper_args(std::span<const char* const> argv) {
  HelperArgs args;
  bool have_fd = false;
  // Value of "--name=value" or of "--name value" (consuming the next word).
  auto value_of = [&](std::size_t& i, std::string_view arg,
                      std::string_view name) -> std::optional<std::string> {
    if (arg == name) {
      if (i + 1 >= argv.size()) bad(std::string(name) + " needs a value");
      return std::string(argv[++i]);
    }
    if (arg.size() > name.size() && arg.substr(0, name.size()) == name && arg[name.size()] == '=')
      return std::string(arg.substr(name.size() + 1));
    return std::nullopt;
  };

  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string_view arg = argv[i] ? argv[i] : "";
    if (arg == "--use-vnet") {
      args.use_vnet = true;
    } else if (arg == "--help" || arg == "-h") {
      args.help = true;
    } else if (arg == "--version") {
      args.version = true;
    } else if (auto fd = value_of(i, arg, "--fd")) {
      args.fd = parse_fd(*fd);
      have_fd = true;
    } else if (auto br = value_of(i, arg, "--br")) {
      args.bridge = *br;
    } else if (auto tmpl = value_of(i, arg, "--ifname")) {
      args.ifname_template = *tmpl;
    } else {
      bad("unknown argument '" + std::string(arg) + "'");
    }
  }
  if (args.help || args.version) return args;
  if (!have_fd) bad("missing --fd=N (the helper is meant to be run by qemu: -netdev bridge,helper=...)");
  if (args.bridge.empty()) bad("missing --br=BRIDGE");
  if (const std::string why = validate_bridge_name(args.bridge); !why.empty()) bad(why);
  check_template(args.ifname_template);
  return args;
}

}  // namespace vswitch::helper
