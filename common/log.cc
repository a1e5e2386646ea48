#include "common/log.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace vswitch::log {

namespace {
std::atomic<Level> g_level{Level::Info};
std::mutex g_write_mutex;  // one line at a time from several threads
}  // namespace

void set_level(Level l) { g_level.store(l, std::memory_order_relaxed); }
Level level() { return g_level.load(std::memory_order_relaxed); }

std::optional<Level> parse_level(std::string_view text) {
  if (text == "debug") return Level::Debug;
  if (text == "info") return Level::Info;
  if (text == "warn" || text == "warning") return Level::Warn;
  if (text == "error") return Level::Error;
  return std::nullopt;
}

void write(Level l, std::string_view message) {
  // Under systemd (JOURNAL_STREAM set) "<N>" prefixes are sd-daemon(3) priorities that journald stores
  // as the entry's level; on a terminal they would only be noise.
  static const bool to_journal = std::getenv("JOURNAL_STREAM") != nullptr;
  static constexpr const char* kName[] = {"debug", "info", "warning", "error"};
  static constexpr const char* kPriority[] = {"<7>", "<6>", "<4>", "<3>"};
  const int i = static_cast<int>(l);
  std::lock_guard lock(g_write_mutex);
  std::fprintf(stderr, "%svswitchd: %s: %.*s\n", to_journal ? kPriority[i] : "", kName[i],
               static_cast<int>(message.size()), message.data());
}

}  // namespace vswitch::log
