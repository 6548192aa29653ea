meta:
  id: icmp_packet
  title: ICMP / ICMPv6 message
  license: Apache-2.0
  ks-version: 0.11
  endian: be
  imports:
    - ipv4_packet
    - ipv6_packet
doc: |
  An ICMP (RFC 792) or ICMPv6 (RFC 4443) message: type, code, checksum, the
  four type-specific bytes (identifier and sequence of an echo, the unused
  word or MTU of an error, ...) and the body.

  The body of an error message quotes the packet that caused it, as much of
  it as fits; it is dissected as an IP packet:
  ICMP types 3 (destination unreachable), 4 (source quench), 5 (redirect),
  11 (time exceeded), 12 (parameter problem); ICMPv6 types 1 to 4.
doc-ref:
  - https://www.rfc-editor.org/rfc/rfc792
  - https://www.rfc-editor.org/rfc/rfc4443#section-2.1
params:
  - id: is_v6
    type: bool
    doc: True for ICMPv6 (IP protocol 58), false for ICMP (1).
seq:
  - id: icmp_type
    type: u1
  - id: code
    type: u1
  - id: checksum
    type: u2
  - id: rest_of_header
    size: 4
  - id: body
    # explicit size, not size-eos: a zero-copy substream (see README.md)
    size: _io.size - _io.pos
    type:
      switch-on: quote
      cases:
        4: ipv4_packet
        6: ipv6_packet
instances:
  quote:
    doc: IP version of the quoted packet of an error message, 0 otherwise.
    value: |
      is_v6 ? ((icmp_type >= 1 and icmp_type <= 4) ? 6 : 0)
            : ((icmp_type == 3 or icmp_type == 4 or icmp_type == 5
                or icmp_type == 11 or icmp_type == 12) ? 4 : 0)
