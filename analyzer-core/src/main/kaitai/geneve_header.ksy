meta:
  id: geneve_header
  title: Geneve header, options and inner packet
  license: Apache-2.0
  ks-version: 0.11
  endian: be
  imports:
    - ethernet_frame
    - ipv4_packet
    - ipv6_packet
doc: |
  Generic Network Virtualization Encapsulation (RFC 8926 section 3.4):

    |Ver|  Opt Len  |O|C|    Rsvd.  |          Protocol Type        |
    |        Virtual Network Identifier (VNI)       |    Reserved   |
    |                    Variable-Length Options                    |

  The payload is switched on the protocol type, an EtherType:
  0x6558 (transparent Ethernet bridging) an Ethernet frame, 0x0800 IPv4,
  0x86dd IPv6; anything else stays raw bytes.
doc-ref: https://www.rfc-editor.org/rfc/rfc8926#section-3.4
seq:
  - id: version
    type: b2
    doc: 0 is the only version defined.
  - id: opt_len
    type: b6
    doc: Length of the options, in 4-byte words.
  - id: control
    type: b1
    doc: O bit, control packet.
  - id: critical
    type: b1
    doc: C bit, critical options present.
  - id: reserved1
    type: b6
  - id: protocol_type
    type: u2
  - id: vni
    type: b24
    doc: Virtual Network Identifier.
  - id: reserved2
    type: u1
  - id: options
    size: opt_len * 4
    type: options
  - id: payload
    # explicit size, not size-eos: a zero-copy substream (see README.md)
    size: _io.size - _io.pos
    type:
      switch-on: protocol_type
      cases:
        0x6558: ethernet_frame
        0x0800: ipv4_packet
        0x86dd: ipv6_packet
types:
  options:
    seq:
      - id: entries
        type: option
        repeat: eos
  option:
    doc: RFC 8926 3.5.
    seq:
      - id: option_class
        type: u2
        doc: Namespace of the type (IANA Geneve Option Class registry).
      - id: critical
        type: b1
        doc: High bit of the type, critical option.
      - id: option_type
        type: b7
      - id: reserved
        type: b3
      - id: length
        type: b5
        doc: Length of the data, in 4-byte words.
      - id: data
        size: length * 4
