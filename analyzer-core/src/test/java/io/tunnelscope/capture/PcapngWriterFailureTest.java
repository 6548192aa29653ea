package io.tunnelscope.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.testing.Tshark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pcapng whose writing fails part way (disk full, file size limit, the reader of a pipe gone)
 * ends at its last whole block, and the writer says how many packets it kept and lost.
 */
class PcapngWriterFailureTest {
    private static final List<CaptureInterface> INTERFACES = List.of(
            new CaptureInterface(0, LinkType.ETHERNET, "a", null, 262144, 1_000_000_000L),
            new CaptureInterface(1, LinkType.ETHERNET, "b", null, 262144, 1_000_000_000L));

    @TempDir
    Path dir;

    /** Packet {@code n}: 60 to 1,514 bytes, every byte derived from n. */
    static byte[] packet(int n) {
        byte[] p = new byte[60 + (n * 397) % 1455];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (n * 31 + i);
        }
        return p;
    }

    /** Writes packets 0..count-1 until the writer fails, then the rest (each failing again). */
    static long[] writeAll(PcapngWriter writer, int count) {
        PacketRecord record = new PacketRecord();
        long failures = 0;
        for (int n = 0; n < count; n++) {
            byte[] p = packet(n);
            record.set(ByteBuffer.wrap(p), 0, p.length, p.length, 1_700_000_000_000_000_000L + n * 1000L,
                    LinkType.ETHERNET, n % 2, n + 1, -1);
            try {
                writer.write(record);
            } catch (IOException e) {
                failures++;
            }
        }
        try {
            writer.close();
        } catch (IOException e) {
            failures++;
        }
        return new long[] {writer.packets(), writer.lost(), failures};
    }

    /** A stream that takes {@code room} bytes, then part of the next write, then fails. */
    private static final class FullStream extends OutputStream {
        final ByteArrayOutputStream sink = new ByteArrayOutputStream();
        final int room;

        FullStream(int room) {
            this.room = room;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int fits = Math.min(len, room - sink.size());
            sink.write(b, off, fits);
            if (fits < len) {
                throw new IOException("No space left on device");
            }
        }
    }

    @Test
    void aStreamThatFillsUpKeepsWholePacketsAndCountsTheRest() throws IOException {
        FullStream stream = new FullStream(300_000);
        PcapngWriter writer = new PcapngWriter(stream, INTERFACES);
        long[] counts = writeAll(writer, 2_000);
        long kept = counts[0];
        long lost = counts[1];
        assertTrue(kept > 100 && lost > 100, Arrays.toString(counts));
        assertEquals(2_000, kept + lost);
        assertEquals("No space left on device", writer.failure().getMessage());
        // Every packet counted as kept reached the stream whole, in order; the stream then tears.
        try (CaptureReader reader = CaptureReaders.open("full", stream.sink.toByteArray())) {
            PacketRecord r = new PacketRecord();
            for (int n = 0; n < kept; n++) {
                assertTrue(reader.next(r), "kept packet " + n);
                assertArrayEquals(packet(n), r.copyBytes());
            }
            assertThrows(CaptureFormatException.class, () -> {
                while (reader.next(r)) {
                    // a few more whole blocks may have gone out in the failed write
                }
            });
        }
        assertThrows(IOException.class, writer::flush);
    }

    @Test
    void aStreamThatNeverFailsKeepsEverything() throws IOException {
        FullStream stream = new FullStream(Integer.MAX_VALUE);
        long[] counts = writeAll(new PcapngWriter(stream, INTERFACES), 2_000);
        assertEquals(2_000, counts[0]);
        assertEquals(0, counts[1]);
        assertEquals(0, counts[2]);
    }

    /**
     * A regular file under a size limit ({@code ulimit -f}: the write fails with EFBIG, as on a
     * full disk with ENOSPC) is cut back to its last whole block and reads cleanly to its last
     * packet, tshark included.
     */
    @Test
    void aFileThatHitsItsLimitIsCutBackToItsLastWholeBlock() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash for ulimit");
        Path file = dir.resolve("limited.pcapng");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = List.of("/bin/bash", "-c", "ulimit -f 512 && exec \"$@\"", "bash",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-cp", classpath,
                Child.class.getName(), file.toString(), "5000");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not end");
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), out);
        String[] parts = out.trim().split(" ", 4);
        long kept = Long.parseLong(parts[0]);
        long lost = Long.parseLong(parts[1]);
        assertEquals(5_000, kept + lost, out);
        assertTrue(kept > 0 && lost > 0, out);
        assertTrue(Files.size(file) <= 512 * 1024, "size " + Files.size(file));

        List<TestCaptures.Packet> read = TestCaptures.readAll(file);
        assertEquals(kept, read.size());
        for (int n = 0; n < kept; n++) {
            assertArrayEquals(packet(n), read.get(n).data(), "packet " + n);
        }
        if (Tshark.available()) {
            Process tshark = new ProcessBuilder("tshark", "-r", file.toString(), "-T", "fields", "-e", "frame.number")
                    .redirectErrorStream(true).start();
            String lines = new String(tshark.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(tshark.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, tshark.exitValue(), lines);
            assertFalse(lines.contains("cut short") || lines.contains("appears to have been"), lines);
            assertEquals(kept, lines.lines().filter(l -> l.matches("\\d+")).count(), lines);
        }
    }

    /** The child of {@link #aFileThatHitsItsLimitIsCutBackToItsLastWholeBlock}: prints "kept lost failure". */
    public static final class Child {
        public static void main(String[] args) throws IOException {
            PcapngWriter writer = new PcapngWriter(Path.of(args[0]), INTERFACES);
            long[] counts = writeAll(writer, Integer.parseInt(args[1]));
            IOException failure = writer.failure();
            System.out.println(counts[0] + " " + counts[1] + " " + (failure == null ? "none" : failure.getMessage()));
        }
    }

    @Test
    void countsStayConsistentWhenTheFirstFlushFails() throws IOException {
        List<Long> sizes = new ArrayList<>();
        for (int room : new int[] {100, 1_000, 70_000, 140_000}) {
            FullStream stream = new FullStream(room);
            PcapngWriter writer;
            try {
                writer = new PcapngWriter(stream, INTERFACES);
            } catch (IOException e) {
                assertEquals(100, room, "only the smallest room fails on the headers");
                continue;
            }
            long[] counts = writeAll(writer, 500);
            assertEquals(500, counts[0] + counts[1], "room " + room);
            assertNotNull(writer.failure());
            sizes.add(counts[0]);
        }
        assertEquals(3, sizes.size());
    }
}
