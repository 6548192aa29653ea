package io.tunnelscope.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.capture.TestCaptures.Packet;
import io.tunnelscope.testing.Corpus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** {@link CaptureReaders#open(String, InputStream)}: captures arriving on pipes and standard input. */
class StreamReadTest {
    private static final String[] CORPUS = {"geneve.pcap", "tcp-handshake-nano.pcap", "bigtcp-ipv6.pcap",
        "LINKTYPE_RAW_ipv6.pcap", "empty.pcapng", "vxlan_port_8472.pcap"};

    /** A stream that hands out at most {@code chunk} bytes per read, as a slow pipe does. */
    private static final class Trickle extends FilterInputStream {
        private final int chunk;

        Trickle(InputStream in, int chunk) {
            super(in);
            this.chunk = chunk;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, chunk));
        }

        @Override
        public int available() {
            return 0;
        }
    }

    private static List<Packet> readStream(String name, InputStream in) throws IOException {
        try (CaptureReader reader = CaptureReaders.open(name, in)) {
            assertEquals(name, reader.name());
            return TestCaptures.readAll(reader);
        }
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        }
        return out.toByteArray();
    }

    @Test
    void streamsReadTheSamePacketsAsTheFiles() throws IOException {
        for (String name : CORPUS) {
            Path file = Corpus.tcpdump(name);
            byte[] bytes = Files.readAllBytes(file);
            List<Packet> expected = TestCaptures.readAll(file);
            // Packet equality includes the frame number and the record's offset.
            assertEquals(expected, readStream("-", new ByteArrayInputStream(bytes)), name);
            assertEquals(expected, readStream("-", new Trickle(new ByteArrayInputStream(bytes), 1)), name + " bytewise");
            assertEquals(expected, readStream("-", new Trickle(new ByteArrayInputStream(gzip(bytes)), 7)), name + " gzip");
            try (CaptureReader fromFile = CaptureReaders.open(file);
                 CaptureReader fromStream = CaptureReaders.open("-", new ByteArrayInputStream(bytes))) {
                TestCaptures.readAll(fromFile);
                TestCaptures.readAll(fromStream);
                assertEquals(fromFile.format(), fromStream.format(), name);
                assertEquals(fromFile.interfaces(), fromStream.interfaces(), name);
                assertEquals(fromFile.comments(), fromStream.comments(), name);
            }
        }
    }

    @Test
    void pcapngOfBothByteOrdersAndSeveralSections() throws IOException {
        byte[] two = PcapngReaderTest.twoSections().bytes();
        Path file = TestCaptures.write(Files.createTempFile("two", ".pcapng"), two);
        try {
            assertEquals(TestCaptures.readAll(file), readStream("node1", new Trickle(new ByteArrayInputStream(two), 3)));
        } finally {
            Files.delete(file);
        }
        byte[] big = new TestCaptures.Pcap(ByteOrder.BIG_ENDIAN, true, LinkType.RAW, 65535)
                .packet(1_700_000_000_123_456_789L, new byte[] {0x45, 0, 0, 20}, 20).bytes();
        List<Packet> packets = readStream("be", new ByteArrayInputStream(big));
        assertEquals(1, packets.size());
        assertEquals(1_700_000_000_123_456_789L, packets.get(0).timestampNanos());
    }

    @Test
    void aPacketIsReturnedAsSoonAsItHasArrived() throws Exception {
        TestCaptures.Pcap pcap = new TestCaptures.Pcap(ByteOrder.LITTLE_ENDIAN, false, LinkType.ETHERNET, 65535);
        byte[] first = pcap.packet(1_000_000_000L, new byte[60], 60).bytes();
        byte[] both = pcap.packet(2_000_000_000L, new byte[70], 70).bytes();
        PipedInputStream in = new PipedInputStream(1 << 16);
        PipedOutputStream writer = new PipedOutputStream(in);
        writer.write(first);
        writer.flush();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (CaptureReader reader = CaptureReaders.open("pipe", in)) {
                PacketRecord r = new PacketRecord();
                // The writer has not sent (nor closed) anything after the first packet.
                assertTrue(reader.next(r));
                assertEquals(60, r.capturedLength());
                writer.write(Arrays.copyOfRange(both, first.length, both.length));
                writer.close();
                assertTrue(reader.next(r));
                assertEquals(70, r.capturedLength());
                assertEquals(2_000_000_000L, r.timestampNanos());
                assertFalse(reader.next(r));
            }
        });
    }

    @Test
    void aStreamCutInsideARecordKeepsThePacketsBeforeIt() throws IOException {
        TestCaptures.Pcap pcap = new TestCaptures.Pcap(ByteOrder.LITTLE_ENDIAN, false, LinkType.ETHERNET, 65535);
        pcap.packet(1_000_000_000L, new byte[60], 60);
        int second = pcap.size();
        byte[] bytes = pcap.packet(2_000_000_000L, new byte[100], 100).bytes();
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 10);
        try (CaptureReader reader = CaptureReaders.open("ssh node1", new Trickle(new ByteArrayInputStream(cut), 5))) {
            PacketRecord r = new PacketRecord();
            assertTrue(reader.next(r));
            CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> reader.next(r));
            assertEquals("ssh node1", e.file());
            assertEquals(second, e.offset());
            assertEquals("ssh node1: offset " + second + ": truncated record (106 of 116 bytes)", e.getMessage());
        }
        byte[] ng = PcapngReaderTest.twoSections().bytes();
        byte[] ngCut = Arrays.copyOf(ng, ng.length - 6);
        try (CaptureReader reader = CaptureReaders.open("-", new ByteArrayInputStream(ngCut))) {
            PacketRecord r = new PacketRecord();
            CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> {
                while (reader.next(r)) {
                    // read on
                }
            });
            assertTrue(e.problem().startsWith("truncated block"), e.getMessage());
        }
    }

    @Test
    void emptyOrForeignStreamsNameTheInput() {
        CaptureFormatException empty = assertThrows(CaptureFormatException.class,
                () -> CaptureReaders.open("-", new ByteArrayInputStream(new byte[0])));
        assertEquals("-: offset 0: empty stream", empty.getMessage());
        CaptureFormatException text = assertThrows(CaptureFormatException.class,
                () -> CaptureReaders.open("node2", new ByteArrayInputStream("hello world\n".getBytes())));
        assertEquals("node2: offset 0: not a capture file (magic 0x68656c6c)", text.getMessage());
        CaptureFormatException gz = assertThrows(CaptureFormatException.class,
                () -> CaptureReaders.open("-", new ByteArrayInputStream(new byte[] {0x1f, (byte) 0x8b, 8, 0})));
        assertEquals("corrupt gzip header", gz.problem());
    }

    @Test
    void aStreamLongerThanAnyBufferIsReadWithoutHoldingIt() throws IOException {
        // 64 MiB of packets generated on the fly: the reader must not need them all at once.
        int packets = 40_000;
        byte[] header = new TestCaptures.Pcap(ByteOrder.LITTLE_ENDIAN, false, LinkType.RAW, 65535).bytes();
        InputStream generated = new InputStream() {
            private final byte[] record = new TestCaptures.Pcap(ByteOrder.LITTLE_ENDIAN, false, LinkType.RAW, 65535)
                    .packet(1_000_000_000L, new byte[1600], 1600).bytes();
            private long pos;
            private final long total = header.length + (long) packets * (record.length - header.length);

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= total) {
                    return -1;
                }
                int n = (int) Math.min(len, total - pos);
                for (int i = 0; i < n; i++) {
                    long p = pos + i;
                    b[off + i] = p < header.length ? header[(int) p]
                            : record[header.length + (int) ((p - header.length) % (record.length - header.length))];
                }
                pos += n;
                return n;
            }
        };
        try (CaptureReader reader = CaptureReaders.open("generated", generated)) {
            PacketRecord r = new PacketRecord();
            long count = 0;
            while (reader.next(r)) {
                count++;
                assertTrue(r.buffer().capacity() <= 1 << 16, "buffer grew to " + r.buffer().capacity());
            }
            assertEquals(packets, count);
        }
    }
}
