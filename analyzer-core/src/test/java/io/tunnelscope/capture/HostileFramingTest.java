package io.tunnelscope.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.capture.TestCaptures.Packet;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken framing: exceptions name the file and offset, earlier packets stay valid, nothing loops. */
class HostileFramingTest {
    @TempDir
    Path dir;

    /** Reads until the error; returns the packets read before it. */
    private static List<Packet> readUntilError(Path file, long offset, String problem, boolean gz) throws IOException {
        List<Packet> before = new ArrayList<>();
        PacketRecord r = new PacketRecord();
        try (CaptureReader reader = CaptureReaders.open(file)) {
            CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> {
                while (reader.next(r)) {
                    before.add(Packet.of(r));
                }
            });
            assertEquals(file.toString(), e.file());
            assertEquals(problem, e.problem());
            assertEquals(offset, e.offset());
            assertEquals(file + ": offset " + offset + ": " + problem, e.getMessage());
            // The reader stays failed rather than resynchronising on garbage.
            assertSame(e, assertThrows(CaptureFormatException.class, () -> reader.next(r)));
        }
        return before;
    }

    private CaptureFormatException openFails(String name, byte[] bytes) {
        Path file = dir.resolve(name);
        return assertThrows(CaptureFormatException.class, () -> {
            TestCaptures.write(file, bytes);
            CaptureReaders.open(file).close();
        });
    }

    private Path file(String name, byte[] bytes) throws IOException {
        return TestCaptures.write(dir.resolve(name), bytes);
    }

    private Path gz(String name, byte[] bytes) throws IOException {
        return TestCaptures.gzip(dir.resolve(name), bytes);
    }

    private static TestCaptures.Pcap threePackets() {
        TestCaptures.Pcap pcap = new TestCaptures.Pcap(ByteOrder.LITTLE_ENDIAN, false, LinkType.ETHERNET, 65535);
        for (int i = 0; i < 3; i++) {
            pcap.packet(1_000_000_000L * (i + 1), TestCaptures.data(50, i), 50);
        }
        return pcap;
    }

    @Test
    void emptyFile() {
        CaptureFormatException e = openFails("empty.pcap", new byte[0]);
        assertEquals("empty file", e.problem());
        assertEquals(0, e.offset());
    }

    @Test
    void notACaptureFile() {
        CaptureFormatException e = openFails("text.pcap", "hello, world\n".getBytes());
        assertEquals("not a capture file (magic 0x68656c6c)", e.problem());
        assertEquals(0, e.offset());
        assertEquals("truncated file header (3 of 4 magic bytes)", openFails("short", new byte[] {1, 2, 3}).problem());
    }

    @Test
    void truncatedFileHeader() {
        byte[] header = Arrays.copyOf(threePackets().bytes(), 20);
        assertEquals("truncated file header (20 of 24 bytes)", openFails("hdr.pcap", header).problem());
        byte[] shb = Arrays.copyOf(new TestCaptures.Pcapng().shb(ByteOrder.LITTLE_ENDIAN).bytes(), 10);
        assertEquals("truncated block header (10 of 12 bytes)", openFails("hdr.pcapng", shb).problem());
    }

    @Test
    void truncatedRecordHeader() throws IOException {
        TestCaptures.Pcap pcap = threePackets();
        int end = pcap.size();
        byte[] bytes = TestCaptures.concat(pcap.bytes(), new byte[7]);
        assertEquals(3, readUntilError(file("h.pcap", bytes), end, "truncated record header (7 of 16 bytes)", false).size());
        assertEquals(3, readUntilError(gz("h.pcap.gz", bytes), end, "truncated record header (7 of 16 bytes)", true).size());
    }

    @Test
    void truncatedLastRecord() throws IOException {
        TestCaptures.Pcap pcap = threePackets();
        byte[] all = pcap.bytes();
        byte[] cut = Arrays.copyOf(all, all.length - 5);
        long third = 24 + 2 * (16 + 50);
        List<Packet> before = readUntilError(file("t.pcap", cut), third,
                "record length 50 exceeds the file (45 bytes left)", false);
        assertEquals(2, before.size());
        assertEquals(Arrays.toString(TestCaptures.data(50, 1)), Arrays.toString(before.get(1).data()));
        assertEquals(2, readUntilError(gz("t.pcap.gz", cut), third, "truncated record (61 of 66 bytes)", true).size());
    }

    @Test
    void hugeCaptureLength() throws IOException {
        TestCaptures.Pcap pcap = threePackets();
        long end = pcap.size();
        pcap.record(1, 0, -1, -1).raw(new byte[100]);
        assertEquals(3, readUntilError(file("big.pcap", pcap.bytes()), end,
                "record length 4294967295 exceeds the file (100 bytes left)", false).size());
        assertEquals(3, readUntilError(gz("big.pcap.gz", pcap.bytes()), end,
                "record length 4294967295 exceeds the maximum 16777216", true).size());
    }

    private static TestCaptures.Pcapng ngWithOnePacket() {
        return new TestCaptures.Pcapng().shb(ByteOrder.LITTLE_ENDIAN).idb(LinkType.ETHERNET, 0)
                .epb(0, 1, TestCaptures.data(30, 1), 30);
    }

    @Test
    void pcapngZeroBlockLengthDoesNotLoop() throws IOException {
        TestCaptures.Pcapng ng = ngWithOnePacket();
        long at = ng.size();
        ng.block(6, 0, new byte[0], 0);
        check(ng, at, "block length 0 below the minimum 32 for an enhanced packet block");
        ng = ngWithOnePacket();
        ng.block(0x1234, 0, new byte[0], 0);
        check(ng, at, "block length 0 below the minimum 12 for block type 0x00001234");
    }

    @Test
    void pcapngLyingLengths() throws IOException {
        TestCaptures.Pcapng ng = ngWithOnePacket();
        long at = ng.size();
        ng.block(0x1234, 14, new byte[4], 14);
        check(ng, at, "block length 14 not a multiple of 4");

        ng = ngWithOnePacket();
        ng.block(0x1234, 20, new byte[8], 24);
        check(ng, at + 16, "trailing block length 24 differs from leading 20");

        ng = ngWithOnePacket();
        ng.block(6, 0xFFFFFFFC, new byte[40], 0xFFFFFFFC);
        check(ng, at, "block length 4294967292 exceeds the file (52 bytes left)");
        Path g = gz("over.pcapng.gz", ng.bytes());
        assertEquals(1, readUntilError(g, at, "block length 4294967292 exceeds the maximum "
                + CaptureReaders.MAX_BLOCK, true).size());

        ng = ngWithOnePacket();
        ng.block(3, 0x7FFFFFF0, new byte[40], 0x7FFFFFF0);
        check(ng, at, "block length 2147483632 exceeds the file (52 bytes left)");

        ng = ngWithOnePacket();
        ng.raw(new byte[] {6, 0, 0, 0, 40});
        check(ng, at, "truncated block header (5 of 12 bytes)");
    }

    @Test
    void pcapngLyingContents() throws IOException {
        TestCaptures.Pcapng ng = ngWithOnePacket();
        long at = ng.size();
        byte[] epb = ng.buf(20).putInt(0).putInt(0).putInt(0).putInt(200).putInt(200).array();
        ng.block(6, TestCaptures.concat(epb, new byte[8]));
        check(ng, at, "captured length 200 exceeds the block (8 bytes of data)");

        ng = ngWithOnePacket();
        ng.epb(1, 0, new byte[4], 4);
        check(ng, at, "packet refers to interface 1 but its section describes 1");

        ng = ngWithOnePacket();
        ng.shb(ByteOrder.BIG_ENDIAN).spb(new byte[4], 4);
        check(ng, at + 28, "packet refers to interface 0 but its section describes 0");

        ng = ngWithOnePacket();
        byte[] idb = ng.buf(12).putShort((short) 1).putShort((short) 0).putInt(0).putShort((short) 2)
                .putShort((short) 400).array();
        ng.block(1, idb);
        check(ng, at + 16, "option length 400 exceeds the block");

        byte[] badMagic = new TestCaptures.Pcapng().shb(ByteOrder.LITTLE_ENDIAN).bytes();
        badMagic[8] = 0x55;
        assertEquals("bad byte-order magic 0x553c2b1a in section header", openFails("m.pcapng", badMagic).problem());
    }

    private void check(TestCaptures.Pcapng ng, long offset, String problem) throws IOException {
        List<Packet> before = readUntilError(file("ng.pcapng", ng.bytes()), offset, problem, false);
        assertEquals(1, before.size(), problem);
        assertTrue(before.get(0).sameCapture(new Packet(1000, TestCaptures.data(30, 1))));
    }
}
