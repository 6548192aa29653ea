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

import struct

from scapy.all import Ether, IP, UDP, TCP, ICMP, Raw
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
# host1's "tcpdump -i any" (Linux cooked v2): (time, ifindex, packet type, hatype, link address, IP packet)
ANY = []
IFINDEX = {"eth0": 2, "cni0": 3, "flannel-wg": 4, "veth": 5}
POINTS_OF_ANY = ("host1",)
outer_ip_id = {0: 0x3a10, 1: 0x7c42}
counters = {0: 0, 1: 0}


def see(point, t, pkt, outgoing):
    """A sighting at a capture point; host1's also in its any capture (and its pod's on the veth)."""
    packets[point].append((t, pkt))
    host, device = point.split("-", 1)
    if host != "host1":
        return
    if device == "pod":
        # The pod's host-side veth: what the pod sends comes in there (for the bridge's MAC, not the
        # veth's: "other host"), what it gets goes out.
        device, outgoing, t = "veth", not outgoing, t + 0.000002
        if not outgoing:
            ANY.append((t, IFINDEX[device], 3, 1, bytes.fromhex(pkt.src.replace(":", "")), bytes(pkt.payload)))
            return
    if device == "flannel-wg":
        ANY.append((t, IFINDEX[device], 4 if outgoing else 0, 65534, b"", bytes(pkt)))
    else:
        ANY.append((t, IFINDEX[device], 4 if outgoing else 0, 1, bytes.fromhex(pkt.src.replace(":", "")),
                    bytes(pkt.payload)))


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
    see(f"{s['name']}-eth0", t, sent, True)
    see(f"{d['name']}-eth0", t + UNDERLAY, got, False)
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
    see(f"{s['name']}-pod", t, frame, True)
    t += POD_TO_CNI
    see(f"{s['name']}-cni0", t, frame, False)
    t += CNI_TO_WG
    routed = ip.copy()
    routed.ttl -= 1
    del routed.chksum
    routed = IP(bytes(routed))
    see(f"{s['name']}-flannel-wg", t, routed, True)
    t += WG_TO_NIC
    t = transport(src, dst, bytes(routed), t)
    t += NIC_TO_WG
    see(f"{d['name']}-flannel-wg", t, routed, False)
    t += WG_TO_CNI
    delivered = routed.copy()
    delivered.ttl -= 1
    del delivered.chksum
    delivered = Ether(src=d["cni_mac"], dst=d["pod_mac"]) / IP(bytes(delivered))
    see(f"{d['name']}-cni0", t, delivered, True)
    t += CNI_TO_POD
    see(f"{d['name']}-pod", t, delivered, False)
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
    write_any()
    write_multi()
    write_descriptions()


def capture(file, host, device, role, link, name, fmt="pcap", interfaces=None):
    c = dict(file=file, host=host, device=device, role=role, namespace=None, linkType=link, linkTypeName=name,
             format=fmt, writer="make-captures.py (scapy)")
    if interfaces:
        c["interfaces"] = interfaces
    return c


