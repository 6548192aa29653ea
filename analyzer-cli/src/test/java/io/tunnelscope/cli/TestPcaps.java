package io.tunnelscope.cli;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Small hand-made captures for the command line tests (little-endian, microseconds). */
final class TestPcaps {
    private TestPcaps() {
    }

    /** A pcap of link type {@code linkType} holding {@code packets}, one second apart. */
    static byte[] pcap(int linkType, byte[]... packets) {
        ByteBuffer b = le(24 + 16 * packets.length + total(packets));
        b.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(linkType);
        for (int i = 0; i < packets.length; i++) {
            b.putInt(1_700_000_000 + i).putInt(1000 * i).putInt(packets[i].length).putInt(packets[i].length)
                    .put(packets[i]);
        }
        return b.array();
    }

    /** A pcapng with one interface named {@code ifName} of link type {@code linkType}. */
    static byte[] pcapng(int linkType, String ifName, byte[]... packets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(block(0x0A0D0D0A, le(16).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0)
                .putLong(-1).array()));
        byte[] name = ifName.getBytes(StandardCharsets.UTF_8);
        ByteBuffer idb = le(8 + 4 + pad(name.length) + 4);
        idb.putShort((short) linkType).putShort((short) 0).putInt(0)
                .putShort((short) 2).putShort((short) name.length).put(name);
        idb.position(8 + 4 + pad(name.length));
        idb.putInt(0);
        out.writeBytes(block(1, idb.array()));
        for (int i = 0; i < packets.length; i++) {
            ByteBuffer epb = le(20 + pad(packets[i].length));
            long ticks = (1_700_000_000L + i) * 1_000_000L;
            epb.putInt(0).putInt((int) (ticks >>> 32)).putInt((int) ticks).putInt(packets[i].length)
                    .putInt(packets[i].length).put(packets[i]);
            out.writeBytes(block(6, epb.array()));
        }
        return out.toByteArray();
    }

    private static byte[] block(int type, byte[] body) {
        ByteBuffer b = le(12 + body.length);
        b.putInt(type).putInt(12 + body.length).put(body).putInt(12 + body.length);
        return b.array();
    }

    /** Ethernet / IPv4 / UDP from 10.0.0.1:sport to 10.0.0.2:dport carrying {@code payload}. */
    static byte[] ethernetUdp(int sport, int dport, byte[] payload) {
        return concat(ethernet(0x0800), ipv4(17, "10.0.0.1", "10.0.0.2", udp(sport, dport, payload)));
    }

    static byte[] ethernet(int etherType) {
        return ByteBuffer.allocate(14).put(new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2})
                .putShort((short) etherType).array();
    }

    static byte[] ipv4(int protocol, String src, String dst, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putShort((short) 7)
                .putShort((short) 0x4000).put((byte) 64).put((byte) protocol).putShort((short) 0)
                .put(address(src)).put(address(dst)).put(payload);
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += b.getShort(i) & 0xffff;
        }
        while (sum > 0xffff) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        b.putShort(10, (short) ~sum);
        return b.array();
    }

    static byte[] ipv6(int nextHeader, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(40 + payload.length);
        b.putInt(0x60000000).putShort((short) payload.length).put((byte) nextHeader).put((byte) 64);
        b.put(new byte[] {0x20, 1, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        b.put(new byte[] {0x20, 1, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2});
        return b.put(payload).array();
    }

    static byte[] udp(int sport, int dport, byte[] payload) {
        return ByteBuffer.allocate(8 + payload.length).putShort((short) sport).putShort((short) dport)
                .putShort((short) (8 + payload.length)).putShort((short) 0).put(payload).array();
    }

    static byte[] tcp(int sport, int dport, byte[] payload) {
        return ByteBuffer.allocate(20 + payload.length).putShort((short) sport).putShort((short) dport)
                .putInt(1000).putInt(0).putShort((short) 0x5018).putShort((short) 512).putInt(0)
                .put(payload).array();
    }

    static byte[] vxlan(int vni, byte[] innerFrame) {
        return concat(ByteBuffer.allocate(8).putInt(0x08000000).putInt(vni << 8).array(), innerFrame);
    }

    static byte[] address(String dotted) {
        String[] p = dotted.split("\\.");
        return new byte[] {(byte) Integer.parseInt(p[0]), (byte) Integer.parseInt(p[1]),
                (byte) Integer.parseInt(p[2]), (byte) Integer.parseInt(p[3])};
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static int total(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        return n;
    }

    private static int pad(int n) {
        return (n + 3) & ~3;
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
