meta:
  id: linux_sll
  title: Linux cooked capture header, version 1 (LINKTYPE_LINUX_SLL, 113)
  license: Apache-2.0
  ks-version: 0.11
  endian: be
  imports:
    - ipv4_packet
    - ipv6_packet
doc: |
  The 16-byte pseudo-header libpcap puts in front of packets captured on
  Linux's "any" device (and on devices without a usable link-layer header).
doc-ref: https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html
seq:
  - id: packet_type
    type: u2
    doc: 0 to us, 1 broadcast, 2 multicast, 3 to someone else, 4 sent by us.
  - id: arphrd_type
    type: u2
    doc: ARPHRD_ type of the device (1 Ethernet, 772 loopback, ...).
  - id: addr_len
    type: u2
  - id: addr
    size: 8
    doc: Link-layer source address; the first addr_len bytes are meaningful.
  - id: protocol
    type: u2
    doc: An EtherType for most devices.
  - id: body
    # explicit size, not size-eos: a zero-copy substream (see README.md)
    size: _io.size - _io.pos
    type:
      switch-on: protocol
      cases:
        0x0800: ipv4_packet
        0x86dd: ipv6_packet
