#!/usr/bin/python3
"""Writes the hand-made seed corpora of tests/fuzz/corpus/{frame,rpc}/ (run from anywhere).

frame: inputs in frame_fuzzer.cc's record format (variant byte, then ctrl, length, [virtio-net
header], [auxdata TCI], frame) holding valid frames of each kind, tagged, untagged, 802.1ad, priority
tagged, runts, truncated tags, link-local and multicast sources, jumbo and GSO frames.
rpc: one request line per file, every method with valid and invalid params.
Seeds found by the fuzzers themselves (crashes that were fixed) live next to these, named crash-*.
"""
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


A, B, C = mac("52:54:00:00:00:0a"), mac("52:54:00:00:00:0b"), mac("52:54:00:00:00:0c")
BCAST = mac("ff:ff:ff:ff:ff:ff")


def eth(dst, src, etype, payload=b"", tags=()):
    out = dst + src
    for tpid, tci in tags:
        out += struct.pack("!HH", tpid, tci)
    return out + struct.pack("!H", etype) + payload


ARP = bytes(28)
IP = bytes([0x45, 0, 0, 84]) + bytes(80)
TCP = bytes([0x45, 0, 0x05, 0xdc, 0, 0, 0x40, 0, 64, 6]) + bytes(10) + bytes(1480)


def rec(port, frame, end=False, clock=0, vnet=None, aux_tci=None):
    ctrl = port | (0x20 if end else 0) | (clock << 6)
    extra = b""
    if vnet is not None:
        ctrl |= 0x08
        extra += struct.pack("<BBHHHH", *vnet)
    if aux_tci is not None:
        ctrl |= 0x10
        tpid_sel, tci = aux_tci if isinstance(aux_tci, tuple) else (0, aux_tci)
        extra += struct.pack("!BH", tpid_sel, tci)
    return bytes([ctrl]) + struct.pack("!H", len(frame)) + extra + frame


def write(kind, name, data):
    d = os.path.join(HERE, "corpus", kind)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def frames():
    v = bytes([0x06])  # FDB limit 8192, any frame size
    write("frame", "untagged-arp-then-reply",
          v + rec(0, eth(BCAST, A, 0x0806, ARP), True) + rec(1, eth(A, B, 0x0806, ARP), True)
          + rec(0, eth(B, A, 0x0800, IP), True))
    write("frame", "dot1q-trunk-to-access",
          v + rec(2, eth(BCAST, C, 0x0800, IP, [(0x8100, 10)]), True) + rec(1, eth(C, B, 0x0800, IP), True)
          + rec(2, eth(B, C, 0x0800, IP, [(0x8100, 0xa00a)]), True))
    write("frame", "qinq-8021ad-default-port",
          v + rec(0, eth(BCAST, A, 0x0800, IP, [(0x88a8, 20), (0x8100, 100)]), True)
          + rec(3, eth(A, C, 0x8100, struct.pack("!HH", 100, 0x0800) + IP, [(0x88a8, 20)]), True))
    write("frame", "priority-tagged-access",
          v + rec(1, eth(BCAST, B, 0x0800, IP, [(0x8100, 0xe000)]), True))
    write("frame", "native-untagged-and-tagged",
          v + rec(4, eth(BCAST, A, 0x0800, IP), False) + rec(4, eth(BCAST, A, 0x0800, IP, [(0x8100, 20)]), True)
          + rec(3, eth(BCAST, B, 0x0800, IP), True))
    write("frame", "bad-frames",
          v + rec(0, b"\x01\x02\x03", False) + rec(0, eth(BCAST, A, 0x0800)[:14], False)
          + rec(0, eth(BCAST, A, 0x8100)[:15], False) + rec(0, eth(BCAST, A, 0x0800, IP, [(0x8100, 4095)]), False)
          + rec(0, eth(mac("01:80:c2:00:00:00"), A, 0x0027, bytes(40)), False)
          + rec(0, eth(B, mac("01:00:5e:00:00:01"), 0x0800, IP), False)
          + rec(0, eth(B, bytes(6), 0x0800, IP), True))
    write("frame", "multicast-and-isolated",
          v + rec(5, eth(mac("01:00:5e:00:00:fb"), A, 0x0800, IP), True)
          + rec(4, eth(mac("33:33:00:00:00:01"), B, 0x86dd, bytes(60)), True))
    write("frame", "jumbo-over-mtu",
          v + rec(3, eth(BCAST, A, 0x0800, bytes(8986), [(0x8100, 20)]), True)
          + rec(0, eth(BCAST, A, 0x0800, bytes(1600)), True))
    # GSO TCPv4 super-frame with checksum offload: csum_start 34, csum_offset 16, hdr_len 54, gso 1448.
    write("frame", "gso-tcp-vnet",
          v + rec(0, eth(BCAST, A, 0x0800, TCP), True, vnet=(1, 1, 54, 1448, 34, 16))
          + rec(2, eth(A, C, 0x0800, TCP, [(0x8100, 10)]), True, vnet=(1, 4, 58, 1448, 38, 16))
          + rec(1, eth(C, B, 0x0800, TCP), True, vnet=(1, 0, 0, 0, 34, 16)))
    write("frame", "auxdata-tag-reinsert",
          v + rec(2, eth(BCAST, C, 0x0800, IP), True, aux_tci=20)
          + rec(0, eth(BCAST, C, 0x0800, IP), True, aux_tci=(1, 0x2005), vnet=(1, 0, 0, 0, 34, 16)))
    flood = bytes([0x02])  # FDB limit 4
    for i in range(40):
        flood += rec(1 if i % 2 else 0, eth(BCAST, bytes([2, 0, 0, 0, 0, i]), 0x0800, IP), i % 8 == 7,
                     clock=3 if i == 30 else 1)
    write("frame", "mac-flood-small-fdb", flood)
    write("frame", "max-len-64", bytes([0x18]) + rec(0, eth(BCAST, A, 0x0800, IP), True)
          + rec(0, eth(BCAST, A, 0x0800, bytes(46)), True))


