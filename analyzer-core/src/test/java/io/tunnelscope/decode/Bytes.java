package io.tunnelscope.decode;

import io.tunnelscope.proto.InternetChecksum;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** Builds packets by hand for tests: headers appended in order, lengths and checksums patched. */
final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Bytes u8(int... values) {
        for (int v : values) {
            out.write(v);
        }
        return this;
    }

    Bytes u16(int v) {
        return u8(v >>> 8 & 0xff, v & 0xff);
    }

    Bytes u32(long v) {
        return u16((int) (v >>> 16) & 0xffff).u16((int) v & 0xffff);
    }

    Bytes hex(String hex) {
        String h = hex.replaceAll("[^0-9a-fA-F]", "");
        for (int i = 0; i < h.length(); i += 2) {
            out.write(Integer.parseInt(h.substring(i, i + 2), 16));
        }
        return this;
    }

    Bytes zeros(int n) {
        for (int i = 0; i < n; i++) {
            out.write(0);
        }
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    static Bytes of() {
        return new Bytes();
    }

    // ------------------------------------------------------------ headers

    Bytes ethernet(int etherType) {
        return hex("00 16 3e 08 71 cf  36 dc 85 1e b3 40").u16(etherType);
    }

    /** IPv4 header without options; total length and checksum patched by {@link #finishIpv4}. */
    Bytes ipv4(int protocol, String src, String dst) {
        return u8(0x45, 0).u16(0).u16(0x1234).u16(0x4000).u8(64, protocol).u16(0)
            .ip(src).ip(dst);
    }

    Bytes ip(String dotted) {
        for (String p : dotted.split("\\.")) {
            out.write(Integer.parseInt(p));
        }
        return this;
    }

    Bytes udp(int src, int dst) {
        return u16(src).u16(dst).u16(0).u16(0);
    }

    static final int VXLAN_FLAGS = 0x08;

    Bytes vxlan(int vni) {
        return u8(VXLAN_FLAGS, 0, 0, 0).u8(vni >>> 16 & 0xff, vni >>> 8 & 0xff, vni & 0xff, 0);
    }

    Bytes icmpEcho(int type, int id, int seq) {
        return u8(type, 0).u16(0).u16(id).u16(seq);
    }

    /** Sets the IPv4 header at {@code at}: total length to the end (or {@code total}) and checksum. */
    static void finishIpv4(byte[] p, int at, int total) {
        ByteBuffer b = ByteBuffer.wrap(p);
        int ihl = (p[at] & 15) * 4;
        b.putShort(at + 2, (short) (total < 0 ? p.length - at : total));
        b.putShort(at + 10, (short) 0);
        b.putShort(at + 10, (short) InternetChecksum.complement(InternetChecksum.add(0, b, at, at + ihl)));
    }

    /** Sets the UDP length at {@code at} to the end of the packet. */
    static void finishUdp(byte[] p, int at) {
        ByteBuffer.wrap(p).putShort(at + 4, (short) (p.length - at));
    }

    static void finishIpv6(byte[] p, int at) {
        ByteBuffer.wrap(p).putShort(at + 4, (short) (p.length - at - 40));
    }

    /** Sets an ICMP checksum over [at, end of packet). */
    static void finishIcmp(byte[] p, int at) {
        ByteBuffer b = ByteBuffer.wrap(p);
        b.putShort(at + 2, (short) 0);
        b.putShort(at + 2, (short) InternetChecksum.complement(InternetChecksum.add(0, b, at, p.length)));
    }
}
