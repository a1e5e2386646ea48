#include "common/protocol.h"

#include <catch2/catch.hpp>

using namespace vswitch;
using nlohmann::json;

TEST_CASE("requests, results and errors have the JSON-RPC 2.0 shape", "[protocol]") {
  const json req = protocol::make_request(7, protocol::method::kAddBr, json{{"bridge", "br0"}});
  CHECK(req == json::parse(R"({"jsonrpc":"2.0","id":7,"method":"add-br","params":{"bridge":"br0"}})"));
  CHECK_FALSE(protocol::make_request(1, "list-br").contains("params"));

  const json ok = protocol::make_result("x", json{{"a", 1}});
  CHECK(ok == json::parse(R"({"jsonrpc":"2.0","id":"x","result":{"a":1}})"));

  const json err = protocol::make_error(nullptr, ErrorCode::NoSuchBridge, "no bridge named 'br9'");
  CHECK(err["error"]["code"] == 1);
  CHECK(err["error"]["data"] == "no-such-bridge");
  CHECK(err["id"].is_null());
}

TEST_CASE("to_line never throws on invalid UTF-8 and never contains a newline", "[protocol]") {
  const json j = protocol::make_error(1, ErrorCode::InvalidParams, std::string("bad \xff\xfe name\nx"));
  std::string line;
  REQUIRE_NOTHROW(line = protocol::to_line(j));
  CHECK(line.find('\n') == std::string::npos);
  CHECK(json::parse(line)["error"]["message"].get<std::string>().find("name") != std::string::npos);
}

TEST_CASE("parse_response accepts results and errors", "[protocol]") {
  auto r = protocol::parse_response(R"({"jsonrpc":"2.0","id":1,"result":{"bridges":[]}})");
  CHECK(r.ok());
  CHECK(r.id == 1);
  CHECK(r.result["bridges"].is_array());

  auto e = protocol::parse_response(
      R"({"jsonrpc":"2.0","id":1,"error":{"code":2,"message":"no port named 'x'","data":"no-such-port"}})");
  CHECK_FALSE(e.ok());
  CHECK(e.error_code == 2);
  CHECK(e.error_message == "no port named 'x'");
  CHECK(e.error_name == "no-such-port");
}

TEST_CASE("parse_response rejects what is not a response", "[protocol]") {
  auto code_of = [](std::string_view line) {
    try {
      protocol::parse_response(line);
    } catch (const Error& e) {
      return static_cast<int>(e.code());
    }
    return 0;
  };
  CHECK(code_of("{not json") == static_cast<int>(ErrorCode::ParseError));
  CHECK(code_of("[]") == static_cast<int>(ErrorCode::InvalidRequest));
  CHECK(code_of(R"({"id":1,"result":1})") == static_cast<int>(ErrorCode::InvalidRequest));
  CHECK(code_of(R"({"jsonrpc":"1.0","id":1,"result":1})") == static_cast<int>(ErrorCode::InvalidRequest));
  CHECK(code_of(R"({"jsonrpc":"2.0","result":1})") == static_cast<int>(ErrorCode::InvalidRequest));
  CHECK(code_of(R"({"jsonrpc":"2.0","id":1})") == static_cast<int>(ErrorCode::InvalidRequest));
  CHECK(code_of(R"({"jsonrpc":"2.0","id":1,"result":1,"error":{"code":1,"message":"x"}})") ==
        static_cast<int>(ErrorCode::InvalidRequest));
  CHECK(code_of(R"({"jsonrpc":"2.0","id":1,"error":{"code":"1","message":"x"}})") ==
        static_cast<int>(ErrorCode::InvalidRequest));
  CHECK(code_of(R"({"jsonrpc":"2.0","id":1,"error":{"code":99999999999,"message":"x"}})") ==
        static_cast<int>(ErrorCode::InvalidRequest));
}
