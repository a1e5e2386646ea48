#include "switchd/control/config_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "common/error.h"
#include "common/log.h"
#include "common/unique_fd.h"

namespace vswitch {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kStateVersion = 1;
// A state file is a few KiB per hundred ports; anything this large is not ours.
constexpr std::size_t kMaxStateSize = 64u << 20;

[[noreturn]] void system_error(const std::string& what, const fs::path& path, int err = errno) {
  throw Error(ErrorCode::SystemError, what + " " + path.string() + ": " + std::strerror(err));
}

void write_all(int fd, const std::string& data, const fs::path& path) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      system_error("cannot write", path);
    }
    done += static_cast<std::size_t>(n);
  }
}

void fsync_dir(const fs::path& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) system_error("cannot open directory", dir);
  if (::fsync(fd.get()) != 0) system_error("cannot fsync directory", dir);
}

// The file's content; nullopt when it does not exist. Throws a message for any other failure.
std::optional<std::string> read_file(const fs::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return std::nullopt;
    system_error("cannot open", path);
  }
  std::string data;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      system_error("cannot read", path);
    }
    if (n == 0) break;
    data.append(buf, static_cast<std::size_t>(n));
    if (data.size() > kMaxStateSize) throw Error(ErrorCode::SystemError, "file is larger than 64 MiB");
  }
  return data;
}

// Parses a state file's content; throws Error with what is wrong.
SwitchConfig parse_state(const std::string& data) {
  if (data.empty()) throw Error(ErrorCode::ParseError, "the file is empty (truncated?)");
  json j;
  try {
    j = json::parse(data);
  } catch (const json::parse_error& e) {
    throw Error(ErrorCode::ParseError, std::string("not valid JSON (truncated?): ") + e.what());
  }
  if (j.is_object()) {
    if (auto v = j.find("version"); v != j.end() && (!v->is_number_integer() || *v != kStateVersion))
      throw Error(ErrorCode::InvalidParams, "unsupported state file version " + v->dump());
  }
  return switch_config_from_json(j);
}

}  // namespace

ConfigStore::ConfigStore(fs::path dir)
    : dir_(std::move(dir)),
      state_(dir_ / "state.json"),
      backup_(dir_ / "state.json.bak"),
      temp_(dir_ / "state.json.tmp") {
  std::error_code ec;
  if (fs::create_directories(dir_, ec)) {
    fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec, ec);
  } else if (ec) {
    throw Error(ErrorCode::SystemError,
                "cannot create state directory " + dir_.string() + ": " + ec.message());
  }
  if (!fs::is_directory(dir_, ec))
    throw Error(ErrorCode::SystemError, "state directory " + dir_.string() + " is not a directory");
}

void ConfigStore::lock() {
  const fs::path path = dir_ / "lock";
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640));
  if (!fd) system_error("cannot open", path);
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK)
      throw Error(ErrorCode::DeviceBusy,
                  "state directory " + dir_.string() + " is in use by another vswitchd");
    system_error("cannot lock", path);
  }
  lock_ = std::move(fd);
}

SwitchConfig ConfigStore::load() {
  source_ = Source::None;
  std::string problem;
  try {
    auto data = read_file(state_);
    if (!data) {
      log::info("no saved configuration at ", state_.string(), ": starting empty");
      return {};
    }
    SwitchConfig config = parse_state(*data);
    source_ = Source::State;
    return config;
  } catch (const std::exception& e) {
    problem = e.what();
  }

  // state.json exists but is unusable: keep it for a person to look at, and use the backup.
  const fs::path aside = state_.string() + ".corrupt";
  std::error_code ec;
  fs::rename(state_, aside, ec);
  log::error("state file ", state_.string(), " is unusable: ", problem, "; moved it to ", aside.string(),
             ec ? " (failed: " + ec.message() + ")" : std::string());
  try {
    auto data = read_file(backup_);
    if (!data) {
      log::error("no backup ", backup_.string(), ": starting with an empty configuration");
      return {};
    }
    SwitchConfig config = parse_state(*data);
    source_ = Source::Backup;
    log::warn("restored the previous configuration from ", backup_.string());
    try {
      save(config);  // state.json is missing now; make the backup current again
    } catch (const std::exception& e) {
      log::error("cannot save the restored configuration: ", e.what());
    }
    return config;
  } catch (const std::exception& e) {
    log::error("backup ", backup_.string(), " is unusable too: ", e.what(),
               "; starting with an empty configuration");
    return {};
  }
}

void ConfigStore::save(const SwitchConfig& config) {
  json j = to_json(config);
  j["version"] = kStateVersion;
  const std::string data = j.dump(2) + "\n";

  {
    UniqueFd fd(::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640));
    if (!fd) system_error("cannot create", temp_);
    write_all(fd.get(), data, temp_);
    if (::fsync(fd.get()) != 0) system_error("cannot fsync", temp_);
    if (::close(fd.release()) != 0) system_error("cannot close", temp_);
  }
  // The current file becomes the backup through a hard link, so state.json never goes missing.
  const fs::path backup_temp = backup_.string() + ".tmp";
  ::unlink(backup_temp.c_str());
  if (::link(state_.c_str(), backup_temp.c_str()) == 0) {
    if (::rename(backup_temp.c_str(), backup_.c_str()) != 0) system_error("cannot rename", backup_temp);
  } else if (errno != ENOENT) {
    system_error("cannot link", state_);
  }
  if (::rename(temp_.c_str(), state_.c_str()) != 0) system_error("cannot rename", temp_);
  fsync_dir(dir_);
}

}  // namespace vswitch