def req(method, params=None, rid=1):
    r = {"jsonrpc": "2.0", "id": rid, "method": method}
    if params is not None:
        r["params"] = params
    return json.dumps(r)


def rpcs():
    port = {"name": "vnet0", "vlan_mode": "access", "tag": 10}
    seeds = {
        "add-br": req("add-br", {"bridge": "br0"}),
        "add-br-settings": req("add-br", {"bridge": "br1", "ageing_time": 30, "fdb_max": 16, "may_exist": True}),
        "add-br-bad-name": req("add-br", {"bridge": "a/b"}),
        "add-br-bad-fdb": req("add-br", {"bridge": "br2", "fdb_max": 0}),
        "add-br-typo": req("add-br", {"bridge": "br2", "may_exit": True}),
        "del-br": req("del-br", {"bridge": "br1", "if_exists": True}),
        "del-br-missing": req("del-br", {"bridge": "nope"}),
        "list-br": req("list-br"),
        "set-br": req("set-br", {"bridge": "br0", "fdb_max": 8, "ageing_time": 10}),
        "set-br-bad": req("set-br", {"bridge": "br0", "ageing_time": -1}),
        "add-port-access": req("add-port", {"bridge": "br0", "port": port}),
        "add-port-trunk": req("add-port", {"bridge": "br0", "port": {"name": "vnet1", "type": "tap",
                                                                      "vlan_mode": "trunk", "trunks": "10,20-30"}}),
        "add-port-native": req("add-port", {"bridge": "br0", "port": {
            "name": "tap1", "type": "system", "vlan_mode": "native-tagged", "tag": 5, "trunks": "5-7",
            "learning": False, "flood": False, "mcast_flood": False, "isolated": True, "hairpin": True,
            "mac_limit": 3, "transient": True}, "may_exist": True}),
        "add-port-not-allowed": req("add-port", {"bridge": "br0", "port": {"name": "eth10"}}),
        "add-port-bad-vlan": req("add-port", {"bridge": "br0", "port": {"name": "vnet2", "vlan_mode": "access",
                                                                         "tag": 4095}}),
        "add-port-bad-trunks": req("add-port", {"bridge": "br0", "port": {"name": "vnet2", "vlan_mode": "trunk",
                                                                           "trunks": "30-10"}}),
        "del-port": req("del-port", {"bridge": "br0", "port": "vnet1"}),
        "del-port-if-exists": req("del-port", {"port": "vnet9", "if_exists": True}),
        "list-ports": req("list-ports", {"bridge": "br0"}),
        "set-port": req("set-port", {"port": "vnet0", "learning": False, "mac_limit": 2, "isolated": True}),
        "set-port-vlan": req("set-port", {"port": "vnet0", "vlan": {"vlan_mode": "native-untagged", "tag": 3,
                                                                    "trunks": "1-100"}}),
        "set-port-trunks": req("set-port", {"port": "vnet0", "trunks": "10,20", "native": 7,
                                            "native_tagged": True}),
        "set-port-native-zero": req("set-port", {"port": "vnet0", "native": 0}),
        "set-port-conflict": req("set-port", {"port": "vnet0", "vlan": {"vlan_mode": "trunk"}, "trunks": "1"}),
        "show": req("show"),
        "show-bridge": req("show", {"bridge": "br0"}),
        "fdb-show": req("fdb-show", {"bridge": "br0", "vlan": 10, "port": "vnet0"}),
        "fdb-flush": req("fdb-flush", {"bridge": "br0"}),
        "fdb-add": req("fdb-add", {"bridge": "br0", "mac": "52:54:00:12:34:56", "port": "vnet0", "vlan": 10}),
        "fdb-add-bad-mac": req("fdb-add", {"bridge": "br0", "mac": "52:54:00:12:34", "port": "vnet0"}),
        "fdb-del": req("fdb-del", {"bridge": "br0", "mac": "52:54:00:12:34:56", "vlan": 10}),
        "stats": req("stats"),
        "stats-port": req("stats", {"target": "vnet0"}),
        "version": req("version", rid="x"),
        "notification": json.dumps({"jsonrpc": "2.0", "method": "list-br"}),
        "unknown-method": req("frobnicate", {}),
        "params-array": req("show", [1, 2]),
        "bad-jsonrpc": json.dumps({"jsonrpc": "1.0", "id": 1, "method": "show"}),
        "bad-id": json.dumps({"jsonrpc": "2.0", "id": [1], "method": "show"}),
        "batch": "[" + req("show") + "]",
        "deep": "[" * 40 + "]" * 40,
        "not-json": "{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ",
        "big-int": req("set-br", {"bridge": "br0", "fdb_max": 18446744073709551615}),
        "float": req("set-port", {"port": "vnet0", "mac_limit": 1.5}),
    }
    for name, line in seeds.items():
        write("rpc", name, line.encode())


frames()
rpcs()
