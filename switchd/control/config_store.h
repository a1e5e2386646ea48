// Persistence of the switch's configuration in the state directory, so that bridges and ports
// survive a restart, a crash or a power cut.
//
//   DIR/state.json       the configuration (common/config.h schema, plus "version")
//   DIR/state.json.bak   the copy before the last save: the last good configuration but one
//   DIR/state.json.tmp   a save in progress (ignored at load)
//   DIR/lock             flock()ed by the daemon that owns the directory
//
// save() is atomic: write the temp file, fsync it, hard-link the current file to the backup, rename
// the temp file over the current one, fsync the directory. At every instant state.json is either
// the old or the new complete file. load() never throws: a missing file is a first start; a truncated
// or corrupt one is logged, moved aside to state.json.corrupt, and the backup is used instead (or
// an empty configuration when there is no usable backup either).
#pragma once

#include <filesystem>
#include <string>

#include "common/config.h"
#include "common/unique_fd.h"

namespace vswitch {

class ConfigStore {
 public:
  // Creates `dir` (mode 0750) when missing; throws Error(SystemError) when it cannot.
  explicit ConfigStore(std::filesystem::path dir);

  // Takes DIR/lock (flock) for as long as this store lives, so that two daemons (with different
  // sockets) never write one state directory. Throws Error(DeviceBusy) when another process holds it.
  void lock();

  // The saved configuration, from state.json or its backup; empty when there is none usable.
  SwitchConfig load();
  // Atomically replaces the saved configuration. Throws Error(SystemError) with errno text.
  void save(const SwitchConfig& config);

  const std::filesystem::path& state_file() const { return state_; }
  const std::filesystem::path& backup_file() const { return backup_; }

  // Where load() found its configuration (for logs and tests).
  enum class Source { None, State, Backup };
  Source last_source() const { return source_; }

 private:
  std::filesystem::path dir_, state_, backup_, temp_;
  Source source_ = Source::None;
  UniqueFd lock_;
};

}  // namespace vswitch
