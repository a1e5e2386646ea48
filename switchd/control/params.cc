#include "switchd/control/params.h"

#include <cstdint>

#include "common/config.h"
#include "common/error.h"
#include "common/ifname.h"
#include "common/protocol.h"

namespace vswitch {

using nlohmann::json;

namespace {

// A short rendering of a bad value for an error message: never the whole 1 MiB string.
std::string shown(const json& v) {
  std::string s = protocol::to_line(v);
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

}  // namespace

std::optional<std::int64_t> as_int(const json& v) {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (v.is_number_integer()) return v.get<std::int64_t>();
  return std::nullopt;
}

Params::Params(const json* params) : params_(params) {
  if (params_ && !params_->is_object()) throw Error(ErrorCode::InvalidParams, "params must be a JSON object");
}

void Params::fail(const std::string& key, const std::string& what) {
  throw Error(ErrorCode::InvalidParams, "param '" + key + "' " + what);
}

const json* Params::find(const char* key) {
  read_.insert(key);
  if (!params_) return nullptr;
  auto it = params_->find(key);
  return it == params_->end() ? nullptr : &*it;
}

const json* Params::opt_raw(const char* key) { return find(key); }

const json& Params::raw(const char* key) {
  const json* v = find(key);
  if (!v) fail(key, "is missing");
  return *v;
}

std::optional<std::string> Params::opt_string(const char* key) {
  const json* v = find(key);
  if (!v) return std::nullopt;
  if (!v->is_string()) fail(key, "must be a string, not " + shown(*v));
  return v->get<std::string>();
}

std::optional<std::string> Params::opt_ifname(const char* key) {
  auto name = opt_string(key);
  if (name) {
    if (auto why = validate_ifname(*name); !why.empty()) fail(key, "is invalid: " + why);
  }
  return name;
}

std::string Params::ifname(const char* key) {
  auto name = opt_ifname(key);
  if (!name) fail(key, "is missing");
  return *name;
}

std::optional<std::string> Params::opt_bridge(const char* key) {
  auto name = opt_string(key);
  if (name) {
    if (auto why = validate_bridge_name(*name); !why.empty()) fail(key, "is invalid: " + why);
  }
  return name;
}

std::string Params::bridge(const char* key) {
  auto name = opt_bridge(key);
  if (!name) fail(key, "is missing");
  return *name;
}

std::optional<bool> Params::opt_bool(const char* key) {
  const json* v = find(key);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) fail(key, "must be true or false, not " + shown(*v));
  return v->get<bool>();
}

bool Params::flag(const char* key) { return opt_bool(key).value_or(false); }

std::optional<std::uint32_t> Params::opt_u32(const char* key, std::uint32_t lo, std::uint32_t hi) {
  const json* v = find(key);
  if (!v) return std::nullopt;
  const std::string range = std::to_string(lo) + ".." + std::to_string(hi);
  const auto n = as_int(*v);
  if (!n) fail(key, "must be an integer in " + range + ", not " + shown(*v));
  if (*n < lo || *n > hi) fail(key, "must be in " + range + ", not " + shown(*v));
  return static_cast<std::uint32_t>(*n);
}

std::optional<VlanId> Params::opt_vlan(const char* key) {
  const json* v = find(key);
  if (!v) return std::nullopt;
  const auto n = as_int(*v);
  if (!n || !is_valid_vlan(*n)) fail(key, "must be a VLAN ID (an integer in 1..4094), not " + shown(*v));
  return static_cast<VlanId>(*n);
}

MacAddress Params::mac(const char* key) {
  const json* v = find(key);
  if (!v) fail(key, "is missing");
  if (!v->is_string()) fail(key, "must be a MAC address string like \"52:54:00:12:34:56\", not " + shown(*v));
  auto mac = MacAddress::parse(v->get<std::string>());
  if (!mac) fail(key, "is not a MAC address (want xx:xx:xx:xx:xx:xx): " + shown(*v));
  return *mac;
}

void Params::finish() const {
  if (!params_) return;
  for (auto it = params_->begin(); it != params_->end(); ++it)
    if (!read_.contains(it.key())) fail(it.key(), "is not a param of this method");
}

}  // namespace vswitch
