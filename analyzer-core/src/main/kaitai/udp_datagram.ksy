meta:
  id: udp_datagram
  title: UDP datagram, with overlay-network payloads
  license: Apache-2.0
  ks-version: 0.11
  endian: be
  imports:
    - vxlan_header
    - geneve_header
    - ipv4_packet
    - ipv6_packet
    - wireguard_message
doc: |
  A UDP datagram (RFC 768). The body is bounded by the UDP length, but never
  beyond the bytes that are there (a length below 8, e.g. 0 for an IPv6
  jumbogram per RFC 2675, or one past the captured bytes means: to the end).

  The body is dissected by well-known overlay ports, the destination port
  first, then the source port:

    4789  VXLAN (IANA, RFC 7348)
    8472  VXLAN as the Linux kernel and flannel's "vxlan" backend use it
    6081  Geneve (RFC 8926)
    8285  flannel's "udp" backend: the payload is a bare IP packet, its
          version told by the first nibble
    51820, 51821  WireGuard, flannel's "wireguard" backend (IPv4 and IPv6
          underlay)
doc-ref:
  - https://www.rfc-editor.org/rfc/rfc768
  - https://www.rfc-editor.org/rfc/rfc7348#section-5
  - https://www.rfc-editor.org/rfc/rfc8926#section-3.3
  - https://github.com/flannel-io/flannel/blob/master/Documentation/backends.md
  - https://www.wireguard.com/papers/wireguard.pdf
params:
  - id: is_fragment
    type: bool
    doc: |
      True when this is the first piece of a fragmented IP packet: the UDP
      header is whole, but the payload is only the start of the datagram.
      An overlay in it is still dissected as far as its bytes go, as tshark
      does: an overlay packet fragmented in the underlay shows its tunnel
      header and the start of the inner packet, which continues in the
      later fragments.
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
    type:
      switch-on: overlay
      cases:
        1: vxlan_header
        2: geneve_header
        3: ip_by_version
        4: wireguard_message
instances:
  overlay:
    doc: |
      1 VXLAN, 2 Geneve, 3 flannel UDP, 4 WireGuard, 0 none; by destination
      port, else source port.
    value: |
      (dst_port == 4789 or dst_port == 8472) ? 1 :
      dst_port == 6081 ? 2 :
      dst_port == 8285 ? 3 :
      (dst_port == 51820 or dst_port == 51821) ? 4 :
      (src_port == 4789 or src_port == 8472) ? 1 :
      src_port == 6081 ? 2 :
      src_port == 8285 ? 3 :
      (src_port == 51820 or src_port == 51821) ? 4 : 0
types:
  ip_by_version:
    doc: A bare IP packet whose version is its first nibble (flannel UDP, RFC 791/8200).
    seq:
      - id: packet
        # explicit size, not size-eos: a zero-copy substream (see README.md)
        size: _io.size - _io.pos
        type:
          switch-on: 'first_byte_peek >> 4'
          cases:
            4: ipv4_packet
            6: ipv6_packet
    instances:
      first_byte_peek:
        pos: 0
        type: u1
