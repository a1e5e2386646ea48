// ports_tests runs as root in a network namespace of its own: links the tests make without naming a
// namespace never touch the machine's, and vanish with the process even if a test crashes.
#define CATCH_CONFIG_RUNNER
#include <sched.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>

int main(int argc, char** argv) {
  Catch::Session session;
  if (int rc = session.applyCommandLine(argc, argv); rc != 0) return rc;
  const auto& cfg = session.configData();
  const bool listing = cfg.listTests || cfg.listTestNamesOnly || cfg.listTags || cfg.listReporters;
  if (!listing) {
    if (::geteuid() != 0 || ::access("/dev/net/tun", R_OK | W_OK) != 0) {
      std::fprintf(stderr, "ports_tests: needs root and /dev/net/tun; skipping\n");
      return 77;
    }
    if (::unshare(CLONE_NEWNET) != 0) {
      std::perror("ports_tests: unshare(CLONE_NEWNET)");
      return 77;
    }
  }
  return session.run();
}
