#!/usr/bin/env python3
"""Crafts vxlan-gpe.pcap: VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe-12) on UDP 4790 (issue 16).

In the style of make-encapsulations.py (its helpers, repeated here so that each script stands
alone): plain struct, no scapy, every byte and checksum written here, the same output on every
run. Run it in this directory with /usr/bin/python3; read the file beside tshark
(`tshark -r vxlan-gpe.pcap -T fields -e frame.protocols -e vxlan.vni -e vxlan.next_proto`).
"""
import ipaddress
import struct

def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def ip4(a):
    return bytes(int(x) for x in a.split('.'))

def ip6(a):
    return ipaddress.IPv6Address(a).packed

def ipv4(src, dst, proto, payload, ident=1, ttl=64):
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), ident, 0, ttl, proto, 0, ip4(src), ip4(dst))
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return h + payload

def ipv6(src, dst, nh, payload, hlim=64):
    return struct.pack('!IHBB16s16s', 0x60000000, len(payload), nh, hlim, ip6(src), ip6(dst)) + payload

def pseudo4(src, dst, proto, length):
    return ip4(src) + ip4(dst) + struct.pack('!BBH', 0, proto, length)

def pseudo6(src, dst, nh, length):
    return ip6(src) + ip6(dst) + struct.pack('!IxxxB', length, nh)

def udp(sport, dport, payload, pseudo):
    h = struct.pack('!HHHH', sport, dport, 8 + len(payload), 0)
    c = csum(pseudo(8 + len(payload)) + h + payload) or 0xffff
    return h[:6] + struct.pack('!H', c) + payload

def udp4(src, dst, sport, dport, payload):
    return ipv4(src, dst, 17, udp(sport, dport, payload, lambda n: pseudo4(src, dst, 17, n)))

def udp6(src, dst, sport, dport, payload):
    return ipv6(src, dst, 17, udp(sport, dport, payload, lambda n: pseudo6(src, dst, 17, n)))

def icmp_echo(ident, seq, data=b'abcdefgh'):
    h = struct.pack('!BBHHH', 8, 0, 0, ident, seq) + data
    return h[:2] + struct.pack('!H', csum(h)) + h[4:]

def icmp6_echo(src, dst, ident, seq, data=b'abcdefgh'):
    h = struct.pack('!BBHHH', 128, 0, 0, ident, seq) + data
    c = csum(pseudo6(src, dst, 58, len(h)) + h)
    return h[:2] + struct.pack('!H', c) + h[4:]

def ping4(src, dst, ident=1, seq=1):
    return ipv4(src, dst, 1, icmp_echo(ident, seq))

def ping6(src, dst, ident=1, seq=1):
    return ipv6(src, dst, 58, icmp6_echo(src, dst, ident, seq))

MAC_A = bytes.fromhex('020000000001')
MAC_B = bytes.fromhex('020000000002')

def eth(ethertype, payload, dst=MAC_B, src=MAC_A):
    return dst + src + struct.pack('!H', ethertype) + payload

def label(value, tc=0, bottom=False, ttl=64):
    return struct.pack('!I', (value << 12) | (tc << 9) | (0x100 if bottom else 0) | ttl)

def write(name, linktype, packets):
    with open(name, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype))
        for n, p in enumerate(packets):
            f.write(struct.pack('<IIII', 1700000000 + n, 1000 * n, len(p), len(p)))
            f.write(p)

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
