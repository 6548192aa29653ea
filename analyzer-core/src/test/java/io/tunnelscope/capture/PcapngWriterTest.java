package io.tunnelscope.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapngWriterTest {
    @TempDir
    Path dir;

    private static byte[] bytes(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed + i * 7);
        }
        return b;
    }

    @Test
    void roundTripKeepsInterfacesLinkTypesNanosecondsAndBytes() throws Exception {
        Path file = dir.resolve("live.pcapng");
        List<CaptureInterface> interfaces = List.of(
                new CaptureInterface(0, LinkType.ETHERNET, "flannel.1", "vxlan device", 262144, 1_000_000_000L),
                new CaptureInterface(1, LinkType.RAW_12, "flannel0", null, 0, 1_000_000L),
                new CaptureInterface(2, LinkType.LINUX_SLL2, "any", null, 65535, 1_000_000_000L));
        long t0 = 1_700_000_000_123_456_789L;
        byte[][] packets = {bytes(60, 1), bytes(1, 2), bytes(1514, 3), bytes(0, 4), bytes(98, 5)};
        int[] ifaces = {0, 1, 0, 2, 1};
        try (PcapngWriter writer = new PcapngWriter(file, interfaces)) {
            PacketRecord record = new PacketRecord();
            for (int n = 0; n < packets.length; n++) {
                byte[] p = packets[n];
                // Packet bytes in the middle of a larger buffer, as a reader hands them out.
                ByteBuffer buffer = ByteBuffer.allocate(p.length + 10);
                buffer.put(5, p);
                record.set(buffer, 5, p.length, p.length + (n == 2 ? 100 : 0), t0 + n * 1_001L, 1, ifaces[n], n + 1, -1);
                writer.write(record);
            }
            assertEquals(5, writer.packets());
        }

        try (CaptureReader reader = CaptureReaders.open(file)) {
            assertEquals(CaptureFormat.PCAPNG, reader.format());
            PacketRecord record = new PacketRecord();
            for (int n = 0; n < packets.length; n++) {
                assertTrue(reader.next(record), "packet " + n);
                assertEquals(ifaces[n], record.interfaceId());
                assertEquals(t0 + n * 1_001L, record.timestampNanos());
                assertEquals(packets[n].length, record.capturedLength());
                assertEquals(packets[n].length + (n == 2 ? 100 : 0), record.originalLength());
                assertArrayEquals(packets[n], record.copyBytes());
                assertEquals(n + 1, record.frameNumber());
            }
            assertFalse(reader.next(record));
            List<CaptureInterface> read = reader.interfaces();
            assertEquals(3, read.size());
            assertEquals("flannel.1", read.get(0).name());
            assertEquals("vxlan device", read.get(0).description());
            assertEquals(LinkType.ETHERNET, read.get(0).linkType());
            assertEquals(262144, read.get(0).snapLength());
            assertEquals(1_000_000_000L, read.get(0).ticksPerSecond());
            assertEquals("flannel0", read.get(1).name());
            assertEquals(LinkType.RAW, read.get(1).linkType(), "DLT_RAW 12 written as LINKTYPE_RAW");
            assertEquals(LinkType.LINUX_SLL2, read.get(2).linkType());
            assertEquals("any", read.get(2).name());
        }
    }

    @Test
    void flushedFileReopensWhileStillOpen() throws Exception {
        Path file = dir.resolve("growing.pcapng");
        List<CaptureInterface> interfaces = List.of(
                new CaptureInterface(0, LinkType.ETHERNET, "eth0", null, 262144, 1_000_000_000L));
        try (PcapngWriter writer = new PcapngWriter(file, interfaces)) {
            byte[] p = bytes(42, 9);
            writer.write(0, 5L, ByteBuffer.wrap(p), 0, p.length, p.length);
            writer.flush();
            try (CaptureReader reader = CaptureReaders.open(file)) {
                PacketRecord record = new PacketRecord();
                assertTrue(reader.next(record));
                assertArrayEquals(p, record.copyBytes());
                assertFalse(reader.next(record));
            }
            assertThrows(IllegalArgumentException.class,
                    () -> writer.write(1, 6L, ByteBuffer.wrap(p), 0, p.length, p.length));
        }
        assertTrue(Files.size(file) > 0);
    }

    /**
     * Section and packet comments are written and read back, and every packet's bytes lie where
     * its record says ({@link PacketRecord#dataOffset()}), read mapped or buffered.
     */
    @Test
    void commentsAndDataOffsets() throws Exception {
        Path file = dir.resolve("commented.pcapng");
        List<CaptureInterface> interfaces = List.of(
                new CaptureInterface(0, LinkType.ETHERNET, "host1-ens33", null, 0, 1_000_000_000L));
        byte[][] packets = {bytes(60, 1), bytes(77, 2), bytes(1514, 3)};
        try (PcapngWriter writer = new PcapngWriter(file, interfaces, List.of("from host1-ens33.pcap", "übersicht"))) {
            for (int n = 0; n < packets.length; n++) {
                writer.write(0, 1_000L * n, ByteBuffer.wrap(packets[n]), 0, packets[n].length, packets[n].length,
                        n == 1 ? "No. 2, host1-ens33 frame 7" : null);
            }
        }
        byte[] whole = Files.readAllBytes(file);
        for (boolean buffered : new boolean[] {false, true}) {
            try (CaptureReader reader = buffered ? CaptureReaders.openBuffered(file) : CaptureReaders.open(file)) {
                PacketRecord record = new PacketRecord();
                for (byte[] p : packets) {
                    assertTrue(reader.next(record));
                    byte[] at = java.util.Arrays.copyOfRange(whole, (int) record.dataOffset(),
                            (int) record.dataOffset() + record.capturedLength());
                    assertArrayEquals(p, at);
                }
                assertFalse(reader.next(record));
                assertEquals(List.of("from host1-ens33.pcap", "übersicht", "No. 2, host1-ens33 frame 7"),
                        reader.comments());
            }
        }
    }
}
