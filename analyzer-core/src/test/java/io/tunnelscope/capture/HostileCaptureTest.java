package io.tunnelscope.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tunnelscope.capture.TestCaptures.Packet;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketLineFormatter;
import io.tunnelscope.testing.PacketExercise;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile captures that {@link HostileFramingTest} does not cover: length claims that must not
 * turn into allocations, records past libpcap's 256 KiB, unknown blocks and link types, empty
 * packets, mixed link types in one pcapng, and many tiny blocks.
 */
class HostileCaptureTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    private static com.sun.management.ThreadMXBean allocationCounter() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no allocation counter");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(mx.isThreadAllocatedMemorySupported(), "no allocation counter");
        mx.setThreadAllocatedMemoryEnabled(true);
        return mx;
    }

    /** Opens and reads {@code file} to its framing error; returns the bytes this thread allocated. */
    private static long allocatedReading(com.sun.management.ThreadMXBean mx, Path file, String problem)
            throws IOException {
        PacketRecord r = new PacketRecord();
        long before = mx.getCurrentThreadAllocatedBytes();
        try (CaptureReader reader = CaptureReaders.open(file)) {
            CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> {
                while (reader.next(r)) {
                    // read on
                }
            });
            assertTrue(e.problem().startsWith(problem), e.getMessage());
        }
        return mx.getCurrentThreadAllocatedBytes() - before;
    }

    /**
     * A record or block that claims 200 MiB (or 15 MiB, under the record cap, in a gzip stream
     * that cannot be sized) is refused without allocating anything like it.
     */
    @Test
    void lengthClaimsAllocateNothing() throws IOException {
        com.sun.management.ThreadMXBean mx = allocationCounter();
        TestCaptures.Pcap huge = new TestCaptures.Pcap(ByteOrder.LITTLE_ENDIAN, false, LinkType.ETHERNET, 65535);
        huge.packet(1_000_000_000L, TestCaptures.data(60, 1), 60).record(2, 0, 200 * MIB, 200 * MIB).raw(new byte[100]);
        TestCaptures.Pcap below = new TestCaptures.Pcap(ByteOrder.BIG_ENDIAN, true, LinkType.ETHERNET, 0);
        below.packet(1_000_000_000L, TestCaptures.data(60, 1), 60).record(2, 0, 15 * MIB, 15 * MIB).raw(new byte[100]);
        TestCaptures.Pcapng ng = new TestCaptures.Pcapng().shb(ByteOrder.LITTLE_ENDIAN).idb(LinkType.ETHERNET, 0)
                .epb(0, 1, TestCaptures.data(60, 1), 60);
        TestCaptures.Pcapng ngHuge = new TestCaptures.Pcapng().raw(ng.bytes())
                .block(6, 200 * MIB, new byte[100], 200 * MIB);
        TestCaptures.Pcapng ngBelow = new TestCaptures.Pcapng().raw(ng.bytes())
                .block(6, 15 * MIB, new byte[100], 15 * MIB);

        Object[][] cases = {
            {TestCaptures.write(dir.resolve("huge.pcap"), huge.bytes()), "record length 209715200 exceeds the file"},
            {TestCaptures.gzip(dir.resolve("huge.pcap.gz"), huge.bytes()), "record length 209715200 exceeds the maximum"},
            {TestCaptures.write(dir.resolve("below.pcap"), below.bytes()), "record length 15728640 exceeds the file"},
            {TestCaptures.gzip(dir.resolve("below.pcap.gz"), below.bytes()), "truncated record ("},
            {TestCaptures.write(dir.resolve("huge.pcapng"), ngHuge.bytes()), "block length 209715200 exceeds the file"},
            {TestCaptures.gzip(dir.resolve("huge.pcapng.gz"), ngHuge.bytes()), "block length 209715200 exceeds the maximum"},
            {TestCaptures.gzip(dir.resolve("below.pcapng.gz"), ngBelow.bytes()), "truncated block ("},
        };
        for (Object[] c : cases) {
            allocatedReading(mx, (Path) c[0], (String) c[1]); // warm up: class loading
            long allocated = allocatedReading(mx, (Path) c[0], (String) c[1]);
            assertTrue(allocated < MIB, c[0] + ": " + allocated + " bytes allocated");
        }
    }

    /** libpcap refuses records over 256 KiB; this reader takes them (up to its 16 MiB cap). */
    @Test
    void recordOverLibpcapsLimitIsReadWhole() throws IOException {
        byte[] big = TestCaptures.data(300 << 10, 7);
        TestCaptures.Pcap pcap = new TestCaptures.Pcap(ByteOrder.LITTLE_ENDIAN, false, LinkType.RAW, 65535);
        pcap.packet(5_000_000_000L, big, big.length).packet(6_000_000_000L, TestCaptures.data(40, 2), 40);
        for (Path file : List.of(TestCaptures.write(dir.resolve("big.pcap"), pcap.bytes()),
                TestCaptures.gzip(dir.resolve("big.pcap.gz"), pcap.bytes()))) {
            List<Packet> packets = TestCaptures.readAll(file);
            assertEquals(2, packets.size());
            assertTrue(packets.get(0).sameCapture(new Packet(5_000_000_000L, big)), file.toString());
            new PacketExercise(true).exercise(packets.get(0).data(), big.length, LinkType.RAW, 0);
        }
    }

    /** Name Resolution, Interface Statistics, Decryption Secrets, custom and unknown blocks are skipped. */
    @Test
    void unknownBlocksAreSkipped() throws IOException {
        byte[] a = TestCaptures.data(42, 1);
        byte[] b = TestCaptures.data(43, 2);
        TestCaptures.Pcapng ng = new TestCaptures.Pcapng().shb(ByteOrder.BIG_ENDIAN)
                .block(4, new byte[] {0, 0, 0, 0}) // name resolution before any interface
                .idb(LinkType.ETHERNET, 0)
                .block(0x0BAD, "custom".getBytes())
                .epb(0, 1, a, 42)
                .block(5, new byte[16])
                .block(0x0000000A, new byte[8]) // decryption secrets
                .block(0x40000BAD, new byte[4])
                .block(0x7FFFFFFF, new byte[0])
                .epb(0, 2, b, 43)
                .block(0x12345678, new byte[64]);
        List<Packet> packets = TestCaptures.readAll(TestCaptures.write(dir.resolve("u.pcapng"), ng.bytes()));
        assertEquals(2, packets.size());
        assertTrue(packets.get(1).sameCapture(new Packet(2000, b)));
    }

    /** Thousands of minimal (12-byte) blocks: each is progress, nothing loops or grows. */
    @Test
    void manyTinyBlocks() throws IOException {
        TestCaptures.Pcapng ng = new TestCaptures.Pcapng().shb(ByteOrder.LITTLE_ENDIAN).idb(LinkType.RAW, 0);
        for (int i = 0; i < 20_000; i++) {
            ng.block(0x100 + i, new byte[0]);
        }
        ng.epb(0, 9, TestCaptures.data(20, 3), 20);
        List<Packet> packets = TestCaptures.readAll(TestCaptures.write(dir.resolve("tiny.pcapng"), ng.bytes()));
        assertEquals(1, packets.size());
        assertEquals(12 * 20_000 + 28 + 20, packets.get(0).fileOffset());
    }

    /** An unknown link type is read and counted; the decoder says so instead of guessing. */
    @Test
    void unknownLinkTypesAreReadNotDecoded() throws IOException {
        TestCaptures.Pcap pcap = new TestCaptures.Pcap(ByteOrder.LITTLE_ENDIAN, false, 147, 65535);
        pcap.packet(1_000_000_000L, TestCaptures.data(30, 1), 30);
        TestCaptures.Pcapng ng = new TestCaptures.Pcapng().shb(ByteOrder.LITTLE_ENDIAN).idb(0xFFFF, 0)
                .epb(0, 1, TestCaptures.data(30, 1), 30);
        for (Path file : List.of(TestCaptures.write(dir.resolve("u.pcap"), pcap.bytes()),
                TestCaptures.write(dir.resolve("u.pcapng"), ng.bytes()))) {
            PacketRecord r = new PacketRecord();
            try (CaptureReader reader = CaptureReaders.open(file)) {
                assertTrue(reader.next(r));
                assertFalse(LinkType.isSupported(r.linkType()));
                LayerStack s = new PacketDecoder(DecodeTables.defaults()).decode(r);
                assertEquals(0, s.count());
                StringBuilder line = new StringBuilder();
                new PacketLineFormatter(ZoneOffset.UTC, false).appendSummary(s, line);
                assertTrue(line.toString().startsWith("link type " + LinkType.name(r.linkType()) + " not decoded"),
                        line.toString());
                assertFalse(reader.next(r));
            }
        }
    }

    /** Zero-length records and blocks are packets like any other, decoded as empty or truncated. */
    @Test
    void zeroLengthPackets() throws IOException {
        TestCaptures.Pcap pcap = new TestCaptures.Pcap(ByteOrder.LITTLE_ENDIAN, false, LinkType.ETHERNET, 65535);
        pcap.packet(1_000_000_000L, new byte[0], 0).packet(2_000_000_000L, new byte[0], 60)
                .packet(3_000_000_000L, TestCaptures.data(60, 1), 60);
        TestCaptures.Pcapng ng = new TestCaptures.Pcapng().shb(ByteOrder.LITTLE_ENDIAN).idb(LinkType.RAW, 0)
                .epb(0, 1, new byte[0], 0).spb(new byte[0], 0).pb(0, 2, new byte[0], 1500)
                .epb(0, 3, TestCaptures.data(20, 1), 20);
        PacketExercise exercise = new PacketExercise(true);
        for (Path file : List.of(TestCaptures.write(dir.resolve("z.pcap"), pcap.bytes()),
                TestCaptures.gzip(dir.resolve("z.pcap.gz"), pcap.bytes()),
                TestCaptures.write(dir.resolve("z.pcapng"), ng.bytes()))) {
            List<String> lines = new ArrayList<>();
            PacketRecord r = new PacketRecord();
            try (CaptureReader reader = CaptureReaders.open(file)) {
                while (reader.next(r)) {
                    lines.add(exercise.exercise(r.buffer(), r.offset(), r.capturedLength(), r.originalLength(),
                            r.linkType(), r.timestampNanos()));
                }
            }
            assertEquals(file.toString().contains("pcapng") ? 4 : 3, lines.size(), lines.toString());
            assertEquals(0, lines.stream().limit(lines.size() - 1).filter(l -> l.contains("[OK]")).count(),
                    lines.toString());
        }
    }

    /** One pcapng with every supported link type and an unknown one, over two sections. */
    @Test
    void mixedLinkTypesInOnePcapng() throws IOException {
        byte[] ipv4 = {0x45, 0, 0, 20, 0, 1, 0x40, 0, 64, (byte) 253, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
        byte[] eth = TestCaptures.concat(new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 8, 0}, ipv4);
        byte[] sll = TestCaptures.concat(new byte[] {0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 8, 0}, ipv4);
        byte[] sll2 = TestCaptures.concat(new byte[] {8, 0, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0}, ipv4);
        byte[] nul = TestCaptures.concat(new byte[] {2, 0, 0, 0}, ipv4);
        byte[] loop = TestCaptures.concat(new byte[] {0, 0, 0, 2}, ipv4);
        TestCaptures.Pcapng ng = new TestCaptures.Pcapng().shb(ByteOrder.LITTLE_ENDIAN)
                .idb(LinkType.ETHERNET, 0).idb(LinkType.RAW, 0).idb(LinkType.LINUX_SLL, 0)
                .idb(LinkType.LINUX_SLL2, 0).idb(LinkType.NULL, 0).idb(4242, 0)
                .epb(3, 1, sll2, sll2.length).epb(0, 1, eth, eth.length).epb(5, 1, ipv4, 20)
                .epb(1, 1, ipv4, 20).epb(2, 1, sll, sll.length).epb(4, 1, nul, nul.length)
                .shb(ByteOrder.BIG_ENDIAN).idb(LinkType.LOOP, 0).idb(LinkType.IPV4, 0)
                .epb(1, 1, ipv4, 20).epb(0, 1, loop, loop.length).spb(loop, loop.length);
        List<Packet> packets = TestCaptures.readAll(TestCaptures.write(dir.resolve("mixed.pcapng"), ng.bytes()));
        int[] linkTypes = packets.stream().mapToInt(Packet::linkType).toArray();
        assertEquals(List.of(276, 1, 4242, 101, 113, 0, 228, 108, 108),
                java.util.Arrays.stream(linkTypes).boxed().toList());
        assertEquals(List.of(3, 0, 5, 1, 2, 4, 7, 6, 6), packets.stream().map(Packet::interfaceId).toList());
        PacketExercise exercise = new PacketExercise(true);
        for (Packet p : packets) {
            String line = exercise.exercise(p.data(), p.originalLength(), p.linkType(), p.timestampNanos());
            if (p.linkType() == 4242) {
                assertTrue(line.contains("link type LINKTYPE_4242 not decoded"), line);
            } else {
                assertTrue(line.contains("10.0.0.1 > 10.0.0.2"), LinkType.name(p.linkType()) + ": " + line);
            }
        }
    }
}
