meta:
  id: pcapng
  title: PCAP Next Generation (pcapng) capture file
  file-extension: pcapng
  license: Apache-2.0
  ks-version: 0.11
doc: |
  A pcapng file is a sequence of sections. Each section starts with a
  Section Header Block (SHB) whose byte-order magic tells the byte order of
  every block of that section; then come blocks until the next SHB or the
  end of the file.

  Every block shares one framing:

    block type (4) | block total length (4) | body | block total length (4)

  This spec decodes the SHB, Interface Description Blocks (IDB), Enhanced
  Packet Blocks (EPB) and Simple Packet Blocks (SPB); any other block
  (Name Resolution, Interface Statistics, Decryption Secrets, custom, ...)
  is kept as a generic block whose body is raw bytes. Packet data is kept
  as raw bytes: packets are dissected one by one elsewhere.
doc-ref:
  - https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcapng/
  - https://www.tcpdump.org/linktypes.html
seq:
  - id: sections
    type: section
    repeat: eos
types:
  section:
    doc: One SHB and the blocks after it (draft-ietf-opsawg-pcapng 4.1).
    seq:
      - id: block_type
        contents: [0x0a, 0x0d, 0x0d, 0x0a]
        doc: |
          SHB type 0x0A0D0D0A: a palindrome, so it reads the same in both byte
          orders, and its CR/LF mix detects ASCII-mode transfer damage.
      - id: content
        type: section_content
    instances:
      byte_order_magic_peek:
        doc: |
          The byte-order magic, looked at before the rest of the SHB is read:
          the block total length in front of it already depends on it.
          Evaluated when section_content starts, just after block_type, so
          the magic is 4 bytes ahead. It lives here, in a type without byte
          order, because the Java target reads even raw bytes in a
          byte-order-dependent branch inside a type whose order is computed.
        pos: _io.pos + 4
        size: 4

  section_content:
    doc: |
      The rest of the SHB and every block up to the next SHB, all read in the
      byte order the SHB announces (types used from here inherit it).
    meta:
      endian:
        switch-on: _parent.byte_order_magic_peek
        cases:
          '[0x1a, 0x2b, 0x3c, 0x4d]': be
          '[0x4d, 0x3c, 0x2b, 0x1a]': le
    seq:
      - id: block_total_length
        type: u4
        valid:
          min: 28
      - id: byte_order_magic
        type: u4
        valid: 0x1a2b3c4d
      - id: version_major
        type: u2
        doc: 1 for this version of the format.
      - id: version_minor
        type: u2
        doc: 0 for this version of the format.
      - id: section_length
        type: s8
        doc: Bytes of the section after this block; -1 when not known.
      - id: options
        size: block_total_length - 28
        type: options
      - id: block_total_length_trailer
        type: u4
      - id: blocks
        type: block
        repeat: until
        repeat-until: _io.eof or _.next_is_section_header
        if: not _io.eof and next_type_peek != 0x0a0d0d0a
    instances:
      next_type_peek:
        doc: Type of the block after the SHB (evaluated once the SHB is read).
        pos: _io.pos
        type: u4be
        if: _io.size - _io.pos >= 4
    types:
      block:
        doc: Any block but an SHB, in its section's byte order (inherited).
        seq:
          - id: block_type
            type: u4
            doc: |
              1 IDB, 2 Packet Block (obsolete), 3 SPB, 4 Name Resolution,
              5 Interface Statistics, 6 EPB, 10 Decryption Secrets, ...
          - id: block_total_length
            type: u4
            valid:
              min: 12
          - id: body
            size: block_total_length - 12
            type:
              switch-on: block_kind
              cases:
                1: interface_description_block
                3: simple_packet_block
                6: enhanced_packet_block
          - id: block_total_length_trailer
            type: u4
        instances:
          next_type_peek:
            doc: Type of the block that follows this one, if any.
            pos: _io.pos
            type: u4be
            if: _io.size - _io.pos >= 4
          next_is_section_header:
            value: 'next_type_peek == 0x0a0d0d0a'
          block_kind:
            doc: |
              The block types decoded here, as an int (the Java target cannot
              switch on a u4, which it holds as a long); 0 for the others.
            value: 'block_type == 1 ? 1 : block_type == 3 ? 3 : block_type == 6 ? 6 : 0'

      interface_description_block:
        doc: IDB (draft-ietf-opsawg-pcapng 4.2). Interfaces are numbered from 0 in each section.
        seq:
          - id: link_type
            type: u2
            doc: LINKTYPE_ value of the packets captured on this interface.
          - id: reserved
            type: u2
          - id: snap_len
            type: u4
            doc: Largest number of bytes kept of any packet; 0 means no limit.
          - id: options
            type: options
            # explicit size, not size-eos: a zero-copy substream (see README.md)
            size: _io.size - _io.pos
            doc: |
              Of note: 2 if_name, 3 if_description, 9 if_tsresol (one byte: most
              significant bit 0 = negative power of 10, 1 = of 2; default 10^-6).

      enhanced_packet_block:
        doc: EPB (draft-ietf-opsawg-pcapng 4.3).
        seq:
          - id: interface_id
            type: u4
          - id: timestamp_high
            type: u4
          - id: timestamp_low
            type: u4
            doc: Timestamp = high << 32 | low, in the interface's if_tsresol units.
          - id: len_packet_data
            type: u4
            doc: Captured packet length.
          - id: original_len
            type: u4
          - id: packet_data
            size: len_packet_data
          - id: padding
            size: (4 - len_packet_data % 4) % 4
            doc: Pads the packet data to 32 bits.
          - id: options
            type: options
            # explicit size, not size-eos: a zero-copy substream (see README.md)
            size: _io.size - _io.pos

      simple_packet_block:
        doc: |
          SPB (draft-ietf-opsawg-pcapng 4.4): a packet of interface 0, without
          timestamp. The captured length is not stored: it is the smaller of the
          original length and the room the block has.
        seq:
          - id: original_len
            type: u4
          - id: packet_data
            size: 'original_len < _io.size - 4 ? original_len : _io.size - 4'
          - id: padding
            size-eos: true

      options:
        doc: A list of TLV options (draft-ietf-opsawg-pcapng 3.5).
        seq:
          - id: entries
            type: option
            repeat: eos
      option:
        seq:
          - id: code
            type: u2
            doc: 0 opt_endofopt, 1 opt_comment, 2988/2989/19372/19373 custom, else per block.
          - id: len_value
            type: u2
          - id: value
            size: len_value
          - id: padding
            size: (4 - len_value % 4) % 4
