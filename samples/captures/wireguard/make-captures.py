#!/usr/bin/python3
"""Builds the wireguard scenario's captures with scapy (python3-scapy), by hand: the kernel the lab
runs on has no WireGuard module, so nothing here was recorded. Deterministic (seeded); re-run with
`python3 make-captures.py` in this directory to rewrite the .pcap files and scenario.json /
expected.json.

Two hosts, flannel's wireguard backend (10.130.0.0/16, cni0 layout, MTU 1420 in the overlay):
every inner packet is written at pod eth0 -> cni0 -> flannel-wg (raw IP, link type 101) ->
encrypted on eth0 (UDP 51820 <-> 51820) -> eth0 -> flannel-wg -> cni0 -> pod eth0. WireGuard
messages are RFC-exact in layout (whitepaper section 5.4: type, three reserved zero bytes,
little-endian indexes and counter; initiation 148 bytes, response 92, transport data 16 + the
inner packet zero-padded to a multiple of 16 + the 16-byte tag); the keys, MACs and the
ciphertext are random bytes of a seeded generator, so no tool can decrypt them.
"""
import json
import random

from scapy.all import Ether, IP, UDP, TCP, ICMP, Raw, wrpcap, PcapWriter  # noqa: F401
from scapy.utils import PcapWriter

random.seed(0x5716)

BASE = 1764921600.0  # 2025-12-05 08:00:00 UTC
NET = "10.130.0.0/16"
HOSTS = [
    dict(name="host1", nic="eth0", nic_mac="52:54:00:82:00:0b", underlay="192.168.130.11",
         subnet="10.130.1.0/24", wg="10.130.1.0", cni_mac="0a:58:0a:82:01:01", cni="10.130.1.1",
         pod="10.130.1.2", pod_mac="0a:58:0a:82:01:02", veth="veth1a2b3c4d", key_index=0x5C3A91E2),
    dict(name="host2", nic="eth0", nic_mac="52:54:00:82:00:0c", underlay="192.168.130.12",
         subnet="10.130.2.0/24", wg="10.130.2.0", cni_mac="0a:58:0a:82:02:01", cni="10.130.2.1",
         pod="10.130.2.2", pod_mac="0a:58:0a:82:02:02", veth="veth5e6f7a8b", key_index=0x8D17F0A4),
]
MTU_OVERLAY = 1420
PORT = 51820

# Per-hop delays (seconds): within a host tens of microseconds, the underlay about 0.3 ms.
POD_TO_CNI = 0.000008
CNI_TO_WG = 0.000031
WG_TO_NIC = 0.000046   # encryption
UNDERLAY = 0.000297
NIC_TO_WG = 0.000038   # decryption
WG_TO_CNI = 0.000019
CNI_TO_POD = 0.000007

packets = {f"{h['name']}-{d}": [] for h in HOSTS for d in ("pod", "cni0", "flannel-wg", "eth0")}
outer_ip_id = {0: 0x3a10, 1: 0x7c42}
counters = {0: 0, 1: 0}


def le32(v):
    return v.to_bytes(4, "little")


def le64(v):
    return v.to_bytes(8, "little")


def rand(n):
    return bytes(random.getrandbits(8) for _ in range(n))


def outer(src, dst, message, t):
    """The UDP packet carrying a WireGuard message from host index src to dst, sent at t."""
    s, d = HOSTS[src], HOSTS[dst]
    outer_ip_id[src] = (outer_ip_id[src] + 1) & 0xffff
    pkt = IP(src=s["underlay"], dst=d["underlay"], ttl=64, id=outer_ip_id[src], flags=0) / \
        UDP(sport=PORT, dport=PORT) / Raw(message)
    pkt = IP(bytes(pkt))  # checksums computed
    sent = Ether(src=s["nic_mac"], dst=d["nic_mac"]) / pkt
    got = Ether(src=s["nic_mac"], dst=d["nic_mac"]) / pkt
    packets[f"{s['name']}-eth0"].append((t, sent))
    packets[f"{d['name']}-eth0"].append((t + UNDERLAY, got))
    return t + UNDERLAY


