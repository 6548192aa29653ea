meta:
  id: ipv4_packet
  title: IPv4 packet
  license: Apache-2.0
  ks-version: 0.11
  endian: be
  imports:
    - udp_datagram
    - tcp_segment
    - icmp_packet
doc: |
  An IPv4 packet (RFC 791), with DSCP/ECN (RFC 2474, RFC 3168).

  The body is bounded by the total length, but never beyond the bytes that
  are there: when the total length is below the header length (e.g. 0, as
  Linux BIG TCP sends packets over 64 KiB) or larger than what was captured,
  the body is whatever follows the header. Only a first fragment
  (fragment offset 0) has an upper-layer header to dissect; later fragments
  stay raw bytes.
doc-ref:
  - https://www.rfc-editor.org/rfc/rfc791#section-3.1
  - https://www.iana.org/assignments/protocol-numbers/
seq:
  - id: version
    type: b4
    doc: 4.
  - id: ihl
    type: b4
    valid:
      min: 5
    doc: Header length in 32-bit words (5 without options).
  - id: dscp
    type: b6
  - id: ecn
    type: b2
  - id: total_length
    type: u2
    doc: Header plus data, in bytes.
  - id: identification
    type: u2
  - id: reserved_flag
    type: b1
    doc: Must be zero (the "evil bit" of RFC 3514).
  - id: dont_fragment
    type: b1
  - id: more_fragments
    type: b1
  - id: fragment_offset
    type: b13
    doc: Offset of this fragment's data, in 8-byte units.
  - id: ttl
    type: u1
  - id: protocol
    type: u1
    doc: 1 ICMP, 6 TCP, 17 UDP, 47 GRE, ... (IANA protocol numbers).
  - id: header_checksum
    type: u2
  - id: src_addr
    size: 4
  - id: dst_addr
    size: 4
  - id: options
    size: ihl * 4 - 20
    doc: Options (RFC 791 3.1), kept as bytes.
  - id: body
    size: body_len
    type:
      switch-on: 'fragment_offset == 0 ? protocol : 256'
      cases:
        1: icmp_packet(false)
        4: ipv4_packet
        6: tcp_segment
        17: udp_datagram(more_fragments)
instances:
  body_len:
    doc: Bytes of the upper-layer data, bounded by what was captured.
    value: '(total_length < ihl * 4 or total_length > _io.size) ? _io.size - ihl * 4 : total_length - ihl * 4'
