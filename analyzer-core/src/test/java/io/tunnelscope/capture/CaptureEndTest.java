package io.tunnelscope.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a capture stopped: pcapng's Interface Statistics Block option isb_endtime, in the
 * interface's resolution as the spec says, or in microseconds as dumpcap writes it; a value that
 * fits neither, or a broken block, is ignored; pcap never says.
 */
class CaptureEndTest {
    private static final long PACKET = 1_795_244_011_484_007_897L;

    private static long end(Path dir, Object isbEnd, byte resolution) throws Exception {
        TestCaptures.Pcapng file = new TestCaptures.Pcapng().shb(ByteOrder.LITTLE_ENDIAN)
                .idb(LinkType.ETHERNET, 0, 9, resolution)
                .epb(0, resolution == 9 ? PACKET : PACKET / 1000, TestCaptures.data(60, 1), 60);
        if (isbEnd != null) {
            file.isb(0, 0, 3, isbEnd instanceof Long ticks ? file.timestamp(ticks) : isbEnd);
        }
        try (CaptureReader reader = CaptureReaders.open(TestCaptures.write(dir.resolve("end.pcapng"), file.bytes()))) {
            PacketRecord record = new PacketRecord();
            while (reader.next(record)) {
                assertEquals(resolution == 9 ? PACKET : PACKET / 1000 * 1000, record.timestampNanos());
            }
            return reader.endNanos(0);
        }
    }

    @Test
    void endTimeInTheInterfaceResolution(@TempDir Path dir) throws Exception {
        assertEquals(PACKET + 900_000_000L, end(dir, PACKET + 900_000_000L, (byte) 9));
        assertEquals((PACKET / 1000 + 5) * 1000, end(dir, PACKET / 1000 + 5, (byte) 6));
    }

    @Test
    void dumpcapWritesMicrosecondsWhateverTheResolution(@TempDir Path dir) throws Exception {
        long micros = PACKET / 1000 + 889_938;
        assertEquals(micros * 1000, end(dir, micros, (byte) 9));
    }

    @Test
    void anImplausibleOrMissingEndIsUnknown(@TempDir Path dir) throws Exception {
        assertEquals(-1, end(dir, 12345L, (byte) 9));
        assertEquals(-1, end(dir, null, (byte) 9));
        assertEquals(-1, end(dir, new byte[] {1, 2, 3}, (byte) 9), "a short option is ignored, not an error");
    }
}
