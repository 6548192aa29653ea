#!/usr/bin/env python3
"""Packet builders the capture scripts of this directory share (make-encapsulations.py,
make-vxlan-gpe.py): plain struct, every byte and checksum written here, the same output on every
run. Not run by itself."""
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
    import ipaddress
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

def udp(sport, dport, payload, pseudo=None):
    h = struct.pack('!HHHH', sport, dport, 8 + len(payload), 0)
    if pseudo is not None:
        c = csum(pseudo(8 + len(payload)) + h + payload) or 0xffff
        h = h[:6] + struct.pack('!H', c)
    return h + payload

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

def gre(proto, payload, seq=None, key=None):
    flags = (0x2000 if key is not None else 0) | (0x1000 if seq is not None else 0)
    h = struct.pack('!HH', flags, proto)
    if key is not None:
        h += struct.pack('!I', key)
    if seq is not None:
        h += struct.pack('!I', seq)
    return h + payload

def write(name, linktype, packets):
    with open(name, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype))
        for n, p in enumerate(packets):
            f.write(struct.pack('<IIII', 1700000000 + n, 1000 * n, len(p), len(p)))
            f.write(p)
