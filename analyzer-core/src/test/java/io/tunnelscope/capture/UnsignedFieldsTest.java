package io.tunnelscope.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.Note;
import io.tunnelscope.decode.PacketDecoder;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The 32-bit length and timestamp fields of pcap and pcapng are unsigned, and 64-bit pcapng
 * timestamps (with {@code if_tsoffset}) can exceed what nanoseconds since 1970 hold: read as
 * unsigned, clamped rather than wrapped, and noted per packet when implausible.
 */
class UnsignedFieldsTest {
    private static final byte[] FRAME = TestCaptures.data(60, 3);

    private record Read(long wire, long nanos, int problems, List<Note> notes) {
    }

    private static List<Read> read(byte[] file) throws IOException {
        List<Read> out = new ArrayList<>();
        PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
        try (CaptureReader reader = CaptureReaders.open("test", file)) {
            PacketRecord r = new PacketRecord();
            while (reader.next(r)) {
                LayerStack stack = decoder.decode(r);
                List<Note> notes = new ArrayList<>();
                for (int n = 0; n < stack.noteCount(); n++) {
                    notes.add(stack.note(n));
                }
                out.add(new Read(r.originalLength(), r.timestampNanos(), r.timestampProblems(), notes));
            }
        }
        return out;
    }

    @Test
    void pcapWireLengthOfAllOnesIsFourGigabytesTruncatedAndImplausible() throws IOException {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            byte[] file = new TestCaptures.Pcap(order, false, LinkType.ETHERNET, 65535)
                    .record(1_700_000_000, 5, FRAME.length, -1).raw(FRAME)
                    .record(1_700_000_001, 5, FRAME.length, 0x8000_0000).raw(FRAME)
                    .record(1_700_000_002, 5, FRAME.length, 20).raw(FRAME).bytes();
            List<Read> packets = read(file);
            assertEquals(4_294_967_295L, packets.get(0).wire());
            assertTrue(packets.get(0).notes().contains(Note.SNAPLEN_CUT), packets.get(0).toString());
            assertTrue(packets.get(0).notes().contains(Note.WIRE_LENGTH_IMPLAUSIBLE), packets.get(0).toString());
            assertEquals(2_147_483_648L, packets.get(1).wire());
            assertEquals(20, packets.get(2).wire());
            assertTrue(packets.get(2).notes().contains(Note.WIRE_LENGTH_BELOW_CAPTURED), packets.get(2).toString());
        }
        PacketRecord record = new PacketRecord();
        record.set(null, 0, 60, 4_294_967_295L, 0, LinkType.ETHERNET, -1, 1, 0);
        assertTrue(record.isTruncated());
    }

    @Test
    void pcapTimestampOfAllOnesStaysPositiveWithItsFractionNoted() throws IOException {
        for (boolean nanos : new boolean[] {false, true}) {
            byte[] file = new TestCaptures.Pcap(ByteOrder.LITTLE_ENDIAN, nanos, LinkType.ETHERNET, 65535)
                    .record(-1, -1, FRAME.length, FRAME.length).raw(FRAME)
                    .record(-1, nanos ? 999_999_999 : 999_999, FRAME.length, FRAME.length).raw(FRAME).bytes();
            List<Read> packets = read(file);
            long tick = nanos ? 1 : 1000;
            assertEquals(4_294_967_295L * 1_000_000_000L + 4_294_967_295L * tick, packets.get(0).nanos());
            assertEquals(PacketRecord.TIMESTAMP_FRACTION_INVALID, packets.get(0).problems());
            assertTrue(packets.get(0).notes().contains(Note.TIMESTAMP_FRACTION_INVALID));
            assertEquals(4_294_967_295L * 1_000_000_000L + (nanos ? 999_999_999L : 999_999_000L),
                    packets.get(1).nanos());
            assertEquals(0, packets.get(1).problems());
            assertTrue(!packets.get(1).notes().contains(Note.TIMESTAMP_FRACTION_INVALID), packets.get(1).notes().toString());
        }
    }

    @Test
    void pcapngLengthsAreUnsignedAndHugeTimestampsClampInsteadOfWrapping() throws IOException {
        TestCaptures.Pcapng ng = new TestCaptures.Pcapng();
        ng.shb(ByteOrder.LITTLE_ENDIAN);
        ng.idb(LinkType.ETHERNET, 0);                                    // microseconds
        ng.idb(LinkType.ETHERNET, 0, 14, Long.MAX_VALUE);                // if_tsoffset +2^63-1 s
        ng.idb(LinkType.ETHERNET, 0, 14, Long.MIN_VALUE);                // if_tsoffset -2^63 s
        ng.idb(LinkType.ETHERNET, 0, 9, (byte) 0, 14, -3_600L);          // seconds, one hour back
        ng.idb(LinkType.ETHERNET, 0, 9, (byte) 0, 14, -9_000_000_000L);  // back into range
        ng.idb(LinkType.ETHERNET, 0, 9, (byte) 0, 14, Long.MIN_VALUE);   // unsigned ticks past 2^63
        ng.epb(0, -1L, FRAME, -1);
        ng.epb(0, 1_700_000_000_000_000L, FRAME, FRAME.length);
        ng.epb(1, 1_700_000_000_000_000L, FRAME, FRAME.length);
        ng.epb(2, 1_700_000_000_000_000L, FRAME, FRAME.length);
        ng.epb(3, 1_700_000_000L, FRAME, FRAME.length);
        ng.epb(4, 10_000_000_000L, FRAME, FRAME.length);
        ng.epb(5, Long.MIN_VALUE + 1_000_000_000L, FRAME, FRAME.length);
        List<Read> packets = read(ng.bytes());

        Read allOnes = packets.get(0);
        assertEquals(4_294_967_295L, allOnes.wire());
        assertEquals(Long.MAX_VALUE, allOnes.nanos(), "2^64-1 microseconds is after 2262: clamped, not -1000");
        assertEquals(PacketRecord.TIMESTAMP_OUT_OF_RANGE, allOnes.problems());
        assertTrue(allOnes.notes().contains(Note.TIMESTAMP_OUT_OF_RANGE) && allOnes.notes().contains(Note.SNAPLEN_CUT)
                && allOnes.notes().contains(Note.WIRE_LENGTH_IMPLAUSIBLE), allOnes.notes().toString());

        assertEquals(1_700_000_000_000_000_000L, packets.get(1).nanos());
        assertEquals(0, packets.get(1).problems());
        assertEquals(Long.MAX_VALUE, packets.get(2).nanos(), "a huge if_tsoffset must not wrap to a negative time");
        assertEquals(PacketRecord.TIMESTAMP_OUT_OF_RANGE, packets.get(2).problems());
        assertEquals(Long.MIN_VALUE, packets.get(3).nanos());
        assertEquals(PacketRecord.TIMESTAMP_OUT_OF_RANGE, packets.get(3).problems());
        assertEquals((1_700_000_000L - 3_600L) * 1_000_000_000L, packets.get(4).nanos());
        assertEquals(0, packets.get(4).problems());
        // 10,000,000,000 s is past 2262 alone; with -9,000,000,000 s it is 2001 again: exact.
        assertEquals(1_000_000_000L * 1_000_000_000L, packets.get(5).nanos());
        assertEquals(0, packets.get(5).problems());
        // 2^63 + 10^9 seconds (unsigned ticks) with if_tsoffset -2^63 s: 10^9 s, exact.
        assertEquals(1_000_000_000L * 1_000_000_000L, packets.get(6).nanos());
        assertEquals(0, packets.get(6).problems());
    }
}
