// Strict reader of a JSON-RPC "params" object. Each accessor takes one named param, checks its
// type and value (bridge and interface names, VLAN IDs, MACs, ranges) and marks it as read;
// finish() then refuses any param no accessor asked for, so a typo ("if_exist") is an error rather
// than silently ignored. Every failure throws Error(InvalidParams) with a message naming the param.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "common/mac.h"
#include "common/vlan.h"

namespace vswitch {

// The value of an integer JSON number, or nullopt for anything else (floats, strings, > INT64_MAX).
std::optional<std::int64_t> as_int(const nlohmann::json& v);

class Params {
 public:
  // `params` is the request's params member, or nullptr when it had none (= no params).
  explicit Params(const nlohmann::json* params);

  std::string bridge(const char* key);
  std::optional<std::string> opt_bridge(const char* key);
  std::string ifname(const char* key);
  std::optional<std::string> opt_ifname(const char* key);
  // true/false; absent = false.
  bool flag(const char* key);
  std::optional<bool> opt_bool(const char* key);
  // A configurable VLAN ID: an integer in 1..4094.
  std::optional<VlanId> opt_vlan(const char* key);
  std::optional<std::uint32_t> opt_u32(const char* key, std::uint32_t lo, std::uint32_t hi);
  std::optional<std::string> opt_string(const char* key);
  MacAddress mac(const char* key);
  // The raw value (any type), for params parsed by a schema of common/config.h.
  const nlohmann::json* opt_raw(const char* key);
  const nlohmann::json& raw(const char* key);

  // Throws for params that were never read.
  void finish() const;

  [[noreturn]] static void fail(const std::string& key, const std::string& what);

 private:
  const nlohmann::json* find(const char* key);

  const nlohmann::json* params_;
  std::set<std::string> read_;
};

}  // namespace vswitch
