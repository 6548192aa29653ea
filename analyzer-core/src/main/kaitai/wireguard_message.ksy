meta:
  id: wireguard_message
  title: WireGuard message (flannel's wireguard backend)
  license: Apache-2.0
  ks-version: 0.11
  endian: le
doc: |
  A WireGuard message (whitepaper section 5.4), the UDP payload on 51820
  (flannel's port for an IPv4 underlay) or 51821 (IPv6). A type byte and
  three reserved zero bytes, then by type; indexes and the counter are
  little-endian.

    1  handshake initiation, 148 bytes: sender index, ephemeral key,
       encrypted static key, encrypted timestamp, mac1, mac2
    2  handshake response, 92 bytes: sender index, receiver index,
       ephemeral key, encrypted empty, mac1, mac2
    3  cookie reply, 64 bytes: receiver index, nonce, encrypted cookie
    4  transport data: receiver index, counter, then the encrypted inner
       packet (zero-padded to a multiple of 16) with its 16-byte Poly1305
       tag; it cannot be read without the session's keys
doc-ref: https://www.wireguard.com/papers/wireguard.pdf
seq:
  - id: message_type
    type: u1
    doc: 1 handshake initiation, 2 handshake response, 3 cookie reply, 4 transport data.
  - id: reserved
    size: 3
    doc: Zero.
  - id: body
    type:
      switch-on: message_type
      cases:
        1: handshake_initiation
        2: handshake_response
        3: cookie_reply
        4: transport_data
types:
  handshake_initiation:
    seq:
      - id: sender_index
        type: u4
      - id: unencrypted_ephemeral
        size: 32
      - id: encrypted_static
        size: 48
        doc: The initiator's static public key (32) and its tag (16).
      - id: encrypted_timestamp
        size: 28
        doc: A TAI64N timestamp (12) and its tag (16).
      - id: mac1
        size: 16
      - id: mac2
        size: 16
  handshake_response:
    seq:
      - id: sender_index
        type: u4
      - id: receiver_index
        type: u4
      - id: unencrypted_ephemeral
        size: 32
      - id: encrypted_nothing
        size: 16
        doc: The tag of an empty plaintext.
      - id: mac1
        size: 16
      - id: mac2
        size: 16
  cookie_reply:
    seq:
      - id: receiver_index
        type: u4
      - id: nonce
        size: 24
      - id: encrypted_cookie
        size: 32
        doc: The cookie (16) and its tag (16).
  transport_data:
    seq:
      - id: receiver_index
        type: u4
      - id: counter
        type: u8
        doc: The nonce of this message, counting up per session and direction.
      - id: encrypted_packet
        size-eos: true
        doc: The inner packet zero-padded to a multiple of 16, encrypted, and its 16-byte tag.
