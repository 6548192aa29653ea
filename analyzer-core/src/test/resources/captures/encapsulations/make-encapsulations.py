#!/usr/bin/env python3
"""Crafts the encapsulation captures no public test capture covers (issue 16).

Plain struct, no scapy: every byte is written here, checksums computed here, so the output is the
same byte for byte on every run. Run it in this directory; read each file beside tshark
(`tshark -r FILE -T fields -e frame.protocols -e ip.src -e ipv6.src ...`).
"""
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

# MPLS: unicast and multicast EtherTypes, one and two labels, IPv4 and IPv6 below the stack, MPLS
# inside GRE and inside UDP 6635 (RFC 7510), a stack whose bottom label the capture never reaches.
write('mpls.pcap', 1, [
    eth(0x8847, label(100, bottom=True) + udp4('10.0.0.1', '10.0.0.2', 40000, 4000, b'query')),
    eth(0x8847, label(100) + label(200, tc=5, bottom=True, ttl=7) + ping4('10.0.0.1', '10.0.0.2')),
    eth(0x8847, label(300, bottom=True) + ping6('2001:db8::1', '2001:db8::2')),
    eth(0x8848, label(400, bottom=True) + udp4('10.0.0.3', '232.1.1.1', 5000, 5001, b'mcast')),
    eth(0x0800, ipv4('192.0.2.1', '192.0.2.2', 47, gre(0x8847, label(16, bottom=True) + ping4('10.1.0.1', '10.1.0.2')))),
    eth(0x0800, udp(0, 0, b'')[:0] + udp4('192.0.2.1', '192.0.2.2', 49152, 6635,
        label(21) + label(22, bottom=True) + ping4('10.3.0.10', '10.1.0.10'))),
])

# GTP-U (3GPP TS 29.281) on UDP 2152: a plain G-PDU, one with a sequence number, one with an
# extension header chain (a PDU session container, then none), an IPv6 T-PDU, an echo request.
def gtpu(msg_type, teid, payload, seq=None, ext=None, npdu=None):
    flags = 0x30
    opt = b''
    if seq is not None or ext is not None or npdu is not None:
        flags |= (0x04 if ext else 0) | (0x02 if seq is not None else 0) | (0x01 if npdu is not None else 0)
        opt = struct.pack('!HB', seq or 0, npdu or 0)
        if ext:
            opt += bytes([ext[0][0]])
            for i, (_, content) in enumerate(ext):
                nxt = ext[i + 1][0] if i + 1 < len(ext) else 0
                body = content + bytes([nxt])
                opt += bytes([(len(body) + 1) // 4]) + body
        else:
            opt += b'\0'
    return struct.pack('!BBHI', flags, msg_type, len(opt) + len(payload), teid) + opt + payload

write('gtp-u.pcap', 1, [
    eth(0x0800, udp4('198.51.100.1', '198.51.100.2', 2152, 2152, gtpu(255, 0x1234, ping4('10.45.0.2', '8.8.8.8')))),
    eth(0x0800, udp4('198.51.100.2', '198.51.100.1', 2152, 2152,
        gtpu(255, 0x4321, udp4('8.8.8.8', '10.45.0.2', 4000, 33000, b'answer'), seq=7))),
    eth(0x0800, udp4('198.51.100.1', '198.51.100.2', 2152, 2152,
        gtpu(255, 0x1234, ping4('10.45.0.2', '1.1.1.1'), ext=[(0x85, bytes([0x10, 0x05]))]))),
    eth(0x0800, udp4('198.51.100.1', '198.51.100.2', 2152, 2152,
        gtpu(255, 0x1234, udp6('2001:db8:45::2', '2001:db8::53', 33001, 4000, b'query6')))),
    eth(0x0800, udp4('198.51.100.1', '198.51.100.2', 2152, 2152, gtpu(1, 0, b'', seq=1))),
])

# Teredo (RFC 4380) on UDP 3544: a bare IPv6 packet, one behind an origin indication, one behind
# an authentication header (no client id, no authenticator), a bubble (no next header).
TEREDO_CLIENT = '2001:0:c000:201::1'
def origin(port, addr):
    return struct.pack('!HH4s', 0, port ^ 0xffff, bytes(b ^ 0xff for b in ip4(addr)))

def auth(nonce=b'\x01\x02\x03\x04\x05\x06\x07\x08', confirmation=0):
    return struct.pack('!HBB', 1, 0, 0) + nonce + bytes([confirmation])

write('teredo.pcap', 1, [
    eth(0x0800, udp4('192.0.2.1', '203.0.113.9', 40001, 3544, ping6(TEREDO_CLIENT, '2001:db8::9'))),
    eth(0x0800, udp4('203.0.113.9', '192.0.2.1', 3544, 40001,
        origin(40001, '192.0.2.1') + ping6('2001:db8::9', TEREDO_CLIENT))),
    eth(0x0800, udp4('203.0.113.9', '192.0.2.1', 3544, 40001,
        auth() + origin(40001, '192.0.2.1') + udp6('2001:db8::9', TEREDO_CLIENT, 4000, 40002, b'answer'))),
    eth(0x0800, udp4('192.0.2.1', '203.0.113.9', 40001, 3544, ipv6(TEREDO_CLIENT, '2001:db8::9', 59, b''))),
])

# PPP on link type 9 (RFC 1661, HDLC-like framing of RFC 1662 or none): IPv4, IPv6, LCP.
write('ppp.pcap', 9, [
    b'\xff\x03\x00\x21' + udp4('10.9.0.1', '10.9.0.2', 1024, 4000, b'query'),
    b'\x00\x57' + ping6('2001:db8:9::1', '2001:db8:9::2'),
    b'\xff\x03\xc0\x21' + bytes.fromhex('01010004'),
    b'\x00\x21' + ping4('10.9.0.2', '10.9.0.1'),
])

# PPTP's enhanced GRE (RFC 2637 4.1, GRE version 1, protocol 0x880b): key (payload length, call
# id), sequence and acknowledgment numbers, PPP inside with and without address and control.
def gre_v1(call_id, ppp, seq=None, ack=None):
    flags = 0x2000 | (0x1000 if seq is not None else 0) | (0x0080 if ack is not None else 0) | 1
    h = struct.pack('!HHHH', flags, 0x880b, len(ppp), call_id)
    if seq is not None:
        h += struct.pack('!I', seq)
    if ack is not None:
        h += struct.pack('!I', ack)
    return h + ppp

write('pptp-gre.pcap', 1, [
    eth(0x0800, ipv4('192.0.2.10', '192.0.2.20', 47,
        gre_v1(0x4001, b'\xff\x03\x00\x21' + ping4('172.16.0.2', '172.16.0.1'), seq=1))),
    eth(0x0800, ipv4('192.0.2.20', '192.0.2.10', 47,
        gre_v1(0x8002, b'\x00\x21' + ping4('172.16.0.1', '172.16.0.2'), seq=1, ack=1))),
    eth(0x0800, ipv4('192.0.2.10', '192.0.2.20', 47, gre_v1(0x4001, b'', ack=1))),
    eth(0x0800, ipv4('192.0.2.10', '192.0.2.20', 47,
        gre_v1(0x4001, b'\xff\x03\x00\x57' + ping6('2001:db8:16::2', '2001:db8:16::1'), seq=2, ack=1))),
])
