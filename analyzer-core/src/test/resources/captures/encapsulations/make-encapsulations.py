#!/usr/bin/env python3
"""Crafts the encapsulation captures no public test capture covers (issue 16).

Plain struct, no scapy: every byte is written here, checksums computed here, so the output is the
same byte for byte on every run. Run it in this directory; read each file beside tshark
(`tshark -r FILE -T fields -e frame.protocols -e ip.src -e ipv6.src ...`).
"""
import struct

from packets import *  # noqa: F401,F403 (the shared builders)

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
