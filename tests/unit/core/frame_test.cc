#include "switchd/core/frame.h"

#include <catch2/catch.hpp>

#include "frame_builder.h"
#include "switchd/core/packet.h"

using namespace vswitch;
using namespace vswitch::test;

TEST_CASE("untagged Ethernet II frame", "[frame]") {
  auto bytes = FrameBuilder(mac(0x020000000002), mac(0x020000000001)).ethertype(0x0806).bytes();
  auto r = parse_frame(bytes, 1518);
  REQUIRE(r.ok);
  CHECK(r.info.dst == mac(0x020000000002));
  CHECK(r.info.src == mac(0x020000000001));
  CHECK_FALSE(r.info.tagged);
  CHECK(r.info.ethertype == 0x0806);
  CHECK(r.info.payload_offset == 14);
}

TEST_CASE("802.1Q and 802.1ad outer tags keep VID and priority", "[frame]") {
  auto q = FrameBuilder(mac(2), mac(4)).tag(100, 5).bytes();
  auto r = parse_frame(q, 1522);
  REQUIRE(r.ok);
  CHECK(r.info.tagged);
  CHECK(r.info.tpid == 0x8100);
  CHECK(r.info.tci.vid() == 100);
  CHECK(r.info.tci.pcp() == 5);
  CHECK(r.info.ethertype == 0x0800);
  CHECK(r.info.payload_offset == 18);

  auto ad = FrameBuilder(mac(2), mac(4)).tag(7, 1, kEthTypeQinQ).tag(200).bytes();
  r = parse_frame(ad, 1522);
  REQUIRE(r.ok);
  CHECK(r.info.tpid == 0x88a8);
  CHECK(r.info.tci.vid() == 7);
  CHECK(r.info.ethertype == 0x8100);  // the inner tag is payload
}

TEST_CASE("runts, truncated tags, VID 4095 and oversize frames are dropped with a reason", "[frame]") {
  auto bytes = FrameBuilder(mac(2), mac(4)).tag(10).payload(0).bytes();
  for (std::size_t len = 0; len < 14; ++len) {
    auto r = parse_frame(std::span(bytes.data(), len), 1518);
    CHECK_FALSE(r.ok);
    CHECK(r.reason == DropReason::runt);
  }
  for (std::size_t len = 14; len < 18; ++len) {
    auto r = parse_frame(std::span(bytes.data(), len), 1518);
    CHECK_FALSE(r.ok);
    CHECK(r.reason == DropReason::truncated_tag);
  }
  CHECK(parse_frame(std::span(bytes.data(), 18), 1518).ok);
  auto bad = FrameBuilder(mac(2), mac(4)).tag(4095).bytes();
  CHECK(parse_frame(bad, 1518).reason == DropReason::bad_vlan);
  auto big = FrameBuilder(mac(2), mac(4)).payload(1501).bytes();
  CHECK(parse_frame(big, 1514).reason == DropReason::oversize);
  CHECK(parse_frame(big, 1515).ok);
}

TEST_CASE("re-inserting a stripped tag shifts the offload offsets", "[frame]") {
  auto bytes = FrameBuilder(mac(2), mac(4)).payload(100).bytes();
  Packet p(2048);
  p.assign(bytes);
  p.vnet.flags = VirtioNetHdr::kFlagNeedsCsum;
  p.vnet.csum_start = 34;
  p.vnet.csum_offset = 16;
  p.vnet.gso_type = VirtioNetHdr::kGsoTcpV4;
  p.vnet.hdr_len = 66;
  REQUIRE(p.insert_tag(0x8100, Tci::make(42, 3).raw));
  CHECK(p.size() == bytes.size() + 4);
  auto r = parse_frame(p.frame(), 4096);
  REQUIRE(r.ok);
  CHECK(r.info.tci.vid() == 42);
  CHECK(r.info.tci.pcp() == 3);
  CHECK(r.info.src == mac(4));
  CHECK(p.vnet.csum_start == 38);
  CHECK(p.vnet.hdr_len == 70);
  CHECK(p.vnet.csum_offset == 16);
}