def handshake(t):
    h1, h2 = HOSTS
    initiation = bytes([1, 0, 0, 0]) + le32(h1["key_index"]) + rand(32) + rand(48) + rand(28) + rand(16) + bytes(16)
    assert len(initiation) == 148
    t2 = outer(0, 1, initiation, t)
    response = bytes([2, 0, 0, 0]) + le32(h2["key_index"]) + le32(h1["key_index"]) + rand(32) + rand(16) \
        + rand(16) + bytes(16)
    assert len(response) == 92
    outer(1, 0, response, t2 + 0.000412)


def transport(src, dst, inner, t):
    """Encrypts (by shape) inner from host src to dst: padded to 16, a tag of 16, the 16-byte header."""
    receiver = HOSTS[dst]["key_index"]
    plain = len(inner)
    padded = (plain + 15) // 16 * 16
    message = bytes([4, 0, 0, 0]) + le32(receiver) + le64(counters[src]) + rand(padded) + rand(16)
    counters[src] += 1
    return outer(src, dst, message, t)


def journey(src, dst, inner, t):
    """One inner IP packet from pod of host src to pod of host dst, leaving the pod at t."""
    s, d = HOSTS[src], HOSTS[dst]
    ip = IP(bytes(inner))
    assert ip.len <= MTU_OVERLAY
    frame = Ether(src=s["pod_mac"], dst=s["cni_mac"]) / ip
    packets[f"{s['name']}-pod"].append((t, frame))
    t += POD_TO_CNI
    packets[f"{s['name']}-cni0"].append((t, frame))
    t += CNI_TO_WG
    routed = ip.copy()
    routed.ttl -= 1
    del routed.chksum
    routed = IP(bytes(routed))
    packets[f"{s['name']}-flannel-wg"].append((t, routed))
    t += WG_TO_NIC
    t = transport(src, dst, bytes(routed), t)
    t += NIC_TO_WG
    packets[f"{d['name']}-flannel-wg"].append((t, routed))
    t += WG_TO_CNI
    delivered = routed.copy()
    delivered.ttl -= 1
    del delivered.chksum
    delivered = Ether(src=d["cni_mac"], dst=d["pod_mac"]) / IP(bytes(delivered))
    packets[f"{d['name']}-cni0"].append((t, delivered))
    t += CNI_TO_POD
    packets[f"{d['name']}-pod"].append((t, delivered))
    return t


