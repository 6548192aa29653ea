package io.tunnelscope.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.capture.TestCaptures.Packet;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapngReaderTest {
    static final Path EDITCAP_FIXTURE = Corpus.fixture("geneve.pcapng");
    static final long T = 1_700_000_000L;
    static final long NS = 1_000_000_000L;

    @TempDir
    Path dir;

    /** Two sections in opposite byte orders, three interfaces, every packet block kind, skipped blocks. */
    static TestCaptures.Pcapng twoSections() {
        TestCaptures.Pcapng ng = new TestCaptures.Pcapng();
        ng.shb(ByteOrder.LITTLE_ENDIAN, 1, "section one", 4, "hardware option ignored");
        ng.idb(LinkType.ETHERNET, 262144, 2, "eth0", 3, "uplink", 1, "interface comment");
        ng.idb(LinkType.RAW, 0, 2, "flannel0", 9, (byte) 9);
        ng.block(4, new byte[] {0, 0, 0, 0}); // Name Resolution Block: end of records only
        ng.epb(0, T * 1_000_000 + 250_000, TestCaptures.data(60, 1), 60, 1, "packet comment");
        ng.epb(1, T * NS + 123_456_789, TestCaptures.data(41, 2), 1400);
        ng.block(0x0BADC0DE, TestCaptures.data(10, 3)); // unknown block type
        ng.block(5, new byte[12]); // Interface Statistics Block
        ng.block(10, new byte[8]); // Decryption Secrets Block
        ng.pb(1, T * NS + 5, TestCaptures.data(20, 4), 20);
        ng.shb(ByteOrder.BIG_ENDIAN, 1, "section two");
        ng.idb(LinkType.LINUX_SLL2, 64, 2, "any", 9, (byte) 0x94, 14, 100L);
        ng.spb(TestCaptures.data(100, 5), 1000);
        ng.epb(0, (T << 20) | (1 << 19), TestCaptures.data(64, 6), 64);
        return ng;
    }

    @Test
    void twoSectionsSeveralInterfacesAndBlockKinds() throws IOException {
        Path file = TestCaptures.write(dir.resolve("two.pcapng"), twoSections().bytes());
        try (CaptureReader reader = CaptureReaders.open(file)) {
            assertEquals(CaptureFormat.PCAPNG, reader.format());
            List<Packet> p = TestCaptures.readAll(reader);
            assertEquals(5, p.size());

            List<CaptureInterface> itfs = reader.interfaces();
            assertEquals(new CaptureInterface(0, LinkType.ETHERNET, "eth0", "uplink", 262144, 1_000_000L), itfs.get(0));
            assertEquals(new CaptureInterface(1, LinkType.RAW, "flannel0", null, 0, NS), itfs.get(1));
            assertEquals(new CaptureInterface(2, LinkType.LINUX_SLL2, "any", null, 64, 1L << 20), itfs.get(2));
            assertEquals(List.of("section one", "interface comment", "packet comment", "section two"),
                    reader.comments());

            assertEquals(T * NS + 250_000_000L, p.get(0).timestampNanos());
            assertEquals(LinkType.ETHERNET, p.get(0).linkType());
            assertEquals(0, p.get(0).interfaceId());
            assertTrue(p.get(0).sameCapture(new Packet(T * NS + 250_000_000L, TestCaptures.data(60, 1))));

            assertEquals(T * NS + 123_456_789, p.get(1).timestampNanos());
            assertEquals(1, p.get(1).interfaceId());
            assertEquals(LinkType.RAW, p.get(1).linkType());
            assertEquals(41, p.get(1).data().length);
            assertEquals(1400, p.get(1).originalLength());

            assertEquals(T * NS + 5, p.get(2).timestampNanos(), "obsolete packet block");
            assertEquals(1, p.get(2).interfaceId());

            // SPB: interface 0 of the second section, captured length cut to the interface snaplen.
            Packet spb = p.get(3);
            assertEquals(2, spb.interfaceId());
            assertEquals(LinkType.LINUX_SLL2, spb.linkType());
            assertEquals(64, spb.data().length);
            assertEquals(1000, spb.originalLength());
            assertEquals(java.util.Arrays.toString(java.util.Arrays.copyOf(TestCaptures.data(100, 5), 64)),
                    java.util.Arrays.toString(spb.data()));

            // 2^-20 resolution plus if_tsoffset 100 s: half a second past T + 100.
            assertEquals((T + 100) * NS + 500_000_000L, p.get(4).timestampNanos());
            assertEquals(2, p.get(4).interfaceId());

            for (int i = 0; i < p.size(); i++) {
                assertEquals(i + 1, p.get(i).frameNumber());
            }
        }
    }

    @Test
    void fileOffsetsPointAtBlockStarts() throws IOException {
        TestCaptures.Pcapng ng = new TestCaptures.Pcapng().shb(ByteOrder.BIG_ENDIAN).idb(LinkType.ETHERNET, 0);
        long first = ng.size();
        ng.epb(0, 1, TestCaptures.data(3, 1), 3);
        ng.block(77, new byte[4]).block(78, new byte[0]);
        long third = ng.size();
        ng.spb(TestCaptures.data(7, 2), 7);
        List<Packet> p = TestCaptures.readAll(TestCaptures.write(dir.resolve("o.pcapng"), ng.bytes()));
        assertEquals(List.of(first, third), p.stream().map(Packet::fileOffset).toList());
        assertEquals(7, p.get(1).data().length, "SPB length from the original length, not the padding");
        assertEquals(0, p.get(1).timestampNanos(), "SPB has no timestamp");
        assertEquals(1000, p.get(0).timestampNanos());
    }

    @Test
    void timestampsDoNotOverflow() throws IOException {
        long nanos = 1_999_999_999_123_456_789L;
        long ticks2p32 = (1_999_999_999L << 32) | (3L << 30); // .75 s at 2^-32
        long picoTicks = 9_000_000_000_123_456_789L; // 10^-12 resolution: 9e6 s
        TestCaptures.Pcapng ng = new TestCaptures.Pcapng().shb(ByteOrder.LITTLE_ENDIAN)
                .idb(1, 0, 9, (byte) 9)
                .idb(1, 0, 9, (byte) (0x80 | 32))
                .idb(1, 0, 9, (byte) 12)
                .idb(1, 0, 9, (byte) (0x80 | 62))
                .idb(1, 0, 9, (byte) 0, 14, -5L)
                .epb(0, nanos, new byte[0], 0)
                .epb(1, ticks2p32, new byte[0], 0)
                .epb(2, picoTicks, new byte[0], 0)
                .epb(3, (3L << 62) - 1, new byte[0], 0) // unsigned ticks: 2.99999... s at 2^-62
                .epb(4, 10, new byte[0], 0);
        List<Packet> p = TestCaptures.readAll(TestCaptures.write(dir.resolve("ts.pcapng"), ng.bytes()));
        assertEquals(nanos, p.get(0).timestampNanos());
        assertEquals(1_999_999_999L * NS + 750_000_000L, p.get(1).timestampNanos());
        assertEquals(9_000_000L * NS + 123_456L, p.get(2).timestampNanos());
        assertEquals(2 * NS + 999_999_999L, p.get(3).timestampNanos());
        assertEquals(5 * NS, p.get(4).timestampNanos(), "10 s minus if_tsoffset 5 s");
    }

    /** A pcapng written by editcap (a third-party writer) equals the original pcap packet for packet. */
    @Test
    void editcapConversionMatchesThePcap() throws IOException {
        List<Packet> pcap = TestCaptures.readAll(Corpus.tcpdump("geneve.pcap"));
        try (CaptureReader reader = CaptureReaders.open(EDITCAP_FIXTURE)) {
            List<Packet> ng = TestCaptures.readAll(reader);
            assertEquals(pcap.size(), ng.size());
            for (int i = 0; i < ng.size(); i++) {
                assertTrue(pcap.get(i).sameCapture(ng.get(i)), "packet " + (i + 1));
                assertEquals(0, ng.get(i).interfaceId());
                assertEquals(LinkType.ETHERNET, ng.get(i).linkType());
            }
            assertEquals(List.of("converted by editcap 4.0.17", "second packet", "last packet"), reader.comments());
            assertEquals(1, reader.interfaces().size());
            assertEquals(1_000_000L, reader.interfaces().get(0).ticksPerSecond());
        }
    }

    @Test
    void sectionHeaderOnlyIsEmpty() throws IOException {
        try (CaptureReader reader = CaptureReaders.open(Corpus.tcpdump("empty.pcapng"))) {
            PacketRecord r = new PacketRecord();
            assertFalse(reader.next(r));
            assertFalse(reader.next(r));
            // The corpus file holds a section header and one interface description, no packets.
            assertEquals(1, reader.interfaces().size());
        }
        Path shbOnly = TestCaptures.write(dir.resolve("shb.pcapng"),
                new TestCaptures.Pcapng().shb(ByteOrder.BIG_ENDIAN).bytes());
        assertEquals(List.of(), TestCaptures.readAll(shbOnly));
    }

    @Test
    void interfaceWithoutOptions() throws IOException {
        TestCaptures.Pcapng ng = new TestCaptures.Pcapng().shb(ByteOrder.LITTLE_ENDIAN).idb(LinkType.NULL, 96);
        try (CaptureReader reader = CaptureReaders.open(TestCaptures.write(dir.resolve("i.pcapng"), ng.bytes()))) {
            assertFalse(reader.next(new PacketRecord()));
            CaptureInterface itf = reader.interfaces().get(0);
            assertNull(itf.name());
            assertEquals(96, itf.snapLength());
            assertEquals(1_000_000L, itf.ticksPerSecond());
        }
    }
}
