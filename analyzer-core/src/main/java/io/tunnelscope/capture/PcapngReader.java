package io.tunnelscope.capture;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Reader of pcapng: any number of sections in either byte order, interfaces numbered across the
 * whole file, Enhanced, Simple and obsolete Packet Blocks. Other blocks are skipped by their length.
 */
final class PcapngReader implements CaptureReader {
    static final int SHB = 0x0A0D0D0A;
    static final int IDB = 1;
    static final int PB = 2;
    static final int SPB = 3;
    static final int ISB = 5;
    static final int EPB = 6;
    static final int ISB_ENDTIME = 3;
    static final int ISB_IFDROP = 5;
    static final int ISB_OSDROP = 7;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;

    static final int OPT_END = 0;
    static final int OPT_COMMENT = 1;
    static final int IF_NAME = 2;
    static final int IF_DESCRIPTION = 3;
    static final int IF_TSRESOL = 9;
    static final int IF_TSOFFSET = 14;

    /** Timestamp conversions: ticks times a factor, ticks divided by a factor, or a binary fraction. */
    private static final byte TS_MUL = 0;
    private static final byte TS_DIV = 1;
    private static final byte TS_POW2 = 2;

    private final String name;
    private final ByteInput in;
    private final List<CaptureInterface> interfaces = new ArrayList<>();
    private final List<CaptureInterface> interfacesView = Collections.unmodifiableList(interfaces);
    private final List<String> comments = new ArrayList<>();
    private final List<String> commentsView = Collections.unmodifiableList(comments);

    // Per interface (indexed by file-wide id): what next() needs without touching the records.
    private int[] linkTypes = new int[4];
    private int[] snapLengths = new int[4];
    private long[] ticksPerSecond = new long[4];
    private byte[] tsKind = new byte[4];
    private long[] tsFactor = new long[4];
    /** if_tsoffset per interface: seconds added to every timestamp (a signed 64-bit value). */
    private long[] tsOffsetSeconds = new long[4];
    /** isb_ifdrop + isb_osdrop per interface, -1 when the file does not say. */
    private long[] drops = new long[0];
    /** isb_endtime per interface, 0 when the file does not say. */
    private long[] endNanos = new long[0];
    /** The last packet's time per interface, to read isb_endtime's unit. */
    private long[] lastPacketNanos = new long[4];

    /** Set by {@link #nanos} when the time did not fit and was clamped. */
    private boolean clamped;
    private boolean bigEndian;
    private int sectionBase;
    private long pos;
    private long frame;
    private CaptureFormatException failure;

    PcapngReader(String name, ByteInput in) throws IOException {
        this.name = name;
        this.in = in;
        // Read the first Section Header Block now so that a broken header fails at open.
        readBlocks(null);
    }

    private int u16(int index) {
        short v = in.buf.getShort(index);
        return (bigEndian ? v : Short.reverseBytes(v)) & 0xFFFF;
    }

    private int i32(int index) {
        int v = in.buf.getInt(index);
        return bigEndian ? v : Integer.reverseBytes(v);
    }

    private long u32(int index) {
        return i32(index) & 0xFFFFFFFFL;
    }

