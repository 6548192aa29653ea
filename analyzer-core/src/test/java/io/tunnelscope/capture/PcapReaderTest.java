package io.tunnelscope.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.capture.TestCaptures.Packet;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapReaderTest {
    @TempDir
    Path dir;

    /** Rewrites a corpus capture in every byte order and resolution: the same packets come back. */
    @Test
    void byteOrdersAndResolutionsGiveTheSamePackets() throws IOException {
        Path source = Corpus.tcpdump("geneve.pcap");
        List<Packet> expected = TestCaptures.readAll(source);
        assertEquals(39, expected.size());
        for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            for (boolean nanos : new boolean[] {false, true}) {
                TestCaptures.Pcap pcap = new TestCaptures.Pcap(order, nanos, LinkType.ETHERNET, 65535);
                for (Packet p : expected) {
                    pcap.packet(p.timestampNanos(), p.data(), p.originalLength());
                }
                // A misleading extension: the format comes from the magic.
                Path file = TestCaptures.write(dir.resolve("rewritten-" + order + nanos + ".txt"), pcap.bytes());
                try (CaptureReader reader = CaptureReaders.open(file)) {
                    assertEquals(CaptureFormat.PCAP, reader.format());
                    CaptureInterface itf = reader.interfaces().get(0);
                    assertEquals(new CaptureInterface(0, LinkType.ETHERNET, null, null, 65535,
                            nanos ? 1_000_000_000L : 1_000_000L), itf);
                    List<Packet> actual = TestCaptures.readAll(reader);
                    assertEquals(expected, actual, order + " nanos=" + nanos);
                }
            }
        }
    }

    @Test
    void nanosecondsBigEndianKeepsEveryDigitAndTheFileLinkType() throws IOException {
        TestCaptures.Pcap pcap = new TestCaptures.Pcap(ByteOrder.BIG_ENDIAN, true, LinkType.RAW_12, 0);
        pcap.packet(4_294_967_295_999_999_999L, TestCaptures.data(20, 1), 20);
        pcap.packet(1_700_000_000_000_000_001L, TestCaptures.data(10, 2), 1500);
        Path file = TestCaptures.write(dir.resolve("be.pcap"), pcap.bytes());
        List<Packet> got = TestCaptures.readAll(file);
        assertEquals(2, got.size());
        // Seconds are unsigned 32-bit.
        assertEquals(4_294_967_295_999_999_999L, got.get(0).timestampNanos());
        assertEquals(1_700_000_000_000_000_001L, got.get(1).timestampNanos());
        assertEquals(LinkType.RAW_12, got.get(0).linkType(), "not normalized");
        assertEquals(-1, got.get(0).interfaceId());
        assertEquals(24, got.get(0).fileOffset());
        assertEquals(24 + 16 + 20, got.get(1).fileOffset());
        assertEquals(2, got.get(1).frameNumber());
        assertEquals(1500, got.get(1).originalLength());
    }

    /** Tiny windows force a re-mapping for almost every record; results must not change. */
    @Test
    void smallWindowsRemapAcrossRecords() throws IOException {
        for (String name : new String[] {"geneve.pcap", "vxlan.pcap", "bigtcp-ipv6.pcap"}) {
            Path file = Corpus.tcpdump(name);
            List<Packet> expected = TestCaptures.readAll(file);
            try (CaptureReader reader = CaptureReaders.open(file, 4096)) {
                assertEquals(expected, TestCaptures.readAll(reader), name);
            }
        }
        Path ng = PcapngReaderTest.EDITCAP_FIXTURE;
        try (CaptureReader reader = CaptureReaders.open(ng, 4096)) {
            assertEquals(TestCaptures.readAll(ng), TestCaptures.readAll(reader));
        }
    }

    @Test
    void bufferIsBigEndianAndAbsolute() throws IOException {
        byte[] data = {0x45, 0, 0, 20, 1, 2, 3, 4};
        TestCaptures.Pcap pcap = new TestCaptures.Pcap(ByteOrder.LITTLE_ENDIAN, false, LinkType.RAW, 65535);
        pcap.packet(1_000_000_000L, TestCaptures.data(33, 9), 33).packet(2_000_000_000L, data, 8);
        Path file = TestCaptures.write(dir.resolve("abs.pcap"), pcap.bytes());
        PacketRecord r = new PacketRecord();
        try (CaptureReader reader = CaptureReaders.open(file)) {
            assertTrue(reader.next(r));
            assertTrue(reader.next(r));
            assertEquals(ByteOrder.BIG_ENDIAN, r.buffer().order());
            assertEquals(0x45000014, r.buffer().getInt(r.offset()));
            assertEquals(0x01020304, r.buffer().getInt(r.offset() + 4));
            assertEquals(24 + 16 + 33 + 16, r.offset(), "index within the mapped window");
        }
        assertTrue(Files.size(file) > 0);
    }
}
