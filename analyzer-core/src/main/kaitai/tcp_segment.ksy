meta:
  id: tcp_segment
  title: TCP segment
  license: Apache-2.0
  ks-version: 0.11
  endian: be
doc: |
  A TCP segment (RFC 9293 3.1), with its options decoded as kind/length/data
  (RFC 9293 3.2). The payload is everything after the header, which the IP
  layer has already bounded.
doc-ref:
  - https://www.rfc-editor.org/rfc/rfc9293#section-3.1
  - https://www.iana.org/assignments/tcp-parameters/
seq:
  - id: src_port
    type: u2
  - id: dst_port
    type: u2
  - id: seq_num
    type: u4
  - id: ack_num
    type: u4
  - id: data_offset
    type: b4
    valid:
      min: 5
    doc: Header length in 32-bit words.
  - id: reserved
    type: b4
  - id: cwr
    type: b1
  - id: ece
    type: b1
  - id: urg
    type: b1
  - id: ack
    type: b1
  - id: psh
    type: b1
  - id: rst
    type: b1
  - id: syn
    type: b1
  - id: fin
    type: b1
  - id: window
    type: u2
  - id: checksum
    type: u2
  - id: urgent_pointer
    type: u2
  - id: options
    size: data_offset * 4 - 20
    type: options
  - id: payload
    size-eos: true
types:
  options:
    seq:
      - id: entries
        type: option
        repeat: eos
  option:
    doc: |
      Kinds 0 (end of list) and 1 (no-operation) are one byte; others carry a
      length that counts the kind and length bytes. 2 MSS, 3 window scale,
      4 SACK permitted, 5 SACK, 8 timestamps.
    seq:
      - id: kind
        type: u1
      - id: len
        type: u1
        if: kind > 1
      - id: data
        size: 'len >= 2 ? len - 2 : 0'
        if: kind > 1
