#!/usr/bin/python3
"""Writes tcp-analysis.pcap: TCP conversations that make tshark raise every tcp.analysis flag
(retransmission, fast and spurious retransmission, out-of-order, previous segment not captured,
ACKed unseen segment, duplicate ACK, zero window, its probe and probe ACK, window full, window
update, keep-alive and its ACK, reused ports), once in plain IPv4 and once inside VXLAN (UDP 8472).
The times are fixed, so the file is the same on every run:

    /usr/bin/python3 make-tcp-analysis.py tcp-analysis.pcap
"""
import sys
from scapy.all import Ether, IP, UDP, TCP, Raw, wrpcap
from scapy.layers.vxlan import VXLAN

packets = []
clock = [1_700_000_000.0]


def at(delay):
    clock[0] += delay
    return clock[0]


def conversation(wrap, client, server, cport, sport, isn_c, isn_s):
    """One scripted conversation; wrap() puts each TCP/IP packet in its link layers."""
    def send(src, dst, sp, dp, seq, ack, flags, window, data=b"", options=None, delay=0.0001):
        tcp = TCP(sport=sp, dport=dp, seq=seq % 2**32, ack=ack % 2**32, flags=flags, window=window,
                  options=options or [])
        pkt = wrap(IP(src=src, dst=dst, id=len(packets) + 1) / tcp / (Raw(data) if data else b""))
        pkt.time = at(delay)
        packets.append(pkt)

    def c(seq, ack, flags="A", window=512, size=0, **kw):
        send(client, server, cport, sport, isn_c + seq, isn_s + ack, flags, window, b"x" * size, **kw)

    def s(seq, ack, flags="A", window=512, size=0, **kw):
        send(server, client, sport, cport, isn_s + seq, isn_c + ack, flags, window, b"y" * size, **kw)

    # Handshake, window scale 4 both ways (window 512 << 4 = 8192 bytes).
    c(0, 0, "S", 64240, options=[("MSS", 1460), ("WScale", 4)])
    s(0, 1, "SA", 65160, options=[("MSS", 1460), ("WScale", 4)], delay=0.002)
    c(1, 1, delay=0.002)
    # Four segments, the first acknowledged (RTT), the third "lost" before the receiver.
    c(1, 1, "PA", size=1000)
    c(1001, 1, "PA", size=1000)
    s(1, 1001, delay=0.003)
    c(2001, 1, "PA", size=1000)
    c(3001, 1, "PA", size=1000)
    c(4001, 1, "PA", size=1000)
    s(1, 2001)                       # ACK of 1001..2001
    s(1, 2001)                       # duplicate ACK #1
    s(1, 2001)                       # duplicate ACK #2
    s(1, 2001)                       # duplicate ACK #3
    c(2001, 1, "PA", size=1000)      # fast retransmission
    s(1, 5001, delay=0.002)
    # Previous segment not captured, then out-of-order.
    c(6001, 1, "PA", size=1000)
    c(5001, 1, "PA", size=1000, delay=0.0005)
    s(1, 7001, delay=0.002)
    # Spurious retransmission: already acknowledged data sent again much later.
    c(5001, 1, "PA", size=1000, delay=0.3)
    s(1, 7001, window=600)           # window update
    # Plain retransmission (RTO) of data not yet acknowledged.
    c(7001, 1, "PA", size=1000)
    c(7001, 1, "PA", size=1000, delay=0.25)
    s(1, 8001, window=64)            # window 64 << 4 = 1024 bytes
    c(8001, 1, "PA", size=1024)      # fills the window exactly: window full
    s(1, 9025, window=0)             # zero window
    c(9025, 1, "PA", size=1, delay=0.2)   # zero-window probe
    s(1, 9025, window=0)             # zero-window probe ACK
    s(1, 9025, window=512, delay=0.1)     # window update
    # Keep-alive and its ACK.
    c(9024, 1, delay=1.0)
    s(1, 9025, window=512)
    # ACKed unseen segment: the server acknowledges data this point never saw.
    s(1, 12025, window=512, delay=0.01)
    c(9025, 1, "FA", delay=0.01)
    s(1, 9026, "FA")
    c(9026, 2)
    # The same ports again with a new initial sequence number.
    send(client, server, cport, sport, isn_c + 500000, 0, "S", 64240, options=[("WScale", 4)], delay=0.5)
    send(server, client, sport, cport, isn_s + 700000, isn_c + 500001, "SA", 65160,
         options=[("WScale", 4)])


def plain(ip):
    return Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / ip


def vxlan(ip):
    return (Ether(src="02:00:00:00:01:01", dst="02:00:00:00:01:02")
            / IP(src="192.168.1.1", dst="192.168.1.2", id=len(packets) + 1)
            / UDP(sport=40000 + len(packets) % 1000, dport=8472)
            / VXLAN(vni=1, flags=0x08)
            / Ether(src="02:00:00:00:02:01", dst="02:00:00:00:02:02") / ip)


conversation(plain, "10.0.0.1", "10.0.0.2", 40001, 80, 1_000_000, 2_000_000)
conversation(vxlan, "10.244.1.2", "10.244.2.3", 40002, 8080, 4_294_000_000, 3_000_000)
wrpcap(sys.argv[1], packets)
