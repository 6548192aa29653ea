meta:
  id: udp_datagram
  title: UDP datagram
  license: Apache-2.0
  ks-version: 0.11
  endian: be
doc: |
  A UDP datagram (RFC 768). The body is bounded by the UDP length, but never
  beyond the bytes that are there (a length below 8, e.g. 0 for an IPv6
  jumbogram per RFC 2675, or one past the captured bytes means: to the end).

  The body is left as bytes here: what it is (VXLAN on 4789 and 8472, Geneve
  on 6081, flannel's UDP backend on 8285, WireGuard on 51820/51821, or
  whatever a decode-as override
  says) is decided by the decoder's tables, which the protocols' descriptors
  fill, and the detail view parses the body with that protocol's own spec
  (see PacketDetails). No port table lives in this spec.
doc-ref:
  - https://www.rfc-editor.org/rfc/rfc768
params:
  - id: is_fragment
    type: bool
    doc: |
      True when this is the first piece of a fragmented IP packet: the UDP
      header is whole, but the payload is only the start of the datagram.
      The detail view still dissects an overlay in it as far as its bytes
      go, as tshark does.
seq:
  - id: src_port
    type: u2
  - id: dst_port
    type: u2
  - id: length
    type: u2
    doc: Header plus data, in bytes.
  - id: checksum
    type: u2
  - id: body
    size: '(length < 8 or length > _io.size) ? _io.size - 8 : length - 8'
