meta:
  id: vxlan_gpe_header
  title: VXLAN-GPE header and the packet it carries
  license: Apache-2.0
  ks-version: 0.11
  endian: be
  imports:
    - ethernet_frame
    - ipv4_packet
    - ipv6_packet
doc: |
  The 8-byte VXLAN-GPE header (Generic Protocol Extension for VXLAN,
  draft-ietf-nvo3-vxlan-gpe-12 section 3.2), the UDP payload on 4790,
  followed by the packet its next protocol names.

     0                   1                   2                   3
    |R|R|Ver|I|P|B|O|       Reserved                |Next Protocol  |
    |                VXLAN Network Identifier (VNI) |   Reserved    |

  Next protocol: 1 IPv4, 2 IPv6, 3 Ethernet, 4 NSH, 5 MPLS (earlier
  drafts). The payload is parsed only when the version is 0 and the P flag
  says the next protocol field is present, as the decoder reads it; NSH,
  MPLS and anything else stay raw bytes.
doc-ref: https://datatracker.ietf.org/doc/html/draft-ietf-nvo3-vxlan-gpe-12#section-3.2
seq:
  - id: flags_reserved
    type: b2
  - id: version
    type: b2
    doc: 0 is the only version defined; a receiver drops any other.
  - id: flag_i
    type: b1
    doc: VNI valid.
  - id: flag_p
    type: b1
    doc: Next protocol field present.
  - id: flag_b
    type: b1
    doc: Broadcast, unknown unicast or multicast (BUM) traffic.
  - id: flag_o
    type: b1
    doc: OAM packet.
  - id: reserved1
    type: b16
  - id: next_protocol
    type: u1
    doc: 1 IPv4, 2 IPv6, 3 Ethernet, 4 NSH, 5 MPLS.
  - id: vni
    type: b24
    doc: VXLAN Network Identifier.
  - id: reserved2
    type: u1
  - id: payload
    # explicit size, not size-eos: a zero-copy substream (see README.md)
    size: _io.size - _io.pos
    type:
      switch-on: 'version == 0 and flag_p ? next_protocol : 0'
      cases:
        1: ipv4_packet
        2: ipv6_packet
        3: ethernet_frame
