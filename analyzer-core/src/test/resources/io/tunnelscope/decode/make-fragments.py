#!/usr/bin/python3
"""Writes fragments.pcap: IP fragments for the reassembler, checked against tshark's ip.defragment:
VXLAN in an IPv4 underlay split in two (in order) and in three (last fragment first, one fragment
twice), VXLAN in an IPv6 underlay split by a fragment header, an inner IPv4 packet split inside two
VXLAN packets, and a datagram whose middle fragment never comes. Fixed times, the same file on
every run:

    /usr/bin/python3 make-fragments.py fragments.pcap
"""
import sys
from scapy.all import Ether, IP, IPv6, IPv6ExtHdrFragment, UDP, ICMP, TCP, Raw, fragment, fragment6, wrpcap
from scapy.layers.vxlan import VXLAN

packets = []
clock = [1_700_000_100.0]


def add(pkt):
    clock[0] += 0.0001
    pkt.time = clock[0]
    packets.append(pkt)


def inner(n, size):
    return (Ether(src="02:00:00:00:02:01", dst="02:00:00:00:02:02")
            / IP(src="10.244.1.2", dst="10.244.2.3", id=n, flags="DF") / ICMP(id=7, seq=n) / Raw(b"p" * size))


def vxlan4(payload, ident):
    return (IP(src="192.168.1.1", dst="192.168.1.2", id=ident)
            / UDP(sport=40100, dport=8472) / VXLAN(vni=1, flags=0x08) / payload)


def eth(p):
    return Ether(src="02:00:00:00:01:01", dst="02:00:00:00:01:02") / p


# 1. Two fragments, in order.
for f in fragment(vxlan4(inner(1, 1400), 0x1001), fragsize=1376):
    add(eth(f))
# 2. Three fragments: last first, then the first twice, then the middle one.
frags = fragment(vxlan4(inner(2, 1600), 0x1002), fragsize=600)
for f in (frags[2], frags[0], frags[0], frags[1]):
    add(eth(f))
# 3. IPv6 underlay with a fragment header.
v6 = (IPv6(src="fd00::1", dst="fd00::2") / IPv6ExtHdrFragment(id=0x2003)
      / UDP(sport=40101, dport=8472) / VXLAN(vni=2, flags=0x08) / inner(3, 1400))
for f in fragment6(v6, 1280):
    add(Ether(src="02:00:00:00:01:01", dst="02:00:00:00:01:02", type=0x86dd) / f)
# 4. An inner packet split in two, each fragment in a VXLAN packet of its own.
big = IP(src="10.244.1.2", dst="10.244.2.3", id=0x3004) / TCP(sport=40000, dport=80, flags="PA") / Raw(b"d" * 1800)
for k, f in enumerate(fragment(big, fragsize=1000)):
    add(eth(vxlan4(Ether(src="02:00:00:00:02:01", dst="02:00:00:00:02:02") / f, 0x1100 + k)))
# 5. A datagram whose middle fragment is lost.
frags = fragment(vxlan4(inner(5, 1600), 0x1005), fragsize=600)
for f in (frags[0], frags[2]):
    add(eth(f))
# 6. After them, an unfragmented packet.
add(eth(vxlan4(inner(6, 100), 0x1006)))
wrpcap(sys.argv[1], packets)
