meta:
  id: ethernet_frame
  title: Ethernet II frame, with 802.1Q / 802.1ad VLAN tags
  license: Apache-2.0
  ks-version: 0.11
  endian: be
  imports:
    - ipv4_packet
    - ipv6_packet
doc: |
  An Ethernet II frame as captured (LINKTYPE_ETHERNET, 1): no preamble and,
  as most capture points deliver it, no frame check sequence. Any number of
  VLAN tags may sit between the source address and the EtherType:
  802.1Q (TPID 0x8100), 802.1ad service tags (0x88a8) and the
  pre-standard QinQ TPID 0x9100.

  The body is switched on the final EtherType; frames shorter than 60 bytes
  are padded on the wire, so the body may run past the end of the network
  packet (ipv4_packet and ipv6_packet bound themselves by their own length
  fields).
doc-ref:
  - IEEE 802.3-2022 clause 3
  - IEEE 802.1Q-2022 clause 9 (tag format)
  - https://www.iana.org/assignments/ieee-802-numbers/ (EtherTypes)
seq:
  - id: dst_mac
    size: 6
  - id: src_mac
    size: 6
  - id: vlan_tags
    type: vlan_tag
    repeat: until
    repeat-until: not _.next_is_tag
    if: first_type_peek == 0x8100 or first_type_peek == 0x88a8 or first_type_peek == 0x9100
  - id: ether_type
    type: u2
    doc: |
      0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP, ...; values up to 1500 are an
      802.3 length rather than a type, and the body stays raw bytes.
  - id: body
    # explicit size, not size-eos: a zero-copy substream (see README.md)
    size: _io.size - _io.pos
    type:
      switch-on: ether_type
      cases:
        0x0800: ipv4_packet
        0x86dd: ipv6_packet
instances:
  first_type_peek:
    doc: The two bytes after the source address (a TPID or the EtherType).
    pos: 12
    type: u2
types:
  vlan_tag:
    doc: One 4-byte tag (IEEE 802.1Q 9.6).
    seq:
      - id: tpid
        type: u2
        doc: Tag protocol identifier (0x8100 C-tag, 0x88a8 S-tag).
      - id: pcp
        type: b3
        doc: Priority code point.
      - id: dei
        type: b1
        doc: Drop eligible indicator.
      - id: vid
        type: b12
        doc: VLAN identifier.
    instances:
      next_type_peek:
        doc: The two bytes after this tag (another TPID, or the EtherType).
        pos: _io.pos
        type: u2
      next_is_tag:
        value: next_type_peek == 0x8100 or next_type_peek == 0x88a8 or next_type_peek == 0x9100
