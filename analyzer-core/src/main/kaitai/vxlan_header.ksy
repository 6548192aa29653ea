meta:
  id: vxlan_header
  title: VXLAN header and its inner Ethernet frame
  license: Apache-2.0
  ks-version: 0.11
  endian: be
  imports:
    - ethernet_frame
doc: |
  The 8-byte VXLAN header (RFC 7348 section 5) followed by the encapsulated
  Ethernet frame.

     0                   1                   2                   3
    |R|R|R|R|I|R|R|R|            Reserved                           |
    |                VXLAN Network Identifier (VNI) |   Reserved    |

  The I flag must be 1 for a valid VNI; the other bits are reserved (some
  extensions, such as VXLAN-GBP, give them a meaning; they are shown raw).
doc-ref: https://www.rfc-editor.org/rfc/rfc7348#section-5
seq:
  - id: flags_reserved_high
    type: b4
  - id: flag_i
    type: b1
    doc: VNI valid.
  - id: flags_reserved_low
    type: b3
  - id: reserved1
    type: b24
  - id: vni
    type: b24
    doc: VXLAN Network Identifier.
  - id: reserved2
    type: u1
  - id: inner
    # explicit size, not size-eos: a zero-copy substream (see README.md)
    size: _io.size - _io.pos
    type: ethernet_frame