    private long i64(int index) {
        long v = in.buf.getLong(index);
        return bigEndian ? v : Long.reverseBytes(v);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CaptureFormat format() {
        return CaptureFormat.PCAPNG;
    }

    @Override
    public boolean next(PacketRecord record) throws IOException {
        if (failure != null) {
            throw failure;
        }
        return readBlocks(record);
    }

    /**
     * Reads blocks until a packet is found (filling {@code record}) or the input ends. With a null
     * record, reads only the first block, which must be a Section Header Block.
     */
    private boolean readBlocks(PacketRecord record) throws IOException {
        while (true) {
            long at = pos;
            int got = in.ensure(at, 12);
            if (got == 0) {
                return false;
            }
            if (got < 12) {
                throw fail(at, "truncated block header (" + got + " of 12 bytes)");
            }
            int h = in.index(at);
            int type = i32(h);
            if (type == SHB) {
                int magic = in.buf.getInt(h + 8);
                if (magic == BYTE_ORDER_MAGIC) {
                    bigEndian = true;
                } else if (magic == Integer.reverseBytes(BYTE_ORDER_MAGIC)) {
                    bigEndian = false;
                } else {
                    throw fail(at + 8, String.format("bad byte-order magic 0x%08x in section header", magic));
                }
            } else if (record == null) {
                throw fail(at, String.format("first block type 0x%08x is not a section header", type));
            }
            long length = u32(h + 4);
            int min = minimumLength(type);
            if (length < min) {
                throw fail(at, "block length " + length + " below the minimum " + min
                        + " for " + blockName(type));
            }
            if ((length & 3) != 0) {
                throw fail(at, "block length " + length + " not a multiple of 4");
            }
            long size = in.size();
            if (size >= 0 && at + length > size) {
                throw fail(at, "block length " + length + " exceeds the file (" + (size - at) + " bytes left)");
            }
            if (length > CaptureReaders.MAX_BLOCK) {
                throw fail(at, "block length " + length + " exceeds the maximum " + CaptureReaders.MAX_BLOCK);
            }
            int len = (int) length;
            got = in.ensure(at, len);
            if (got < len) {
                throw fail(at, "truncated block (" + got + " of " + len + " bytes)");
            }
            h = in.index(at);
            long trailing = u32(h + len - 4);
            if (trailing != length) {
                throw fail(at + len - 4, "trailing block length " + trailing + " differs from leading " + length);
            }
            pos = at + len;
            switch (type) {
                case SHB:
                    section(at, h, len);
                    if (record == null) {
                        return true;
                    }
                    break;
                case IDB:
                    describeInterface(at, h, len);
                    break;
                case EPB:
                    if (packet(record, at, h, len, u32(h + 8), 12, 28)) {
                        return true;
                    }
                    break;
                case PB:
                    if (packet(record, at, h, len, u16(h + 8), 12, 28)) {
                        return true;
                    }
                    break;
                case SPB:
                    simplePacket(record, at, h, len);
                    return true;
                case ISB:
                    statistics(h, len);
                    break;
                default:
                    // Name Resolution, Decryption Secrets, custom, unknown.
                    break;
            }
        }
    }

    private static int minimumLength(int type) {
        switch (type) {
            case SHB: return 28;
            case IDB: return 20;
            case EPB:
            case PB: return 32;
            case SPB: return 16;
            default: return 12;
        }
    }

    private static String blockName(int type) {
        switch (type) {
            case SHB: return "a section header block";
            case IDB: return "an interface description block";
            case EPB: return "an enhanced packet block";
            case PB: return "a packet block";
            case SPB: return "a simple packet block";
            default: return String.format("block type 0x%08x", type);
        }
    }

    private void section(long at, int h, int len) throws CaptureFormatException {
        int major = u16(h + 12);
        int minor = u16(h + 14);
        if (major != 1) {
            throw fail(at + 12, "unsupported pcapng version " + major + "." + minor);
        }
        sectionBase = interfaces.size();
        int o = h + 24;
        int end = h + len - 4;
        keepComments(at, h, o, end);
    }

    /** Walks a block's options from {@code o} to {@code end}, keeping the comments. */
    private void keepComments(long at, int h, int o, int end) throws CaptureFormatException {
        while (o + 4 <= end) {
            int code = u16(o);
            int optLen = u16(o + 2);
            if (code == OPT_END) {
                break;
            }
            checkOption(at, h, o, optLen, end);
            if (code == OPT_COMMENT) {
                comments.add(string(o + 4, optLen));
            }
            o += 4 + pad(optLen);
        }
    }

    private void describeInterface(long at, int h, int len) throws CaptureFormatException {
        int linkType = u16(h + 8);
        int snapLength = i32(h + 12);
        String ifName = null;
        String description = null;
        int tsresol = 6;
        long offsetSeconds = 0;
        int o = h + 16;
        int end = h + len - 4;
        while (o + 4 <= end) {
            int code = u16(o);
            int optLen = u16(o + 2);
            if (code == OPT_END) {
                break;
            }
            checkOption(at, h, o, optLen, end);
            int v = o + 4;
            switch (code) {
                case OPT_COMMENT:
                    comments.add(string(v, optLen));
                    break;
                case IF_NAME:
                    ifName = string(v, optLen);
                    break;
                case IF_DESCRIPTION:
                    description = string(v, optLen);
                    break;
                case IF_TSRESOL:
                    if (optLen >= 1) {
                        tsresol = in.buf.get(v) & 0xFF;
                    }
                    break;
                case IF_TSOFFSET:
                    if (optLen >= 8) {
                        offsetSeconds = i64(v);
                    }
                    break;
                default:
                    break;
            }
            o += 4 + pad(optLen);
        }
        int id = interfaces.size();
        if (id == linkTypes.length) {
            int n = id * 2;
            linkTypes = Arrays.copyOf(linkTypes, n);
            snapLengths = Arrays.copyOf(snapLengths, n);
            ticksPerSecond = Arrays.copyOf(ticksPerSecond, n);
            tsKind = Arrays.copyOf(tsKind, n);
            tsFactor = Arrays.copyOf(tsFactor, n);
            tsOffsetSeconds = Arrays.copyOf(tsOffsetSeconds, n);
        }
        long tps;
        if ((tsresol & 0x80) == 0) {
            if (tsresol > 18) {
                throw fail(at, "if_tsresol 10^-" + tsresol + " is finer than supported (10^-18)");
            }
            tps = pow10(tsresol);
            if (tsresol <= 9) {
                tsKind[id] = TS_MUL;
                tsFactor[id] = pow10(9 - tsresol);
            } else {
                tsKind[id] = TS_DIV;
                tsFactor[id] = pow10(tsresol - 9);
            }
        } else {
            int shift = tsresol & 0x7F;
            if (shift > 62) {
                throw fail(at, "if_tsresol 2^-" + shift + " is finer than supported (2^-62)");
            }
            tps = 1L << shift;
            tsKind[id] = TS_POW2;
            tsFactor[id] = shift;
        }
        linkTypes[id] = linkType;
        snapLengths[id] = snapLength;
        ticksPerSecond[id] = tps;
        tsOffsetSeconds[id] = offsetSeconds;
        interfaces.add(new CaptureInterface(id, linkType, ifName, description, snapLength, tps));
    }

    /** Enhanced or obsolete Packet Block: interface id already read, fields from {@code h + 12}. */
    private boolean packet(PacketRecord record, long at, int h, int len, long localId, int tsAt, int dataAt)
            throws CaptureFormatException {
        int id = interfaceId(at, localId);
        long ticks = (u32(h + tsAt) << 32) | u32(h + tsAt + 4);
        long caplen = u32(h + 20);
        long origlen = u32(h + 24);
        int room = len - dataAt - 4;
        if (caplen > room) {
            throw fail(at, "captured length " + caplen + " exceeds the block (" + room + " bytes of data)");
        }
        int end = h + len - 4;
        int o = h + dataAt + pad((int) caplen);
        keepComments(at, h, o, end);
        long nanos = nanos(id, ticks);
        if (lastPacketNanos.length <= id) {
            lastPacketNanos = Arrays.copyOf(lastPacketNanos, Math.max(id + 1, lastPacketNanos.length * 2));
        }
        lastPacketNanos[id] = nanos;
        record.set(in.buf, h + dataAt, (int) caplen, origlen, nanos, linkTypes[id], id, ++frame, at)
                .dataOffset(at + dataAt);
        if (clamped) {
            record.timestampProblems(PacketRecord.TIMESTAMP_OUT_OF_RANGE);
        }
        return true;
    }

    private void simplePacket(PacketRecord record, long at, int h, int len) throws CaptureFormatException {
        int id = interfaceId(at, 0);
        long origlen = u32(h + 8);
        long caplen = Math.min(len - 16, origlen);
        int snap = snapLengths[id];
        if (snap > 0 && caplen > snap) {
            caplen = snap;
        }
        record.set(in.buf, h + 12, (int) caplen, origlen, 0L, linkTypes[id], id, ++frame, at)
                .dataOffset(at + 12);
    }

    /**
     * An Interface Statistics Block: keeps {@code isb_endtime}, when the capture on the interface
     * stopped, and the packets it dropped ({@code isb_ifdrop}, {@code isb_osdrop}). Statistics are
     * optional, so a block that does not parse is ignored, not an error.
     */
    private void statistics(int h, int len) {
        if (len < 24) {
            return;
        }
        long localId = u32(h + 8);
        if (localId >= interfaces.size() - sectionBase) {
            return;
        }
        int id = sectionBase + (int) localId;
        int o = h + 20;
        int end = h + len - 4;
        long blockDrops = -1;
        while (o + 4 <= end) {
            int code = u16(o);
            int optLen = u16(o + 2);
            if (code == OPT_END || o + 4 + optLen > end) {
                break;
            }
            if ((code == ISB_IFDROP || code == ISB_OSDROP) && optLen == 8) {
                long dropped = (u32(o + 4) << 32) | u32(o + 8);
                if (dropped >= 0) {
                    // The counters are totals since the capture began: this block's replace the last's.
                    blockDrops = Math.max(blockDrops, 0) + dropped;
                }
            }
            if (code == ISB_ENDTIME && optLen == 8) {
                long stopped = plausibleEnd(id, (u32(o + 4) << 32) | u32(o + 8));
                if (stopped > 0) {
                    if (endNanos.length <= id) {
                        endNanos = Arrays.copyOf(endNanos, Math.max(id + 1, endNanos.length * 2));
                    }
                    endNanos[id] = stopped;
                }
            }
            o += 4 + pad(optLen);
        }
        if (blockDrops >= 0) {
            if (drops.length <= id) {
                int from = drops.length;
                drops = Arrays.copyOf(drops, Math.max(id + 1, drops.length * 2));
                Arrays.fill(drops, from, drops.length, -1);
            }
            drops[id] = blockDrops;
        }
    }

    /**
     * The end time in nanoseconds: the option is in the interface's resolution by the spec, but
     * dumpcap writes microseconds whatever if_tsresol says; whichever reading falls within a day
     * of the interface's last packet is taken, else the option is ignored (0).
     */
    private long plausibleEnd(int id, long ticks) {
        long last = id < lastPacketNanos.length ? lastPacketNanos[id] : 0;
        long asResolution = nanos(id, ticks);
        if (last == 0) {
            return asResolution;
        }
        long day = 86_400_000_000_000L;
        if (Math.abs(asResolution - last) <= day) {
            return asResolution;
        }
        if (ticks < Long.MAX_VALUE / 1000 && Math.abs(ticks * 1000 - last) <= day) {
            return ticks * 1000;
        }
        return 0;
    }

    @Override
    public long drops(int interfaceId) {
        return interfaceId >= 0 && interfaceId < drops.length ? drops[interfaceId] : -1;
    }

    @Override
    public long endNanos(int interfaceId) {
        return interfaceId >= 0 && interfaceId < endNanos.length && endNanos[interfaceId] != 0
                ? endNanos[interfaceId] : -1;
    }

    private int interfaceId(long at, long localId) throws CaptureFormatException {
        int defined = interfaces.size() - sectionBase;
        if (localId < 0 || localId >= defined) {
            throw fail(at, "packet refers to interface " + localId + " but its section describes " + defined);
        }
        return sectionBase + (int) localId;
    }

    /**
     * Converts ticks (unsigned) of interface {@code id} to epoch nanoseconds, plus the interface's
     * {@code if_tsoffset}. A time outside what 64-bit nanoseconds hold is clamped to the nearest
     * end and {@link #clamped} set.
     */
    private long nanos(int id, long ticks) {
        clamped = false;
        long tps = ticksPerSecond[id];
        long seconds = Long.divideUnsigned(ticks, tps);
        long rem = Long.remainderUnsigned(ticks, tps);
        long fraction;
        switch (tsKind[id]) {
            case TS_MUL:
                fraction = rem * tsFactor[id];
                break;
            case TS_DIV:
                fraction = rem / tsFactor[id];
                break;
            default: {
                int shift = (int) tsFactor[id];
                long lo = rem * 1_000_000_000L;
                long hi = Math.multiplyHigh(rem, 1_000_000_000L);
                fraction = shift == 0 ? lo : (hi << (64 - shift)) | (lo >>> shift);
                break;
            }
        }
        long offsetSeconds = tsOffsetSeconds[id];
        if (seconds >= 0) {
            try {
                return Math.addExact(Math.multiplyExact(Math.addExact(seconds, offsetSeconds), 1_000_000_000L),
                        fraction);
            } catch (ArithmeticException e) {
                // beyond 64-bit nanoseconds somewhere: exactly below
            }
        }
        BigInteger exact = new BigInteger(Long.toUnsignedString(seconds)).add(BigInteger.valueOf(offsetSeconds))
                .multiply(BigInteger.valueOf(1_000_000_000L)).add(BigInteger.valueOf(fraction));
        if (exact.bitLength() < 64) {
            return exact.longValue();
        }
        clamped = true;
        return exact.signum() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }

    private void checkOption(long at, int h, int o, int optLen, int end) throws CaptureFormatException {
        if (o + 4 + optLen > end) {
            throw fail(at + (o - h), "option length " + optLen + " exceeds the block");
        }
    }

    private String string(int index, int length) {
        while (length > 0 && in.buf.get(index + length - 1) == 0) {
            length--;
        }
        byte[] bytes = new byte[length];
        in.buf.get(index, bytes, 0, length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static int pad(int n) {
        return (n + 3) & ~3;
    }

    private static long pow10(int n) {
        long v = 1;
        for (int i = 0; i < n; i++) {
            v *= 10;
        }
        return v;
    }

    private CaptureFormatException fail(long offset, String problem) {
        failure = new CaptureFormatException(name, offset, problem);
        return failure;
    }

    @Override
    public List<CaptureInterface> interfaces() {
        return interfacesView;
    }

    @Override
    public List<String> comments() {
        return commentsView;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
