#!/usr/bin/env python3
"""Crafts vxlan-gpe.pcap: VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe-12) on UDP 4790 (issue 16).

With the builders of packets.py, which make-encapsulations.py uses too: plain struct, no
scapy, every byte and checksum written here, the same output on every run. Run it in this directory with /usr/bin/python3; read the file beside tshark
(`tshark -r vxlan-gpe.pcap -T fields -e frame.protocols -e vxlan.vni -e vxlan.next_proto`).
"""
import struct

from packets import *  # noqa: F401,F403 (the shared builders)

# The VXLAN-GPE header: flags R R Ver(2) I P B O, two reserved bytes, the next protocol, the VNI
# and a reserved byte. I and P set unless told otherwise.
I, P, B, O = 0x08, 0x04, 0x02, 0x01
IPV4, IPV6, ETHERNET, NSH, MPLS = 1, 2, 3, 4, 5

def gpe(next_protocol, vni, payload, flags=I | P):
    return struct.pack('!BHBI', flags, 0, next_protocol, vni << 8) + payload

PORT = 4790

# VXLAN-GPE on UDP 4790 between two VTEPs: IPv4, IPv6 and Ethernet inner packets (the three next
# protocols a container overlay carries), MPLS (5, earlier drafts, as OpenBSD and Wireshark keep
# it), an IPv6 underlay, the B (BUM) flag on a broadcast frame, and a next protocol no one
# registers (0x7f), which stays payload.
write('vxlan-gpe.pcap', 1, [
    eth(0x0800, udp4('192.0.2.1', '192.0.2.2', 50001, PORT, gpe(IPV4, 100, ping4('10.10.0.1', '10.10.0.2')))),
    eth(0x0800, udp4('192.0.2.2', '192.0.2.1', 50002, PORT,
        gpe(IPV6, 100, udp6('2001:db8:a::2', '2001:db8:a::1', 4000, 33000, b'answer6')))),
    eth(0x0800, udp4('192.0.2.1', '192.0.2.2', 50003, PORT,
        gpe(ETHERNET, 200, eth(0x0800, udp4('10.20.0.1', '10.20.0.2', 33001, 4000, b'query'))))),
    eth(0x0800, udp4('192.0.2.1', '192.0.2.2', 50004, PORT,
        gpe(MPLS, 300, label(16, bottom=True) + ping4('10.30.0.1', '10.30.0.2')))),
    eth(0x86dd, udp6('2001:db8::1', '2001:db8::2', 50005, PORT, gpe(IPV4, 400, ping4('10.40.0.1', '10.40.0.2')))),
    eth(0x0800, udp4('192.0.2.1', '192.0.2.2', 50006, PORT,
        gpe(ETHERNET, 200, eth(0x0806, bytes.fromhex('0001080006040001') + MAC_A + ip4('10.20.0.1')
            + bytes(6) + ip4('10.20.0.9'), dst=b'\xff' * 6), flags=I | P | B))),
    eth(0x0800, udp4('192.0.2.1', '192.0.2.2', 50007, PORT, gpe(0x7f, 500, b'unknown next protocol'))),
])
