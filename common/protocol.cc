#include "common/protocol.h"

#include <cstdint>

namespace vswitch::protocol {

using nlohmann::json;

json make_request(const json& id, std::string_view method, json params) {
  json j{{"jsonrpc", kJsonRpcVersion}, {"id", id}, {"method", method}};
  if (!params.is_null()) j["params"] = std::move(params);
  return j;
}

json make_result(const json& id, json result) {
  return json{{"jsonrpc", kJsonRpcVersion}, {"id", id}, {"result", std::move(result)}};
}

json make_error(const json& id, ErrorCode code, std::string_view message) {
  return json{
      {"jsonrpc", kJsonRpcVersion},
      {"id", id},
      {"error", {{"code", static_cast<int>(code)}, {"message", message}, {"data", error_name(code)}}}};
}

std::string to_line(const json& message) {
  return message.dump(-1, ' ', false, json::error_handler_t::replace);
}

Response parse_response(std::string_view line) {
  json j = json::parse(line, nullptr, false);
  if (j.is_discarded()) throw Error(ErrorCode::ParseError, "response is not valid JSON");
  auto bad = [](const std::string& what) {
    throw Error(ErrorCode::InvalidRequest, "malformed response: " + what);
  };
  if (!j.is_object()) bad("not a JSON object");
  auto version = j.find("jsonrpc");
  if (version == j.end() || *version != kJsonRpcVersion) bad("'jsonrpc' is not \"2.0\"");
  auto id = j.find("id");
  if (id == j.end()) bad("no 'id'");
  Response r;
  r.id = *id;
  const bool has_result = j.contains("result");
  auto error = j.find("error");
  if (has_result == (error != j.end())) bad("needs exactly one of 'result' and 'error'");
  if (has_result) {
    r.result = j["result"];
    return r;
  }
  if (!error->is_object()) bad("'error' is not an object");
  auto code = error->find("code");
  auto message = error->find("message");
  if (code == error->end() || !code->is_number_integer() || code->get<std::int64_t>() < INT32_MIN ||
      code->get<std::int64_t>() > INT32_MAX)
    bad("'error.code' is not a 32-bit integer");
  if (message == error->end() || !message->is_string()) bad("'error.message' is not a string");
  r.error_code = code->get<int>();
  if (r.error_code == 0) bad("'error.code' is 0");
  r.error_message = message->get<std::string>();
  if (auto data = error->find("data"); data != error->end() && data->is_string())
    r.error_name = data->get<std::string>();
  return r;
}

}  // namespace vswitch::protocol
