package io.tunnelscope.capture;

import java.io.IOException;
import java.util.List;

/** Reader of libpcap's classic format: either byte order, microsecond or nanosecond timestamps. */
final class PcapReader implements CaptureReader {
    static final int FILE_HEADER = 24;
    static final int RECORD_HEADER = 16;

    private final String name;
    private final ByteInput in;
    private final boolean bigEndian;
    private final long nanosPerTick;
    private final int linkType;
    private final List<CaptureInterface> interfaces;
    private long pos = FILE_HEADER;
    private long frame;
    private CaptureFormatException failure;

    /** Reads the file header; {@code in} has the magic at offset 0. */
    PcapReader(String name, ByteInput in, boolean bigEndian, boolean nanos) throws IOException {
        this.name = name;
        this.in = in;
        this.bigEndian = bigEndian;
        this.nanosPerTick = nanos ? 1 : 1000;
        int got = in.ensure(0, FILE_HEADER);
        if (got < FILE_HEADER) {
            throw new CaptureFormatException(name, 0,
                    "truncated file header (" + got + " of " + FILE_HEADER + " bytes)");
        }
        int snaplen = u32(16);
        // LT_LINKTYPE: the upper bits of the field carry FCS information.
        this.linkType = u32(20) & 0xFFFF;
        this.interfaces = List.of(new CaptureInterface(0, linkType, null, null, snaplen,
                nanos ? 1_000_000_000L : 1_000_000L));
    }

    private int u32(int index) {
        int v = in.buf.getInt(index);
        return bigEndian ? v : Integer.reverseBytes(v);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CaptureFormat format() {
        return CaptureFormat.PCAP;
    }

    @Override
    public boolean next(PacketRecord record) throws IOException {
        if (failure != null) {
            throw failure;
        }
        long at = pos;
        int got = in.ensure(at, RECORD_HEADER);
        if (got == 0) {
            return false;
        }
        if (got < RECORD_HEADER) {
            throw fail(at, "truncated record header (" + got + " of " + RECORD_HEADER + " bytes)");
        }
        int h = in.index(at);
        long seconds = u32(h) & 0xFFFFFFFFL;
        long fraction = u32(h + 4) & 0xFFFFFFFFL;
        long caplen = u32(h + 8) & 0xFFFFFFFFL;
        long origlen = u32(h + 12) & 0xFFFFFFFFL;
        long size = in.size();
        if (size >= 0 && at + RECORD_HEADER + caplen > size) {
            throw fail(at, "record length " + caplen + " exceeds the file ("
                    + (size - at - RECORD_HEADER) + " bytes left)");
        }
        if (caplen > CaptureReaders.MAX_RECORD) {
            throw fail(at, "record length " + caplen + " exceeds the maximum " + CaptureReaders.MAX_RECORD);
        }
        int need = RECORD_HEADER + (int) caplen;
        got = in.ensure(at, need);
        if (got < need) {
            throw fail(at, "truncated record (" + got + " of " + need + " bytes)");
        }
        pos = at + need;
        // At most (2^32 - 1) s + (2^32 - 1) us: well inside 64-bit nanoseconds, even when implausible.
        record.set(in.buf, in.index(at) + RECORD_HEADER, (int) caplen, origlen,
                seconds * 1_000_000_000L + fraction * nanosPerTick, linkType, -1, ++frame, at)
                .dataOffset(at + RECORD_HEADER);
        if (fraction * nanosPerTick >= 1_000_000_000L) {
            record.timestampProblems(PacketRecord.TIMESTAMP_FRACTION_INVALID);
        }
        return true;
    }

    private CaptureFormatException fail(long offset, String problem) {
        failure = new CaptureFormatException(name, offset, problem);
        return failure;
    }

    @Override
    public List<CaptureInterface> interfaces() {
        return interfaces;
    }

    @Override
    public List<String> comments() {
        return List.of();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
