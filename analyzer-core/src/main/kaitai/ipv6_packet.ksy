meta:
  id: ipv6_packet
  title: IPv6 packet with its extension header chain
  license: Apache-2.0
  ks-version: 0.11
  endian: be
  imports:
    - udp_datagram
    - tcp_segment
    - icmp_packet
doc: |
  An IPv6 packet (RFC 8200): the 40-byte fixed header, the chain of
  extension headers (hop-by-hop options 0, routing 43, fragment 44,
  destination options 60), and the upper-layer body.

  The chain is followed while the Next Header field names an extension
  header; it also stops at a fragment header of a non-first fragment, whose
  data is a piece of some payload and stays raw bytes. Behind a fragment
  header with more fragments set, a UDP header and any overlay in its
  (incomplete) payload are dissected as far as the bytes go.

  A payload length of 0 with a hop-by-hop header is a jumbogram (RFC 2675,
  used by Linux BIG TCP); then, as for a payload length larger than what was
  captured, the packet runs to the end of the captured bytes.
doc-ref:
  - https://www.rfc-editor.org/rfc/rfc8200#section-3
  - https://www.rfc-editor.org/rfc/rfc8200#section-4
  - https://www.rfc-editor.org/rfc/rfc2675
seq:
  - id: version
    type: b4
    doc: 6.
  - id: traffic_class
    type: b8
  - id: flow_label
    type: b20
  - id: payload_length
    type: u2
    doc: Bytes after the fixed header, extension headers included.
  - id: next_header
    type: u1
    doc: First extension header or upper-layer protocol (IANA protocol numbers).
  - id: hop_limit
    type: u1
  - id: src_addr
    size: 16
  - id: dst_addr
    size: 16
  - id: extension_headers
    type: |
      extension_header(
        _index == 0 ? next_header : extension_headers[_index - 1].next_header,
        _index == 0 ? false : extension_headers[_index - 1].fragmented)
    repeat: until
    repeat-until: _.ends_chain
    if: next_header == 0 or next_header == 43 or next_header == 44 or next_header == 60
  - id: body
    size: 'payload_length == 0 or 40 + payload_length > _io.size ? _io.size - _io.pos : 40 + payload_length - _io.pos'
    type:
      switch-on: upper_protocol
      cases:
        6: tcp_segment
        17: udp_datagram(is_fragment)
        41: ipv6_packet
        58: icmp_packet(true)
instances:
  has_extension_headers:
    value: next_header == 0 or next_header == 43 or next_header == 44 or next_header == 60
  is_fragment:
    doc: A fragment header with more fragments set precedes the body.
    value: 'has_extension_headers and extension_headers.last.fragmented'
  upper_protocol:
    doc: Protocol of the body; 256 when the body is a non-first fragment.
    value: 'not has_extension_headers ? next_header : extension_headers.last.is_later_fragment ? 256 : extension_headers.last.next_header'
types:
  extension_header:
    params:
      - id: header_type
        type: u1
        doc: The Next Header value that announced this header.
      - id: after_fragment
        type: bool
        doc: An earlier header of the chain is a fragment header with more fragments.
    seq:
      - id: next_header
        type: u1
      - id: header
        type:
          switch-on: header_type
          cases:
            0: options_header
            60: options_header
            43: routing_header
            44: fragment_header
    instances:
      is_later_fragment:
        value: 'header_type == 44 and header.as<fragment_header>.fragment_offset != 0'
      fragmented:
        value: 'after_fragment or (header_type == 44 and header.as<fragment_header>.more_fragments)'
      ends_chain:
        value: |
          is_later_fragment or not (next_header == 0 or next_header == 43
            or next_header == 44 or next_header == 60)
  options_header:
    doc: Hop-by-hop (0) or destination (60) options header, RFC 8200 4.3 and 4.6.
    seq:
      - id: hdr_ext_len
        type: u1
        doc: Length in 8-byte units, not counting the first 8 bytes.
      - id: options
        size: hdr_ext_len * 8 + 6
        type: tlv_options
  tlv_options:
    seq:
      - id: entries
        type: tlv_option
        repeat: eos
  tlv_option:
    doc: RFC 8200 4.2. Type 0 (Pad1) is a single byte; 0xc2 is the jumbo payload length (RFC 2675).
    seq:
      - id: option_type
        type: u1
      - id: len_data
        type: u1
        if: option_type != 0
      - id: data
        size: len_data
        if: option_type != 0
  routing_header:
    doc: RFC 8200 4.4; the type-specific data is kept as bytes.
    seq:
      - id: hdr_ext_len
        type: u1
      - id: routing_type
        type: u1
      - id: segments_left
        type: u1
      - id: data
        size: hdr_ext_len * 8 + 4
  fragment_header:
    doc: RFC 8200 4.5.
    seq:
      - id: reserved
        type: u1
      - id: fragment_offset
        type: b13
        doc: In 8-byte units.
      - id: reserved2
        type: b2
      - id: more_fragments
        type: b1
      - id: identification
        type: u4
