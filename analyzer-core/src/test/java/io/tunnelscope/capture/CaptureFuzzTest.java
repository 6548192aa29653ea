package io.tunnelscope.capture;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tunnelscope.testing.PacketExercise;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPOutputStream;

/**
 * Fuzz targets of the capture readers, through {@link CaptureReaders#open(String, byte[])} (the
 * same reading as from a file, without the file). A reader may refuse the input only with a
 * {@link CaptureFormatException} naming the file and an offset inside it; every packet it hands
 * out lies inside the input and goes through the decoder, view and line formatter.
 *
 * <p>In a normal build these run the inputs under
 * {@code src/test/resources/io/tunnelscope/capture/CaptureFuzzTestInputs/<method>/} (regression
 * mode); {@code mvn -pl analyzer-core -Pfuzz test} fuzzes each for a bounded time.
 */
class CaptureFuzzTest {
    private static final String NAME = "fuzz.pcap";
    /** Fixed cost of opening (gzip buffers, the reader) and first-use class loading. */
    private static final long ALLOCATION_SLACK = 4L << 20;
    private static final com.sun.management.ThreadMXBean ALLOCATIONS = allocationCounter();

    private static com.sun.management.ThreadMXBean allocationCounter() {
        if (java.lang.management.ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx
                && mx.isThreadAllocatedMemorySupported()) {
            mx.setThreadAllocatedMemoryEnabled(true);
            return mx;
        }
        return null;
    }
    private final PacketExercise exercise = new PacketExercise(false);

    @FuzzTest(maxDuration = "30s")
    void pcap(byte[] data) throws IOException {
        read(data, data.length);
    }

    @FuzzTest(maxDuration = "30s")
    void pcapng(byte[] data) throws IOException {
        read(data, data.length);
    }

    /** The input compressed with gzip, and the input itself (a fuzzed gzip stream). */
    @FuzzTest(maxDuration = "30s")
    void gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(data.length / 2 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(data);
        }
        read(bytes.toByteArray(), data.length);
        read(data, -1);
    }

    /**
     * Reads every packet of {@code file}; {@code size} is the length of the uncompressed capture,
     * or -1 when unknown (then any size up to the record cap is legitimate).
     */
    private void read(byte[] file, long size) throws IOException {
        if (size >= 0 && ALLOCATIONS != null) {
            // Nothing is allocated from a length field: reading costs at most a few times the input.
            long allocated = allocatedReading(file);
            if (allocated > ALLOCATION_SLACK + 8 * size) {
                // Again, without the first use of classes (loading and instrumenting them).
                allocated = allocatedReading(file);
            }
            if (allocated > ALLOCATION_SLACK + 8 * size) {
                throw new AssertionError(allocated + " bytes allocated reading a " + size + "-byte capture");
            }
        }
        exercise(file, size);
    }

    private static long allocatedReading(byte[] file) throws IOException {
        long before = ALLOCATIONS.getCurrentThreadAllocatedBytes();
        readOnly(file);
        return ALLOCATIONS.getCurrentThreadAllocatedBytes() - before;
    }

    private static void readOnly(byte[] file) throws IOException {
        PacketRecord record = new PacketRecord();
        try (CaptureReader reader = CaptureReaders.open(NAME, file)) {
            while (reader.next(record)) {
                // read on
            }
        } catch (CaptureFormatException e) {
            // checked by exercise()
        }
    }

    private void exercise(byte[] file, long size) throws IOException {
        PacketRecord record = new PacketRecord();
        long packets = 0;
        long lastOffset = -1;
        try (CaptureReader reader = CaptureReaders.open(NAME, file)) {
            while (reader.next(record)) {
                packets++;
                if (record.frameNumber() != packets) {
                    throw new AssertionError("frame " + record.frameNumber() + " for packet " + packets);
                }
                if (record.fileOffset() <= lastOffset || (size >= 0 && record.fileOffset() >= size)) {
                    throw new AssertionError("record offset " + record.fileOffset() + " after " + lastOffset
                            + " in " + size + " bytes");
                }
                lastOffset = record.fileOffset();
                if (record.capturedLength() < 0 || record.offset() < 0
                        || record.offset() + record.capturedLength() > record.buffer().limit()) {
                    throw new AssertionError("packet [" + record.offset() + "+" + record.capturedLength()
                            + "] outside its buffer of " + record.buffer().limit());
                }
                exercise.exercise(record.buffer(), record.offset(), record.capturedLength(),
                        record.originalLength(), record.linkType(), record.timestampNanos());
                for (CaptureInterface i : reader.interfaces()) {
                    LinkType.name(i.linkType());
                }
            }
            // A finished reader stays finished.
            if (reader.next(record)) {
                throw new AssertionError("a packet after the end");
            }
        } catch (CaptureFormatException e) {
            String prefix = NAME + ": offset " + e.offset() + ": ";
            if (!e.getMessage().startsWith(prefix) || e.problem().isEmpty() || e.problem().indexOf('\n') >= 0
                    || e.offset() < 0 || (size >= 0 && e.offset() > size)) {
                throw new AssertionError("bad message for a " + size + "-byte capture: " + e.getMessage(), e);
            }
        }
    }
}
