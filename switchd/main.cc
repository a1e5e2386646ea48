// vswitchd: the switch daemon. Wires the pieces together: the control socket (RpcServer) in front of
// the JSON-RPC dispatcher, the Switch that owns the datapath, and the ConfigStore that persists every
// change. Order matters at start-up: the socket is claimed first, so that a second instance refuses
// to start before it touches any port or the state file; the saved state is restored next, then the
// --config file is ensured on top, and only then is readiness reported (sd_notify, or the parent of a
// daemonized process exiting 0).
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/error.h"
#include "common/log.h"
#include "common/protocol.h"
#include "common/unique_fd.h"
#include "switchd/control/config_store.h"
#include "switchd/control/dispatcher.h"
#include "switchd/control/rpc_server.h"
#include "switchd/control/switch.h"
#include "switchd/datapath/datapath.h"

namespace vswitch {
namespace {

namespace fs = std::filesystem;

struct DaemonOptions {
  std::string socket_path{protocol::kDefaultSocketPath};
  std::string state_dir = "/var/lib/vswitch";
  std::string config_file;
  std::string socket_group;
  std::string allow_interfaces;
  std::string pid_file;
  std::string log_level = "info";
  double read_timeout = 30;
  bool foreground = false;
  bool busy_poll = false;
  std::size_t threads = 1;
  unsigned poll_window_us = 50;
};

std::vector<std::string> split_patterns(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    const auto b = item.find_first_not_of(" \t");
    const auto e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

SwitchConfig read_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::SystemError, "cannot open " + path + ": " + std::strerror(errno));
  std::stringstream buf;
  buf << in.rdbuf();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(buf.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(ErrorCode::ParseError, path + " is not valid JSON: " + e.what());
  }
  try {
    return switch_config_from_json(j);
  } catch (const Error& e) {
    throw Error(e.code(), path + ": " + e.what());
  }
}

// Forks; the parent waits until the child reports that it serves (exit 0) or that it failed
// (exit 1), so that "vswitchd && vswitchctl show" works. Returns the fd the child reports on.
UniqueFd daemonize() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw Error(ErrorCode::SystemError, std::string("pipe: ") + std::strerror(errno));
  UniqueFd rd(fds[0]), wr(fds[1]);
  const pid_t pid = ::fork();
  if (pid < 0) throw Error(ErrorCode::SystemError, std::string("fork: ") + std::strerror(errno));
  if (pid > 0) {
    wr.reset();
    char c = 0;
    ssize_t n;
    do n = ::read(rd.get(), &c, 1);
    while (n < 0 && errno == EINTR);
    std::_Exit(n == 1 && c == 'R' ? 0 : 1);  // the child logged why it failed
  }
  rd.reset();
  ::setsid();
  if (::chdir("/") != 0) { /* "/" always exists */
  }
  UniqueFd devnull(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (devnull) {
    ::dup2(devnull.get(), STDIN_FILENO);
    ::dup2(devnull.get(), STDOUT_FILENO);  // stderr stays: it carries the log
  }
  return wr;
}

void write_pid_file(const std::string& path) {
  std::ofstream out(path, std::ios::trunc);
  out << ::getpid() << "\n";
  if (!out) throw Error(ErrorCode::SystemError, "cannot write pid file " + path);
}

int run(const DaemonOptions& opt, UniqueFd ready_fd) {
  std::signal(SIGPIPE, SIG_IGN);
  boost::asio::io_context io;

  Dispatcher* dispatcher = nullptr;  // set below; no request is read before io.run()
  RpcServerOptions server_options;
  server_options.socket_path = opt.socket_path;
  server_options.group = opt.socket_group;
  server_options.read_timeout = std::chrono::milliseconds(static_cast<long>(opt.read_timeout * 1000));
  RpcServer server(io, server_options,
                   [&dispatcher](std::string_view line) { return dispatcher->dispatch(line); });
  server.start();  // first: a second instance must stop here, before touching ports or state

  ConfigStore store(opt.state_dir);
  store.lock();
  const SwitchConfig saved = store.load();

  SwitchOptions switch_options;
  switch_options.allowed_interfaces = split_patterns(opt.allow_interfaces);
  switch_options.busy_poll = opt.busy_poll;
  switch_options.datapath_threads = opt.threads;
  switch_options.poll_window = std::chrono::microseconds(opt.poll_window_us);
  switch_options.on_config_change = [&store](const SwitchConfig& config) {
    try {
      store.save(config);
    } catch (const std::exception& e) {
      log::error("cannot save the configuration: ", e.what());
    }
  };
  Switch sw(io, std::move(switch_options));
  try {
    sw.load(saved);
  } catch (const std::exception& e) {
    log::error("cannot restore the saved configuration: ", e.what());
  }
  if (!opt.config_file.empty()) {
    try {
      sw.ensure(read_config_file(opt.config_file));
    } catch (const std::exception& e) {
      log::error("cannot apply ", opt.config_file, ": ", e.what());
    }
  }
  Dispatcher disp(sw);
  dispatcher = &disp;

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    log::info("received ", ::strsignal(signo), "; shutting down");
    sd_notify(0, "STOPPING=1");
    server.stop();
    sw.shutdown();
    io.stop();
  });

  if (!opt.pid_file.empty()) write_pid_file(opt.pid_file);
  std::size_t ports = 0;
  const SwitchConfig running = sw.config();
  for (const auto& b : running.bridges) ports += b.ports.size();
  log::info("vswitchd ", VSWITCH_VERSION, " ready: ", running.bridges.size(), " bridge(s), ", ports,
            " port(s)");
  sd_notify(0, "READY=1\nSTATUS=serving");
  if (ready_fd) {
    const char c = 'R';
    if (::write(ready_fd.get(), &c, 1) != 1) log::warn("cannot tell the parent process we are ready");
    ready_fd.reset();
  }

  io.run();
  if (!opt.pid_file.empty()) ::unlink(opt.pid_file.c_str());
  log::info("stopped");
  return 0;
}

