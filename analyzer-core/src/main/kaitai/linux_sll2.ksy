meta:
  id: linux_sll2
  title: Linux cooked capture header, version 2 (LINKTYPE_LINUX_SLL2, 276)
  license: Apache-2.0
  ks-version: 0.11
  endian: be
  imports:
    - ipv4_packet
    - ipv6_packet
doc: |
  The 20-byte pseudo-header of newer libpcap "any"-device captures: like
  version 1, plus the interface index.
doc-ref: https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html
seq:
  - id: protocol
    type: u2
    doc: An EtherType for most devices.
  - id: reserved
    type: u2
  - id: interface_index
    type: u4
  - id: arphrd_type
    type: u2
  - id: packet_type
    type: u1
    doc: 0 to us, 1 broadcast, 2 multicast, 3 to someone else, 4 sent by us.
  - id: addr_len
    type: u1
  - id: addr
    size: 8
  - id: body
    # explicit size, not size-eos: a zero-copy substream (see README.md)
    size: _io.size - _io.pos
    type:
      switch-on: protocol
      cases:
        0x0800: ipv4_packet
        0x86dd: ipv6_packet
