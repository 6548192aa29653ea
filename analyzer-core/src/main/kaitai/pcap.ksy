meta:
  id: pcap
  title: libpcap classic capture file
  file-extension: [pcap, cap]
  license: Apache-2.0
  ks-version: 0.11
doc: |
  The classic libpcap file: a 24-byte global header and a sequence of
  records, each a 16-byte record header followed by the captured bytes.

  The writer's byte order is recognised from the magic number, which also
  tells the timestamp resolution:

    a1 b2 c3 d4  big-endian,    microseconds
    d4 c3 b2 a1  little-endian, microseconds
    a1 b2 3c 4d  big-endian,    nanoseconds
    4d 3c b2 a1  little-endian, nanoseconds

  Record bodies are kept as raw bytes on purpose: each packet is dissected
  on its own (see ethernet_frame, ipv4_packet, ...), so a malformed packet
  never stops the reading of the file.
doc-ref:
  - https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcap/ (sections 4 and 5)
  - https://www.tcpdump.org/linktypes.html
seq:
  - id: magic
    size: 4
    doc: Magic number as it lies in the file; decides byte order and resolution.
  - id: body
    type: body
types:
  body:
    meta:
      endian:
        switch-on: _root.magic
        cases:
          '[0xa1, 0xb2, 0xc3, 0xd4]': be
          '[0xa1, 0xb2, 0x3c, 0x4d]': be
          '[0xd4, 0xc3, 0xb2, 0xa1]': le
          '[0x4d, 0x3c, 0xb2, 0xa1]': le
    seq:
      - id: header
        type: header
      - id: records
        type: record
        repeat: eos
    types:
      header:
        doc: The rest of the global header, after the magic number.
        seq:
          - id: version_major
            type: u2
            doc: 2 for every file written since 1998.
          - id: version_minor
            type: u2
            doc: 4 for every file written since 1998.
          - id: thiszone
            type: s4
            doc: GMT-to-local correction; always 0 in practice.
          - id: sigfigs
            type: u4
            doc: Accuracy of timestamps; always 0 in practice.
          - id: snaplen
            type: u4
            doc: Largest number of bytes kept of any packet.
          - id: network
            type: u4
            doc: |
              LINKTYPE_ value of every packet in the file. The draft puts FCS
              information in the upper bits, so only the low 16 bits name the
              link type (see link_type).
        instances:
          link_type:
            value: network & 0xffff
      record:
        doc: One packet record (draft-ietf-opsawg-pcap section 5).
        seq:
          - id: ts_sec
            type: u4
            doc: Seconds since 1970-01-01 00:00:00 UTC.
          - id: ts_frac
            type: u4
            doc: Microseconds or nanoseconds (per the magic) past ts_sec.
          - id: len_data
            type: u4
            doc: Bytes of the packet present in the file (incl_len, CapLen).
          - id: orig_len
            type: u4
            doc: Bytes the packet had on the wire (orig_len, OriginalLen).
          - id: data
            size: len_data
            doc: The captured bytes, starting with the link-layer header.
