// Minimal leveled logging to stderr (journald adds timestamps and the unit name).
#pragma once

#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace vswitch::log {

enum class Level { Debug, Info, Warn, Error };

void set_level(Level level);
Level level();
std::optional<Level> parse_level(std::string_view text);
void write(Level level, std::string_view message);

template <typename... Args>
void emit(Level lvl, const Args&... args) {
  if (lvl < level()) return;
  std::ostringstream os;
  (os << ... << args);
  write(lvl, os.str());
}

template <typename... Args>
void debug(const Args&... a) {
  emit(Level::Debug, a...);
}
template <typename... Args>
void info(const Args&... a) {
  emit(Level::Info, a...);
}
template <typename... Args>
void warn(const Args&... a) {
  emit(Level::Warn, a...);
}
template <typename... Args>
void error(const Args&... a) {
  emit(Level::Error, a...);
}

}  // namespace vswitch::log