def write_descriptions():
    """scenario.json (what was built) and expected.json (what a correct analysis finds)."""
    hosts = []
    captures = []
    for i, h in enumerate(HOSTS):
        other = HOSTS[1 - i]
        hosts.append(dict(
            name=h["name"], subnet=h["subnet"],
            underlay=dict(device=h["nic"], mac=h["nic_mac"], mtu=1500, kind="veth", address=h["underlay"] + "/24"),
            bridge=dict(device="cni0", mac=h["cni_mac"], mtu=MTU_OVERLAY, kind="bridge", address=h["cni"] + "/24"),
            pod=dict(device="eth0", mac=h["pod_mac"], mtu=MTU_OVERLAY, kind="veth", address=h["pod"] + "/24",
                     gateway=h["cni"], hostVeth=h["veth"], hostVethMtu=MTU_OVERLAY),
            overlay=dict(device="flannel-wg", type="wireguard", address=h["wg"] + "/32", mtu=MTU_OVERLAY,
                         listenPort=PORT, senderIndex=f"0x{h['key_index']:08x}", underlayDevice=h["nic"]),
            routes=[dict(dst=other["subnet"], dev="flannel-wg", scope="link"),
                    dict(dst=h["subnet"], dev="cni0", protocol="kernel", scope="link", prefsrc=h["cni"])],
            wireguardPeers=[dict(endpoint=f"{other['underlay']}:{PORT}", allowedIps=[other["subnet"]])]))
        n = h["name"]
        captures += [capture(f"{n}-pod.pcap", n, "eth0", "pod", 1, "EN10MB"),
                     capture(f"{n}-cni0.pcap", n, "cni0", "bridge", 1, "EN10MB"),
                     capture(f"{n}-flannel-wg.pcap", n, "flannel-wg", "overlay-tun", 101, "RAW"),
                     capture(f"{n}-eth0.pcap", n, "eth0", "underlay", 1, "EN10MB")]
    captures.append(capture("host1-any.pcap", "host1", "any", "any", 276, "LINUX_SLL2"))
    captures.append(capture("host2-multi.pcapng", "host2", "cni0,eth0", "any", 1, "EN10MB", "pcapng",
                            [dict(name="cni0", linkType=1), dict(name="eth0", linkType=1)]))
    traffic = [
        dict(label="ping-1to2", type="icmp-echo", **{"from": "host1-pod"}, src=HOSTS[0]["pod"], dst=HOSTS[1]["pod"],
             count=3, payloadSize=56, ipPacketSize=84, dfSet=True, repliesReceived=3),
        dict(label="ping-2to1", type="icmp-echo", **{"from": "host2-pod"}, src=HOSTS[1]["pod"], dst=HOSTS[0]["pod"],
             count=2, payloadSize=56, ipPacketSize=84, dfSet=True, repliesReceived=2),
        dict(label="tcp-1to2", type="tcp", **{"from": "host1-pod"}, src=HOSTS[0]["pod"], dst=HOSTS[1]["pod"],
             dstPort=8080, srcPort=40100, bytes=120, replyBytes=120, completed=True),
    ]
    scenario = {
        "scenario": "wireguard",
        "description": "flannel wireguard 10.130.0.0/16 over eth0 192.168.130.11/.12 (UDP 51820), cni0 layout; "
                       "built with scapy by make-captures.py, not recorded: the lab's kernel has no WireGuard module",
        "backend": "wireguard", "layout": "cni0", "network": NET, "ipMasq": "off", "offloads": False,
        "mtu": dict(underlay=1500, overlay=MTU_OVERLAY, bridge=MTU_OVERLAY, pod=MTU_OVERLAY),
        "recordedWith": dict(generator="samples/captures/wireguard/make-captures.py", scapy="2.5.0", seed="0x5716"),
        "wireguard": dict(port=PORT, overheadIpv4=60, overheadIpv6=80, padding=16,
                          handshake="initiation host1 -> host2, response host2 -> host1 before any data"),
        "hosts": hosts, "captures": captures, "traffic": traffic,
    }
    order1 = ["host1-pod", "host1-cni0", "host1-flannel-wg", "host1-eth0",
              "host2-eth0", "host2-flannel-wg", "host2-cni0", "host2-pod"]
    order2 = [p.replace("host1", "hostX").replace("host2", "host1").replace("hostX", "host2") for p in order1]
    a, b = HOSTS[0]["pod"], HOSTS[1]["pod"]

    def path(label, direction, packet, points, src, dst):
        return dict(traffic=label, direction=direction, packet=packet, points=points,
                    hops=[dict(point=p, src=src, dst=dst, encapsulated=p.endswith("eth0")) for p in points])
    expected = {
        "scenario": "wireguard",
        "derivedBy": "samples/captures/wireguard/make-captures.py (built, not recorded), checked with tshark",
        "nat": [],
        "mtuEvents": dict(fragNeeded=[], outerFragmentation=False, outerFragmentsAt={}, innerFragmentation=False,
                          innerFragmentsAt={}, mtuMismatch=[]),
        "offloads": dict(enabled=False, superFrames=False, superFramesAt={}, partialChecksums=False,
                         partialChecksumFramesAt={}),
        "paths": [path("ping-1to2", "request", "icmp echo request seq=1", order1, a, b),
                  path("ping-1to2", "reply", "icmp echo reply seq=1", order2, b, a),
                  path("ping-2to1", "request", "icmp echo request seq=1", order2, b, a),
                  path("tcp-1to2", "request", "tcp syn", order1, a, b)],
        "traffic": traffic,
        "wireguard": dict(backend="wireguard", overhead=60, messages=dict(
            host1=dict(handshakeInitiation=1, handshakeResponse=1, transportDataSent=counters[0],
                       transportDataReceived=counters[1]),
            host2=dict(transportDataSent=counters[1], transportDataReceived=counters[0]))),
        "losses": [],
    }
    for name, doc in (("scenario.json", scenario), ("expected.json", expected)):
        with open(name, "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")


def write_any():
    """host1-any.pcap: Linux cooked v2 (link type 276), as tcpdump -i any writes it."""
    ANY.sort(key=lambda x: x[0])
    with PcapWriter("host1-any.pcap", linktype=276, sync=True) as w:
        for ts, ifindex, pkttype, hatype, address, ip in ANY:
            header = struct.pack(">HHIHBB", 0x0800, 0, ifindex, hatype, pkttype, len(address)) + address.ljust(8, b"\0")
            pkt = Raw(header + ip)
            pkt.time = ts
            w.write(pkt)


def write_multi():
    """host2-multi.pcapng: one dumpcap-style pcapng of cni0 (Ethernet) and eth0, nanosecond times."""
    def block(kind, body):
        body += b"\0" * (-len(body) % 4)
        return struct.pack("<II", kind, len(body) + 12) + body + struct.pack("<I", len(body) + 12)

    def option(code, value):
        return struct.pack("<HH", code, len(value)) + value + b"\0" * (-len(value) % 4)

    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
                + option(4, b"make-captures.py (scapy)") + option(0, b""))
    names = ["cni0", "eth0"]
    for name in names:
        out += block(1, struct.pack("<HHI", 1, 0, 262144) + option(2, name.encode()) + option(9, bytes([9]))
                     + option(0, b""))
    merged = [(t, names.index(d), bytes(p)) for d in names for t, p in packets[f"host2-{d}"]]
    merged.sort(key=lambda x: (x[0], x[1]))
    for t, interface, data in merged:
        nanos = round(t * 1e9)
        out += block(6, struct.pack("<IIIII", interface, nanos >> 32, nanos & 0xFFFFFFFF, len(data), len(data)) + data)
    with open("host2-multi.pcapng", "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