def main():
    h1, h2 = HOSTS
    t = BASE + 0.1
    handshake(t)
    # ping pod1 -> pod2, 3 times a second apart; the reply leaves pod2 51 us after the request arrived.
    ident = 0x2b41
    ip_id1, ip_id2 = 0x9c01, 0x4e20
    for seq in range(1, 4):
        start = BASE + seq * 1.0
        payload = bytes(range(0x10, 0x10 + 8)) + bytes((i % 256) for i in range(48))
        request = IP(src=h1["pod"], dst=h2["pod"], ttl=64, id=ip_id1, flags="DF") / \
            ICMP(type=8, id=ident, seq=seq) / Raw(payload)
        ip_id1 += 1
        arrived = journey(0, 1, request, start)
        reply = IP(src=h2["pod"], dst=h1["pod"], ttl=64, id=ip_id2, flags=0) / \
            ICMP(type=0, id=ident, seq=seq) / Raw(payload)
        ip_id2 += 1
        journey(1, 0, reply, arrived + 0.000051)
    # ping pod2 -> pod1, twice.
    ident2 = 0x11d7
    for seq in range(1, 3):
        start = BASE + 3.5 + seq * 1.0
        payload = bytes(range(0x20, 0x20 + 56))
        request = IP(src=h2["pod"], dst=h1["pod"], ttl=64, id=ip_id2, flags="DF") / \
            ICMP(type=8, id=ident2, seq=seq) / Raw(payload)
        ip_id2 += 1
        arrived = journey(1, 0, request, start)
        reply = IP(src=h1["pod"], dst=h2["pod"], ttl=64, id=ip_id1, flags=0) / \
            ICMP(type=0, id=ident2, seq=seq) / Raw(payload)
        ip_id1 += 1
        journey(0, 1, reply, arrived + 0.000049)
    # A small TCP exchange pod1:40100 -> pod2:8080: handshake, 120 bytes each way, close.
    c, s = 40100, 8080
    cseq, sseq = 1000001, 5000001
    start = BASE + 6.2
    data1 = b"GET /healthz HTTP/1.1\r\nHost: 10.130.2.2:8080\r\nUser-Agent: tunnelscope-sample\r\n\r\n"
    data1 += b"x" * (120 - len(data1))
    data2 = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"
    data2 += b"\n" * (120 - len(data2))
    opts = [("MSS", 1380), ("SAckOK", b""), ("Timestamp", (100, 0)), ("NOP", None), ("WScale", 7)]
    steps = [
        (0, "S", cseq, 0, b"", opts),
        (1, "SA", sseq, cseq + 1, b"", [("MSS", 1380), ("SAckOK", b""), ("Timestamp", (200, 100)), ("NOP", None), ("WScale", 7)]),
        (0, "A", cseq + 1, sseq + 1, b"", [("NOP", None), ("NOP", None), ("Timestamp", (101, 200))]),
        (0, "PA", cseq + 1, sseq + 1, data1, [("NOP", None), ("NOP", None), ("Timestamp", (101, 200))]),
        (1, "A", sseq + 1, cseq + 1 + len(data1), b"", [("NOP", None), ("NOP", None), ("Timestamp", (201, 101))]),
        (1, "PA", sseq + 1, cseq + 1 + len(data1), data2, [("NOP", None), ("NOP", None), ("Timestamp", (202, 101))]),
        (0, "A", cseq + 1 + len(data1), sseq + 1 + len(data2), b"", [("NOP", None), ("NOP", None), ("Timestamp", (102, 202))]),
        (0, "FA", cseq + 1 + len(data1), sseq + 1 + len(data2), b"", [("NOP", None), ("NOP", None), ("Timestamp", (103, 202))]),
        (1, "FA", sseq + 1 + len(data2), cseq + 2 + len(data1), b"", [("NOP", None), ("NOP", None), ("Timestamp", (203, 103))]),
        (0, "A", cseq + 2 + len(data1), sseq + 2 + len(data2), b"", [("NOP", None), ("NOP", None), ("Timestamp", (104, 203))]),
    ]
    t = start
    for side, flags, seq, ack, data, options in steps:
        if side == 0:
            pkt = IP(src=h1["pod"], dst=h2["pod"], ttl=64, id=ip_id1, flags="DF") / \
                TCP(sport=c, dport=s, flags=flags, seq=seq, ack=ack, window=502, options=options) / Raw(data)
            ip_id1 += 1
        else:
            pkt = IP(src=h2["pod"], dst=h1["pod"], ttl=64, id=ip_id2, flags="DF") / \
                TCP(sport=s, dport=c, flags=flags, seq=seq, ack=ack, window=502, options=options) / Raw(data)
            ip_id2 += 1
        if not data:
            pkt = pkt[IP].copy()
            pkt[TCP].remove_payload()
        t = journey(side, 1 - side, pkt, t) + 0.000060

    for point, items in packets.items():
        items.sort(key=lambda x: x[0])
        linktype = 101 if point.endswith("flannel-wg") else 1
        with PcapWriter(point + ".pcap", linktype=linktype, sync=True) as w:
            for ts, pkt in items:
                pkt.time = ts
                w.write(pkt)


if __name__ == "__main__":
    main()