// Every port holds one fd per datapath worker (and a TAP one per queue): the usual soft limit of 1024
// would cap a host at a few hundred VMs. Raise it to the hard limit, as ovs-vswitchd does.
void raise_fd_limit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= rl.rlim_max) return;
  const rlim_t was = rl.rlim_cur;
  rl.rlim_cur = rl.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &rl) != 0)
    log::warn("cannot raise the open-file limit from ", was, ": ", std::strerror(errno));
  else
    log::debug("open-file limit raised from ", was, " to ", rl.rlim_cur);
}

}  // namespace
}  // namespace vswitch

int main(int argc, char** argv) {
  using namespace vswitch;
  DaemonOptions opt;
  CLI::App app{"vswitchd: userspace L2 virtual switch daemon, steered with vswitchctl"};
  app.set_version_flag("--version", std::string("vswitchd ") + VSWITCH_VERSION);
  app.add_option("--socket", opt.socket_path, "control socket")->capture_default_str();
  app.add_option("--state-dir", opt.state_dir, "where the configuration is saved (state.json)")
      ->capture_default_str();
  app.add_option("--config", opt.config_file,
                 "initial configuration (JSON), ensured after restoring the saved state")
      ->check(CLI::ExistingFile);
  app.add_option("--socket-group", opt.socket_group,
                 "group allowed to use the control socket (default: root)");
  app.add_option("--allow-interfaces", opt.allow_interfaces,
                 "comma-separated fnmatch patterns of interfaces that may be attached (default: any)");
  app.add_option("--pidfile", opt.pid_file, "write the daemon's pid to this file");
  app.add_option("--log-level", opt.log_level, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "warning", "error"}))
      ->capture_default_str();
  app.add_option("--client-timeout", opt.read_timeout, "seconds a client has to send each request")
      ->check(CLI::Range(0.01, 86400.0))
      ->capture_default_str();
  app.add_flag("--foreground", opt.foreground, "do not fork (as under systemd, Type=notify)");
  app.add_flag("--busy-poll", opt.busy_poll,
               "the datapath workers poll without sleeping: lower latency, a CPU per worker always busy");
  app.add_option("--threads", opt.threads,
                 "datapath worker threads; system ports and created TAPs spread their flows over all of them")
      ->check(CLI::Range(std::size_t{1}, Datapath::kMaxThreads))
      ->capture_default_str();
  app.add_option(
         "--poll-window", opt.poll_window_us,
         "microseconds a worker keeps polling after moving frames before it sleeps (0: sleep at once)")
      ->check(CLI::Range(0u, 100000u))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  log::set_level(*log::parse_level(opt.log_level));
  raise_fd_limit();
  std::error_code ec;
  // The daemon chdirs to "/": relative paths are resolved against where it was started.
  for (std::string* p : {&opt.socket_path, &opt.state_dir, &opt.config_file, &opt.pid_file})
    if (!p->empty()) *p = std::filesystem::absolute(*p, ec).string();

  try {
    if (!opt.config_file.empty()) (void)read_config_file(opt.config_file);  // fail before forking
    UniqueFd ready_fd;
    if (!opt.foreground) ready_fd = daemonize();
    return run(opt, std::move(ready_fd));
  } catch (const std::exception& e) {
    log::error(e.what());
    return 1;
  }
}
