#include "switchd/core/egress.h"

#include <catch2/catch.hpp>

#include "frame_builder.h"

using namespace vswitch;
using namespace vswitch::test;

TEST_CASE("egress composition pushes, keeps and pops tags without copying the payload", "[egress]") {
  Packet p = FrameBuilder(mac(2), mac(4)).tag(10, 3).payload(60).packet();
  p.info = parse_frame(p.frame(), 2000).info;
  EgressFrame keep = compose_egress(p, TxItem{0, true, p.info.tci.raw});
  CHECK(keep.l2_len == 18);
  CHECK(keep.size() == p.size());
  CHECK(keep.payload.data() == p.frame().data() + 18);
  EgressFrame pop = compose_egress(p, TxItem{0, false, 0});
  CHECK(pop.l2_len == 14);
  CHECK(pop.size() == p.size() - 4);
  CHECK(load_be16(&pop.l2[12]) == 0x0800);
  EgressFrame retag = compose_egress(p, TxItem{0, true, Tci::make(20, 1).raw});
  CHECK(load_be16(&retag.l2[12]) == 0x8100);
  CHECK(Tci{load_be16(&retag.l2[14])}.vid() == 20);
}

TEST_CASE("wire size of GSO frames is the segment size", "[egress]") {
  Packet p = FrameBuilder(mac(2), mac(4)).payload(3000).packet();
  p.info = parse_frame(p.frame(), 70000).info;
  p.vnet.gso_type = VirtioNetHdr::kGsoTcpV6;
  p.vnet.hdr_len = 86;
  p.vnet.gso_size = 1000;
  CHECK(egress_wire_size(p, false) == 1086);
  CHECK(egress_wire_size(p, true) == 1090);
  CHECK(compose_egress(p, TxItem{0, true, 5}).wire_size() == 1090);
  p.vnet = {};
  CHECK(egress_wire_size(p, false) == p.size());
}
