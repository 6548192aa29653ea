package io.tunnelscope.detail;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The Kaitai pcap and pcapng specs, through {@link PacketDetails#captureRecords(byte[])}. */
class KaitaiCaptureSpecTest {

    /**
     * Captured length of every record of every corpus pcap, as tshark reports them:
     * {@code for f in *.pcap; do echo "$f $(tshark -r $f -T fields -e frame.cap_len | paste -sd,)"; done}
     */
    private static final Map<String, int[]> CAP_LENS = new TreeMap<>(Map.ofEntries(
        Map.entry("LINKTYPE_RAW_ipv4.pcap", new int[] {57}),
        Map.entry("LINKTYPE_RAW_ipv6.pcap", new int[] {77}),
        Map.entry("bigtcp-ipv4-geneve-ipv4.pcap", new int[] {80116}),
        Map.entry("bigtcp-ipv4-geneve-ipv6.pcap", new int[] {80136}),
        Map.entry("bigtcp-ipv4-vxlan-ipv4.pcap", new int[] {80116}),
        Map.entry("bigtcp-ipv4-vxlan-ipv6.pcap", new int[] {80060}),
        Map.entry("bigtcp-ipv4.pcap", new int[] {80066}),
        Map.entry("bigtcp-ipv6-geneve-ipv4.pcap", new int[] {80136}),
        Map.entry("bigtcp-ipv6-geneve-ipv6.pcap", new int[] {80156}),
        Map.entry("bigtcp-ipv6-hbh.pcap", new int[] {80094}),
        Map.entry("bigtcp-ipv6-vxlan-ipv4.pcap", new int[] {80136}),
        Map.entry("bigtcp-ipv6-vxlan-ipv6.pcap", new int[] {80156}),
        Map.entry("bigtcp-ipv6.pcap", new int[] {80054}),
        Map.entry("geneve-gcp.pcap", new int[] {130}),
        Map.entry("geneve.pcap", new int[] {156, 148, 124, 132, 116, 163, 116, 137, 124, 908, 124,
            1108, 140, 276, 260, 844, 132, 124, 164, 124, 172, 180, 188, 116, 156, 148, 260, 156,
            116, 244, 172, 564, 236, 412, 116, 204, 116, 156, 148}),
        Map.entry("gso-ipv4-geneve-ipv4.pcap", new int[] {7106}),
        Map.entry("gso-ipv4-geneve-ipv6.pcap", new int[] {4270}),
        Map.entry("gso-ipv4-vxlan-ipv4.pcap", new int[] {7106}),
        Map.entry("gso-ipv4-vxlan-ipv6.pcap", new int[] {4270}),
        Map.entry("gso-ipv4.pcap", new int[] {7306}),
        Map.entry("gso-ipv6-geneve-ipv4.pcap", new int[] {7026}),
        Map.entry("gso-ipv6-geneve-ipv6.pcap", new int[] {6946}),
        Map.entry("gso-ipv6-vxlan-ipv4.pcap", new int[] {7026}),
        Map.entry("gso-ipv6-vxlan-ipv6.pcap", new int[] {4230}),
        Map.entry("gso-ipv6.pcap", new int[] {7226}),
        Map.entry("ip6_frag_asan.pcap", new int[] {60}),
        Map.entry("ipv6_frag6_negative_len.pcap", new int[] {70}),
        Map.entry("tcp-handshake-nano.pcap", new int[] {76, 76, 68}),
        Map.entry("vxlan.pcap", new int[] {148, 92, 92, 148, 148, 148, 148, 148, 148, 148}),
        Map.entry("vxlan_port_8472.pcap", new int[] {148, 92, 92, 148, 148, 148, 148, 148, 148,
            148})));

    @Test
    void readsEveryCorpusPcapLikeTshark() {
        for (Map.Entry<String, int[]> e : CAP_LENS.entrySet()) {
            byte[] file = TestFiles.tcpdumpBytes(e.getKey());
            CaptureRecords r = PacketDetails.captureRecords(file);
            assertEquals("pcap", r.format(), e.getKey());
            assertNull(r.error(), e.getKey());
            int[] lens = r.records().stream().mapToInt(CaptureRecord::capturedLength).toArray();
            assertArrayEquals(e.getValue(), lens, e.getKey());
            for (CaptureRecord rec : r.records()) {
                assertEquals(rec.capturedLength(), rec.data().length);
                assertArrayEquals(rec.data(), Arrays.copyOfRange(file, rec.dataOffset(),
                    rec.dataOffset() + rec.capturedLength()), e.getKey() + " data offset");
            }
        }
    }

    @Test
    void corpusListIsComplete() {
        java.io.File[] files = TestFiles.corpus().resolve("tcpdump").toFile()
            .listFiles((d, n) -> n.endsWith(".pcap"));
        assertNotNull(files);
        for (java.io.File f : files) {
            assertTrue(CAP_LENS.containsKey(f.getName()), "no tshark reference for " + f.getName());
        }
    }

    @Test
    void microAndNanosecondTimestamps() {
        // tshark -r vxlan.pcap -T fields -e frame.time_epoch: 1368908504.837063000 (µs magic)
        CaptureRecord v = TestFiles.packet("vxlan.pcap", 1);
        assertEquals(1368908504_837063000L, v.timestampNanos());
        assertEquals(1, v.linkType());
        // tshark -r tcp-handshake-nano.pcap -T fields -e frame.time_epoch:
        // 1418145369.924505488, 1418145370.052027262 (ns magic, LINKTYPE_LINUX_SLL)
        CaptureRecords n = PacketDetails.captureRecords(TestFiles.tcpdumpBytes("tcp-handshake-nano.pcap"));
        assertEquals(1418145369_924505488L, n.records().get(0).timestampNanos());
        assertEquals(1418145370_052027262L, n.records().get(1).timestampNanos());
        assertEquals(113, n.records().get(0).linkType());
        // Raw IP: LINKTYPE_RAW (101) in the file header.
        assertEquals(101, TestFiles.packet("LINKTYPE_RAW_ipv4.pcap", 1).linkType());
    }

    @Test
    void bigEndianPcapReadsTheSame() {
        for (String name : List.of("vxlan.pcap", "tcp-handshake-nano.pcap")) {
            byte[] le = TestFiles.tcpdumpBytes(name);
            byte[] be = toBigEndian(le);
            assertEquals((byte) 0xa1, be[0]);
            CaptureRecords a = PacketDetails.captureRecords(le);
            CaptureRecords b = PacketDetails.captureRecords(be);
            assertNull(b.error());
            assertEquals(a.records().size(), b.records().size());
            for (int i = 0; i < a.records().size(); i++) {
                CaptureRecord x = a.records().get(i);
                CaptureRecord y = b.records().get(i);
                assertEquals(x.timestampNanos(), y.timestampNanos());
                assertEquals(x.linkType(), y.linkType());
                assertEquals(x.originalLength(), y.originalLength());
                assertArrayEquals(x.data(), y.data());
            }
        }
    }

    /** Rewrites a little-endian pcap in big-endian byte order. */
    private static byte[] toBigEndian(byte[] le) {
        ByteBuffer in = ByteBuffer.wrap(le).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.allocate(le.length).order(ByteOrder.BIG_ENDIAN);
        out.putInt(in.getInt()); // the magic value, now written big-endian
        out.putShort(in.getShort()).putShort(in.getShort());
        for (int i = 0; i < 4; i++) {
            out.putInt(in.getInt());
        }
        while (in.hasRemaining()) {
            int sec = in.getInt();
            int frac = in.getInt();
            int incl = in.getInt();
            int orig = in.getInt();
            out.putInt(sec).putInt(frac).putInt(incl).putInt(orig);
            byte[] data = new byte[incl];
            in.get(data);
            out.put(data);
        }
        return out.array();
    }

    @Test
    void truncatedPcapKeepsTheRecordsBefore() {
        byte[] file = TestFiles.tcpdumpBytes("vxlan.pcap");
        CaptureRecords r = PacketDetails.captureRecords(Arrays.copyOf(file, file.length - 10));
        assertEquals(9, r.records().size());
        assertNotNull(r.error());
        assertTrue(r.error().startsWith("truncated"), r.error());

        // A record header claiming 2 GiB: an error, not an allocation.
        byte[] lying = Arrays.copyOf(file, 24 + 16);
        ByteBuffer.wrap(lying).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + 8, 0x7fffffff);
        CaptureRecords l = PacketDetails.captureRecords(lying);
        assertEquals(0, l.records().size());
        assertNotNull(l.error());

        assertEquals("unknown", PacketDetails.captureRecords(new byte[] {1, 2, 3}).format());
        assertNotNull(PacketDetails.captureRecords(new byte[0]).error());
    }

    @Test
    void emptyPcapng() {
        CaptureRecords r = PacketDetails.captureRecords(TestFiles.tcpdumpBytes("empty.pcapng"));
        assertEquals("pcapng", r.format());
        assertNull(r.error());
        assertEquals(0, r.records().size());
    }

    /**
     * The editcap-converted geneve.pcap (see src/test/resources/captures/README.md; it carries a
     * section comment and two packet comments, i.e. options on SHB and EPBs) holds the same
     * packets as the pcap original.
     */
    @Test
    void convertedPcapngMatchesThePcap() {
        CaptureRecords ng = PacketDetails.captureRecords(TestFiles.read(TestFiles.fixture("geneve.pcapng")));
        CaptureRecords p = PacketDetails.captureRecords(TestFiles.tcpdumpBytes("geneve.pcap"));
        assertEquals("pcapng", ng.format());
        assertNull(ng.error());
        assertEquals(39, ng.records().size());
        for (int i = 0; i < 39; i++) {
            CaptureRecord a = p.records().get(i);
            CaptureRecord b = ng.records().get(i);
            assertEquals(i + 1, b.number());
            assertEquals(1, b.linkType());
            assertEquals(0, b.interfaceId());
            assertEquals(a.timestampNanos(), b.timestampNanos(), "frame " + (i + 1));
            assertEquals(a.originalLength(), b.originalLength());
            assertArrayEquals(a.data(), b.data());
        }
        FieldNode tree = PacketDetails.fileTree(TestFiles.read(TestFiles.fixture("geneve.pcapng")));
        assertTrue(!tree.hasError(), tree.firstError().map(FieldNode::value).orElse(""));
        // The SHB comment option: code 1.
        assertTrue(tree.find(n -> n.name().equals("code") && n.value().equals("1")).isPresent());
    }

    @Test
    void pcapngBothByteOrdersSectionsAndBlockKinds() {
        byte[] sec1 = new PcapngWriter(ByteOrder.BIG_ENDIAN)
            .shb()
            .idb(1, 9) // if_tsresol 9: nanoseconds
            .epb(0, 1_500_000_000_123_456_789L, new byte[] {1, 2, 3, 4, 5}, 60)
            .spb(new byte[] {9, 8, 7}, 3)
            .block(4, new byte[] {0, 0, 0, 0}) // a Name Resolution Block: kept as raw bytes
            .bytes();
        byte[] sec2 = new PcapngWriter(ByteOrder.LITTLE_ENDIAN)
            .shb()
            .idb(101, -1) // no if_tsresol: microseconds
            .epb(0, 1_600_000_000_000_001L, new byte[] {0x45, 0, 0, 20}, 20)
            .bytes();
        byte[] file = new byte[sec1.length + sec2.length];
        System.arraycopy(sec1, 0, file, 0, sec1.length);
        System.arraycopy(sec2, 0, file, sec1.length, sec2.length);

        CaptureRecords r = PacketDetails.captureRecords(file);
        assertNull(r.error());
        assertEquals(3, r.records().size());
        CaptureRecord a = r.records().get(0);
        assertEquals(1, a.linkType());
        assertEquals(0, a.interfaceId());
        assertEquals(1_500_000_000_123_456_789L, a.timestampNanos());
        assertEquals(5, a.capturedLength());
        assertEquals(60, a.originalLength());
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, a.data());
        CaptureRecord b = r.records().get(1);
        assertArrayEquals(new byte[] {9, 8, 7}, b.data());
        assertEquals(1, b.linkType());
        CaptureRecord c = r.records().get(2);
        assertEquals(1, c.interfaceId()); // numbered across sections
        assertEquals(101, c.linkType());
        assertEquals(1_600_000_000_000_001_000L, c.timestampNanos());
        // SHB 44 bytes (with its comment), IDB 20, then the EPB's 28 bytes of header.
        assertEquals(sec1.length + 44 + 20 + 28, c.dataOffset());

        // Cut inside the last block: the packets before it survive.
        CaptureRecords cut = PacketDetails.captureRecords(Arrays.copyOf(file, file.length - 6));
        assertEquals(2, cut.records().size());
        assertNotNull(cut.error());
    }

    /** Writes pcapng blocks in one byte order. */
    private static final class PcapngWriter {
        private final ByteBuffer buf = ByteBuffer.allocate(4096);

        PcapngWriter(ByteOrder order) {
            buf.order(order);
        }

        PcapngWriter shb() {
            ByteBuffer body = body();
            body.putInt(0x1a2b3c4d).putShort((short) 1).putShort((short) 0).putLong(-1);
            option(body, 1, "section".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            option(body, 0, new byte[0]);
            return block(0x0a0d0d0a, body);
        }

        PcapngWriter idb(int linkType, int tsresol) {
            ByteBuffer body = body();
            body.putShort((short) linkType).putShort((short) 0).putInt(0);
            if (tsresol >= 0) {
                option(body, 9, new byte[] {(byte) tsresol});
                option(body, 0, new byte[0]);
            }
            return block(1, body);
        }

        PcapngWriter epb(int iface, long ticks, byte[] data, int orig) {
            ByteBuffer body = body();
            body.putInt(iface).putInt((int) (ticks >>> 32)).putInt((int) ticks)
                .putInt(data.length).putInt(orig).put(data);
            pad(body);
            return block(6, body);
        }

        PcapngWriter spb(byte[] data, int orig) {
            ByteBuffer body = body();
            body.putInt(orig).put(data);
            pad(body);
            return block(3, body);
        }

        PcapngWriter block(int type, byte[] raw) {
            ByteBuffer body = body();
            body.put(raw);
            return block(type, body);
        }

        private ByteBuffer body() {
            return ByteBuffer.allocate(1024).order(buf.order());
        }

        private static void option(ByteBuffer b, int code, byte[] value) {
            b.putShort((short) code).putShort((short) value.length).put(value);
            pad(b);
        }

        private static void pad(ByteBuffer b) {
            while (b.position() % 4 != 0) {
                b.put((byte) 0);
            }
        }

        private PcapngWriter block(int type, ByteBuffer body) {
            int len = 12 + body.position();
            buf.putInt(type).putInt(len).put(body.array(), 0, body.position()).putInt(len);
            return this;
        }

        byte[] bytes() {
            return Arrays.copyOf(buf.array(), buf.position());
        }
    }
}
