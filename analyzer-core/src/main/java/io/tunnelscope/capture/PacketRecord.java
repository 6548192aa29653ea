package io.tunnelscope.capture;

import java.nio.ByteBuffer;

/**
 * One captured packet as a reader hands it out: a mutable holder that a {@link CaptureReader}
 * refills on every {@link CaptureReader#next(PacketRecord)} call, so reading allocates nothing per
 * packet.
 *
 * <p>The packet bytes are {@code buffer[offset, offset + capturedLength)}. The buffer is big-endian
 * and is owned by the reader: it stays valid only until the next call to {@code next}. Copy what
 * must outlive that call ({@link #copyBytes()}).
 */
public final class PacketRecord {
    /** {@link #timestampProblems()}: the fraction of a second field holds a second or more. */
    public static final int TIMESTAMP_FRACTION_INVALID = 1;
    /**
     * {@link #timestampProblems()}: the time (with the interface's offset) lies outside what 64-bit
     * nanoseconds since 1970 hold (years 1678 to 2262); the nearest representable time is given.
     */
    public static final int TIMESTAMP_OUT_OF_RANGE = 2;

    private ByteBuffer buffer;
    private int offset;
    private int capturedLength;
    private long originalLength;
    private int timestampProblems;
    private long timestampNanos;
    private int linkType;
    private int interfaceId = -1;
    private long frameNumber;
    private long fileOffset;
    private long dataOffset = -1;

    /**
     * Refills this record; called by readers and live sources. {@code originalLength} is the
     * unsigned 32-bit field's value (0 to 2^32 - 1). Clears the timestamp problems.
     */
    public PacketRecord set(ByteBuffer buffer, int offset, int capturedLength, long originalLength,
                            long timestampNanos, int linkType, int interfaceId, long frameNumber,
                            long fileOffset) {
        this.buffer = buffer;
        this.offset = offset;
        this.capturedLength = capturedLength;
        this.originalLength = originalLength;
        this.timestampProblems = 0;
        this.timestampNanos = timestampNanos;
        this.linkType = linkType;
        this.interfaceId = interfaceId;
        this.frameNumber = frameNumber;
        this.fileOffset = fileOffset;
        this.dataOffset = -1;
        return this;
    }

    /**
     * Says where the packet's first byte lies in the uncompressed file (readers call it after
     * {@link #set}); what a viewer needs to read the packet again without keeping a copy.
     */
    public PacketRecord dataOffset(long offsetInFile) {
        this.dataOffset = offsetInFile;
        return this;
    }

    /** Offset of the packet's first byte in the uncompressed file, or -1 (a live packet). */
    public long dataOffset() { return dataOffset; }

    /** The buffer holding the packet bytes (big-endian, absolute indexing). */
    public ByteBuffer buffer() { return buffer; }

    /** Index of the first packet byte in {@link #buffer()}. */
    public int offset() { return offset; }

    /** Bytes present in the capture (the caplen / incl_len field). */
    public int capturedLength() { return capturedLength; }

    /** Bytes the packet had on the wire (the unsigned len / orig_len field, as the file says). */
    public long originalLength() { return originalLength; }

    /** Capture time in nanoseconds since the Unix epoch. */
    public long timestampNanos() { return timestampNanos; }

    /**
     * What is implausible about the timestamp as the file gives it: a combination of
     * {@link #TIMESTAMP_FRACTION_INVALID} and {@link #TIMESTAMP_OUT_OF_RANGE}, 0 when nothing.
     */
    public int timestampProblems() { return timestampProblems; }

    /** Notes implausible timestamp fields of the packet just {@link #set}; readers call it. */
    public PacketRecord timestampProblems(int problems) {
        this.timestampProblems = problems;
        return this;
    }

    /** The LINKTYPE_ value of the packet's interface (see {@link LinkType}). */
    public int linkType() { return linkType; }

    /** The pcapng interface id of the packet (unique across sections of a file), or -1 for pcap. */
    public int interfaceId() { return interfaceId; }

    /** 1-based index of the packet in its file, counted as tshark counts frames. */
    public long frameNumber() { return frameNumber; }

    /** Offset of the packet's record (or block) header in the uncompressed file. */
    public long fileOffset() { return fileOffset; }

    /** True when the capture holds fewer bytes than the wire carried (snaplen cut). */
    public boolean isTruncated() { return capturedLength < originalLength; }

    /** A copy of the captured bytes, for the few places that must keep a packet. */
    public byte[] copyBytes() {
        byte[] copy = new byte[capturedLength];
        buffer.get(offset, copy, 0, capturedLength);
        return copy;
    }
}
