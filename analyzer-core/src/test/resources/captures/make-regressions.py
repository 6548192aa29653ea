#!/usr/bin/env python3
"""Crafts the regression captures of issue 22 (see README.md beside this script) with scapy.
Run from this directory: /usr/bin/python3 make-regressions.py
Every checksum that is meant to be right is computed here over the pseudo-header the RFCs name
(final destination of a source route, home address), and checked against tshark (README)."""
import struct
from scapy.all import (Ether, IP, IPv6, TCP, UDP, GRE, Raw, DNS, DNSQR, PcapWriter,
                       IPOption_LSRR, IPOption_SSRR, IPv6ExtHdrRouting, IPv6ExtHdrSegmentRouting,
                       IPv6ExtHdrDestOpt, HAO, VXLAN, ICMP, fragment, inet_aton, inet_pton)
import socket

MAC_A = '02:00:00:00:00:01'
MAC_B = '02:00:00:00:00:02'
T0 = 1767225600.0  # 2026-01-01 00:00:00 UTC


def fold(s):
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def csum(data):
    if len(data) % 2:
        data += b'\0'
    return (~fold(sum(struct.unpack('!%dH' % (len(data) // 2), data)))) & 0xffff


def v4(src, dst, proto, segment):
    return csum(inet_aton(src) + inet_aton(dst) + struct.pack('!BBH', 0, proto, len(segment)) + segment)


def v6(src, dst, proto, segment):
    return csum(inet_pton(socket.AF_INET6, src) + inet_pton(socket.AF_INET6, dst)
                + struct.pack('!I3xB', len(segment), proto) + segment)


def tcp(src, dst, six=False, wrong=False, payload=b'', **fields):
    """A TCP segment whose checksum covers the pseudo-header of src and dst (wrong on purpose)."""
    t = TCP(chksum=0, **fields) / Raw(payload) if payload else TCP(chksum=0, **fields)
    c = (v6 if six else v4)(src, dst, 6, bytes(t))
    t.chksum = c ^ 0x5555 if wrong else c
    return t


def udp(src, dst, payload, six=False, wrong=False, sport=5000, dport=5001):
    u = UDP(sport=sport, dport=dport, chksum=0) / Raw(payload)
    c = (v6 if six else v4)(src, dst, 17, bytes(u))
    u.chksum = c ^ 0x5555 if wrong else c
    return u


def write(name, packets, linktype=None):
    """A pcap of the packets, 1 ms apart unless a packet has a fixed_time."""
    writer = PcapWriter(name, linktype=linktype, sync=True)
    for i, p in enumerate(packets):
        p.time = getattr(p, 'fixed_time', T0 + i * 0.001)
        writer.write(p)
    writer.close()


def cut(packet, keep):
    """The packet as a capture with a snaplen of {keep} bytes records it."""
    raw = bytes(packet)
    return raw[:keep], len(raw)


def write_cut(name, records, linktype=1, ng=False):
    """records: (bytes kept, length on the wire, time) each; pcap or pcapng by hand."""
    with open(name, 'wb') as f:
        if not ng:
            f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype))
            for data, wire, t in records:
                f.write(struct.pack('<IIII', int(t), int(round((t % 1) * 1e6)), len(data), wire) + data)
            return
        def block(kind, body):
            body += b'\0' * (-len(body) % 4)
            return struct.pack('<II', kind, len(body) + 12) + body + struct.pack('<I', len(body) + 12)
        f.write(block(0x0a0d0d0a, struct.pack('<IHHq', 0x1a2b3c4d, 1, 0, -1)))
        f.write(block(1, struct.pack('<HHI', linktype, 0, 96)))
        for data, wire, t in records:
            ts = int(t * 1e6)
            f.write(block(6, struct.pack('<IIIII', 0, ts >> 32, ts & 0xffffffff, len(data), wire) + data))


# 1. TCP headers cut by the snaplen (each the last packet of its file, where a read past the
#    captured bytes runs off the buffer): the whole TCP header cut (pcapng), 12 of 20 bytes (pcap).
syn = Ether(src=MAC_A, dst=MAC_B) / IP(src='10.244.1.2', dst='10.244.2.2', id=7) / tcp(
    '10.244.1.2', '10.244.2.2', sport=40000, dport=80, flags='S', seq=1000, options=[('MSS', 1460)])
write_cut('tcp-header-cut.pcapng', [cut(syn, 34) + (T0,)], ng=True)
write_cut('tcp-header-12-bytes.pcap', [cut(syn, 46) + (T0,)])

# 2. Checksums over the final destination / home address, all right except the last packet.
E = Ether(src=MAC_A, dst=MAC_B)
routed = [
    # LSRR as the sender sends it (pointer 4): final destination last in the route.
    E / IP(src='192.0.2.1', dst='198.51.100.1', options=[IPOption_LSRR(pointer=4, routers=['198.51.100.2', '203.0.113.9'])])
    / tcp('192.0.2.1', '203.0.113.9', sport=40000, dport=80, flags='S', seq=1000),
    # LSRR as the final destination receives it (route spent): the destination field is final.
    E / IP(src='192.0.2.1', dst='203.0.113.9', options=[IPOption_LSRR(pointer=12, routers=['198.51.100.1', '198.51.100.2'])])
    / tcp('192.0.2.1', '203.0.113.9', sport=40000, dport=80, flags='S', seq=1000),
    # SSRR as sent.
    E / IP(src='192.0.2.1', dst='198.51.100.1', options=[IPOption_SSRR(pointer=4, routers=['198.51.100.2', '203.0.113.9'])])
    / udp('192.0.2.1', '203.0.113.9', b'source routed'),
    # Type 0 routing header, one segment left: final destination last in the header.
    E / IPv6(src='2001:db8::1', dst='2001:db8:1::1') / IPv6ExtHdrRouting(type=0, segleft=1, addresses=['2001:db8:2::9'])
    / udp('2001:db8::1', '2001:db8:2::9', b'rh0', six=True),
    # Type 0 routing header at the final destination (no segments left).
    E / IPv6(src='2001:db8::1', dst='2001:db8:2::9') / IPv6ExtHdrRouting(type=0, segleft=0, addresses=['2001:db8:1::1'])
    / udp('2001:db8::1', '2001:db8:2::9', b'rh0 done', six=True),
    # Segment routing header: segment 0 is the final destination.
    E / IPv6(src='2001:db8::1', dst='2001:db8:1::1')
    / IPv6ExtHdrSegmentRouting(segleft=1, lastentry=1, addresses=['2001:db8:2::9', '2001:db8:1::1'])
    / tcp('2001:db8::1', '2001:db8:2::9', six=True, sport=40000, dport=80, flags='S', seq=1000),
    # Home address option: the home address replaces the care-of source.
    E / IPv6(src='2001:db8:c0::5', dst='2001:db8:2::9') / IPv6ExtHdrDestOpt(options=[HAO(hoa='2001:db8:40::5')])
    / tcp('2001:db8:40::5', '2001:db8:2::9', six=True, sport=40000, dport=80, flags='S', seq=1000),
    # Type 2 routing header (Mobile IPv6): the home address is the final destination.
    E / IPv6(src='2001:db8:2::9', dst='2001:db8:c0::5') / IPv6ExtHdrRouting(type=2, segleft=1, addresses=['2001:db8:40::5'])
    / tcp('2001:db8:2::9', '2001:db8:40::5', six=True, sport=80, dport=40000, flags='SA', seq=5000, ack=1001),
    # The same SRH packet with a damaged checksum: still damage.
    E / IPv6(src='2001:db8::1', dst='2001:db8:1::1')
    / IPv6ExtHdrSegmentRouting(segleft=1, lastentry=1, addresses=['2001:db8:2::9', '2001:db8:1::1'])
    / udp('2001:db8::1', '2001:db8:2::9', b'damaged', six=True, wrong=True),
]
write('checksum-final-destination.pcap', routed)

# 3. Jumbo frames (MTU 9000): a damaged checksum is damage whatever the size; the pseudo-header sum
#    alone is a partial checksum; a wrong IPv4 header checksum is damage even on a partial packet.
def jumbo(src, dst, field, ip_checksum=None, seq=1):
    payload = bytes(range(256)) * 35
    t = TCP(sport=40000, dport=5201, flags='PA', seq=seq, ack=1, chksum=0) / Raw(payload[:8948])
    right = v4(src, dst, 6, bytes(t))
    pseudo = fold(sum(struct.unpack('!4H', inet_aton(src) + inet_aton(dst))) + 6 + len(bytes(t)))
    t.chksum = {'wrong': right ^ 0x1234, 'partial': pseudo, 'right': right}[field]
    ip = IP(src=src, dst=dst, id=seq, flags='DF')
    if ip_checksum is not None:
        ip.chksum = ip_checksum
    return Ether(src=MAC_A, dst=MAC_B) / ip / t

write('jumbo-checksums.pcap', [jumbo('10.0.9.1', '10.0.9.2', 'wrong', seq=1),
                               jumbo('10.0.9.1', '10.0.9.2', 'partial', seq=8949),
                               jumbo('10.0.9.1', '10.0.9.2', 'partial', ip_checksum=0x1111, seq=17897),
                               jumbo('10.0.9.1', '10.0.9.2', 'right', seq=26845)])

# 4. An IPv6 DNS query on the raw IPv4 link type (228), as tcpdump's LINKTYPE_IPV4_invalid: its
#    bytes read as IPv4 give 0.0.0.0 and a fragment offset.
query = IPv6(src='2001:db8::53', dst='2001:db8::1') / udp('2001:db8::53', '2001:db8::1',
                                                          bytes(DNS(rd=1, qd=DNSQR(qname='example.org'))), six=True,
                                                          sport=53000, dport=53)
write('ipv6-on-ipv4-linktype.pcap', [query], linktype=228)

# 5. IP-in-IP carrying GRE version 1 (PPTP) carrying PPP: no inner IP is decoded.
ppp = bytes.fromhex('ff03c021') + bytes.fromhex('0101000a0506deadbeef')  # PPP LCP configure-request
gre_v1 = bytes.fromhex('3001880b') + struct.pack('!HH', len(ppp), 0x4000) + struct.pack('!I', 1) + ppp
nested = Ether(src=MAC_A, dst=MAC_B) / IP(src='192.0.2.10', dst='192.0.2.20', proto=4) / IP(
    src='10.1.1.1', dst='10.2.2.2', proto=47) / Raw(gre_v1)
write('ipip-gre-ppp.pcap', [nested])

# 6. A first fragment carrying 8 of the 20 bytes of a TCP header, then the rest.
whole = IP(src='10.244.1.2', dst='10.244.2.2', id=4242) / tcp('10.244.1.2', '10.244.2.2', payload=b'x' * 40,
                                                                sport=40000, dport=80, flags='PA', seq=1, ack=1)
frags = fragment(whole, fragsize=8)
write('fragment-splits-tcp-header.pcap', [Ether(src=MAC_A, dst=MAC_B) / frags[0],
                                          Ether(src=MAC_A, dst=MAC_B) / frags[1],
                                          Ether(src=MAC_A, dst=MAC_B) / frags[2]])

# 7. UDP 8472: an IPsec NAT-T packet whose source is 4500 (an ESP SPI and random bytes, not
#    VXLAN), a real VXLAN packet, and a VXLAN packet the snaplen cut inside the inner Ethernet.
natt = Ether(src=MAC_A, dst=MAC_B) / IP(src='203.0.113.5', dst='198.51.100.7') / UDP(
    sport=4500, dport=8472) / Raw(bytes.fromhex('0000100d') + bytes(range(1, 200)) * 7)
inner = Ether(src='02:42:0a:f4:01:02', dst='02:42:0a:f4:02:02') / IP(src='10.244.1.2', dst='10.244.2.2') / ICMP(
    id=1, seq=1) / Raw(b'p' * 56)
vxlan = Ether(src=MAC_A, dst=MAC_B) / IP(src='192.168.0.11', dst='192.168.0.12') / UDP(
    sport=40001, dport=8472) / VXLAN(vni=1, flags=0x08) / inner
records = [(bytes(natt), len(bytes(natt)), T0), (bytes(vxlan), len(bytes(vxlan)), T0 + 0.001),
           cut(vxlan, 14 + 20 + 8 + 8 + 10) + (T0 + 0.002,)]
write_cut('udp-8472-not-vxlan.pcap', records)

# 8. Large segments lost at the end of a trace (a capture that stops during the retransmissions):
#    no proof of a black hole.
def seg(src, dst, sport, dport, seq, ack, flags, length, t, sack=None):
    options = [('NOP', None), ('NOP', None), ('SAck', sack)] if sack else []
    p = Ether(src=MAC_A, dst=MAC_B) / IP(src=src, dst=dst, flags='DF') / tcp(
        src, dst, payload=b'd' * length, sport=sport, dport=dport, seq=seq, ack=ack, flags=flags, window=500,
        options=options)
    p.fixed_time = t
    return p


C, S = '10.50.0.2', '10.60.0.2'
end_of_trace = [
    seg(C, S, 40200, 443, 1, 1, 'PA', 200, T0),
    seg(S, C, 443, 40200, 1, 201, 'A', 0, T0 + 0.01),
    seg(C, S, 40200, 443, 201, 1, 'PA', 1400, T0 + 0.02),
    seg(C, S, 40200, 443, 201, 1, 'PA', 1400, T0 + 0.25),
    seg(C, S, 40200, 443, 201, 1, 'PA', 1400, T0 + 0.70),
]
write('pmtu-end-of-trace.pcap', end_of_trace)

# 9. A sender that shrinks a segment it could not get through (black hole detection): proof.
shrink = [
    seg(C, S, 40300, 443, 1, 1, 'PA', 1400, T0),
    seg(C, S, 40300, 443, 1, 1, 'PA', 1400, T0 + 0.3),
    seg(C, S, 40300, 443, 1, 1, 'PA', 1400, T0 + 0.9),
    seg(C, S, 40300, 443, 1, 1, 'PA', 512, T0 + 2.1),
    seg(S, C, 443, 40300, 1, 513, 'A', 0, T0 + 2.11),
    seg(C, S, 40300, 443, 513, 1, 'PA', 512, T0 + 2.12),
    seg(S, C, 443, 40300, 1, 1025, 'A', 0, T0 + 2.13),
]
write('pmtu-sender-shrinks.pcap', shrink)

# 10. GSO frames mirrored in ERSPAN (GRE 0x88be) and fragmented in the underlay into 1500-byte
#     fragments: no underlay MTU problem.
mirrored = Ether(src='02:42:00:00:00:01', dst='02:42:00:00:00:02') / IP(src='10.244.1.2', dst='10.244.2.2', flags='DF') / TCP(
    sport=40000, dport=5201, flags='PA', seq=1, ack=1) / Raw(b'g' * 6000)
erspan = IP(src='172.31.0.10', dst='172.31.0.20', id=99) / GRE(proto=0x88be, seqnum_present=1, seqence_number=1) / Raw(
    bytes.fromhex('10010064') + bytes(4) + bytes(mirrored))
write('erspan-gso-fragments.pcap', [Ether(src=MAC_A, dst=MAC_B) / f for f in fragment(erspan, fragsize=1480)])

# Issue 20: values outside what links allow, and VTEPs that cannot be shown silent.
# 11. Fragmentation-needed messages: one with a next-hop MTU no link has (40), one with 1400.
quoted = IP(src='10.50.0.2', dst='10.60.0.2', flags='DF', id=7, len=1500) / TCP(sport=40400, dport=443, flags='A', seq=1)
def frag_needed(router, mtu, at):
    p = Ether(src=MAC_B, dst=MAC_A) / IP(src=router, dst='10.50.0.2') / ICMP(type=3, code=4, nexthopmtu=mtu) / Raw(bytes(quoted)[:28])
    p.fixed_time = at
    return p
write('frag-needed-impossible-mtu.pcap', [frag_needed('192.0.2.66', 40, T0), frag_needed('192.0.2.67', 1400, T0 + 0.1)])

# 12. A VXLAN packet on 8472 cut into 24-byte IP fragments: fragments no link makes.
tunnelled = IP(src='192.168.0.11', dst='192.168.0.12', id=4711) / UDP(sport=40001, dport=8472) / VXLAN(vni=1, flags=0x08) / inner
write('vxlan-tiny-fragments.pcap', [Ether(src=MAC_A, dst=MAC_B) / f for f in fragment(tunnelled, fragsize=24)])

# 13. Pings in VXLAN to 192.168.0.99, which answers with ICMP port unreachable: no VTEP there.
def vxlan_ping(dst, seq, at):
    p = Ether(src=MAC_A, dst=MAC_B) / IP(src='192.168.0.11', dst=dst, id=100 + seq) / UDP(sport=40002, dport=8472) / VXLAN(
        vni=1, flags=0x08) / Ether(src='02:42:0a:f4:01:02', dst='02:42:0a:f4:03:02') / IP(
        src='10.244.1.2', dst='10.244.3.2', id=200 + seq) / ICMP(id=9, seq=seq) / Raw(b'p' * 56)
    p.fixed_time = at
    return p
unreachable_packets = [vxlan_ping('192.168.0.99', 1, T0)]
unreachable = Ether(src=MAC_B, dst=MAC_A) / IP(src='192.168.0.99', dst='192.168.0.11') / ICMP(type=3, code=3) / Raw(
    bytes(unreachable_packets[0][IP])[:28])
unreachable.fixed_time = T0 + 0.001
write('vxlan-port-unreachable.pcap', unreachable_packets + [unreachable])

# 14. Pings in VXLAN to 192.168.0.98 for 2 s, unanswered, in a capture that shows no other traffic.
write('vxlan-unanswered-one-way.pcap', [vxlan_ping('192.168.0.98', s, T0 + s * 0.5) for s in range(1, 5)])
