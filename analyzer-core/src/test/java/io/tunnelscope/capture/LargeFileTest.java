package io.tunnelscope.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sparse pcap larger than 2 GiB: only the headers are written, the zero payloads are holes. */
class LargeFileTest {
    static final int CAPLEN = 262144;
    static final int RECORDS = 8200; // 24 + 8200 * (16 + 262144) bytes > 2^31

    @TempDir
    Path dir;

    @Test
    void readsPastTwoGigabytes() throws IOException {
        Path file = dir.resolve("sparse.pcap");
        long size = 24 + (long) RECORDS * (16 + CAPLEN);
        assertTrue(size > Integer.MAX_VALUE);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            FileChannel ch = raf.getChannel();
            ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                    .putInt(CAPLEN).putInt(LinkType.ETHERNET).flip();
            ch.write(b, 0);
            ByteBuffer h = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < RECORDS; i++) {
                h.clear();
                h.putInt(1_700_000_000 + i).putInt(i).putInt(CAPLEN).putInt(CAPLEN + i).flip();
                ch.write(h, 24 + (long) i * (16 + CAPLEN));
            }
            raf.setLength(size);
        }
        try {
            assertEquals(size, Files.size(file));
            PacketRecord r = new PacketRecord();
            long count = 0;
            long lastOffset = -1;
            try (CaptureReader reader = CaptureReaders.open(file)) {
                while (reader.next(r)) {
                    count++;
                    lastOffset = r.fileOffset();
                    assertEquals(CAPLEN, r.capturedLength());
                }
                assertEquals(RECORDS, count);
                long expectedLast = 24 + (long) (RECORDS - 1) * (16 + CAPLEN);
                assertEquals(expectedLast, lastOffset);
                assertTrue(lastOffset > Integer.MAX_VALUE);
                assertEquals(RECORDS, r.frameNumber());
                assertEquals(CAPLEN + RECORDS - 1, r.originalLength());
                assertEquals((1_700_000_000L + RECORDS - 1) * 1_000_000_000L + (RECORDS - 1) * 1000L,
                        r.timestampNanos());
                assertEquals(0, r.buffer().get(r.offset() + CAPLEN - 1));
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
