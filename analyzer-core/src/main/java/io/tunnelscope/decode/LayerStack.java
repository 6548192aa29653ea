package io.tunnelscope.decode;

import java.nio.ByteBuffer;

/**
 * The decoded layers of one packet, outermost first, kept in primitive arrays so that decoding
 * allocates nothing per packet. A decoder owns one stack and refills it for every packet; callers
 * read it before decoding the next one.
 *
 * <p>Each layer has a {@link LayerType}, the absolute offset of its header in {@link #buffer()},
 * its header length, the end of the bytes it governs (e.g. an IPv4 packet ends at its total
 * length, never past the captured bytes), a {@link LayerStatus}, a tunnel depth (0 for the
 * outermost headers, one more inside each encapsulation) and whether it lies inside the quote of
 * an ICMP error. Layers before a bad one are kept; decoding stops at a MALFORMED or TRUNCATED
 * layer.
 */
public final class LayerStack {
    /** Most layers a packet may have; deeper packets get {@link Note#TOO_MANY_LAYERS}. */
    public static final int MAX_LAYERS = 48;
    /** Most notes kept per packet; further notes are dropped. */
    public static final int MAX_NOTES = 16;

    private final int[] type = new int[MAX_LAYERS];
    private final int[] offset = new int[MAX_LAYERS];
    private final int[] headerLength = new int[MAX_LAYERS];
    private final int[] end = new int[MAX_LAYERS];
    private final byte[] status = new byte[MAX_LAYERS];
    private final byte[] depth = new byte[MAX_LAYERS];
    private final boolean[] quoted = new boolean[MAX_LAYERS];
    private final int[] declaredEnd = new int[MAX_LAYERS];
    private int count;

    private final Note[] notes = new Note[MAX_NOTES];
    private final long[] noteArgument = new long[MAX_NOTES];
    private final int[] noteLayer = new int[MAX_NOTES];
    private int noteCount;

    private ByteBuffer buffer;
    private int start;
    private int capturedLength;
    private int originalLength;
    private int linkType;

    /** Starts a new packet: forgets all layers and notes. */
    public void reset(ByteBuffer buffer, int start, int capturedLength, int originalLength,
                      int linkType) {
        this.buffer = buffer;
        this.start = start;
        this.capturedLength = capturedLength;
        this.originalLength = originalLength;
        this.linkType = linkType;
        this.count = 0;
        this.noteCount = 0;
    }

    /**
     * Appends a layer.
     *
     * @return its index, or -1 when the stack is full (a {@link Note#TOO_MANY_LAYERS} is added)
     */
    public int push(int layerType, int layerOffset, int layerHeaderLength, int layerEnd,
                    LayerStatus layerStatus, int tunnelDepth, boolean insideQuote) {
        if (count == MAX_LAYERS) {
            note(count - 1, Note.TOO_MANY_LAYERS, MAX_LAYERS);
            return -1;
        }
        int i = count++;
        type[i] = layerType;
        offset[i] = layerOffset;
        headerLength[i] = layerHeaderLength;
        end[i] = layerEnd;
        status[i] = (byte) layerStatus.ordinal();
        depth[i] = (byte) tunnelDepth;
        quoted[i] = insideQuote;
        declaredEnd[i] = layerEnd;
        return i;
    }

    /** Lowers the status of layer {@code i} (never raises it). */
    public void degrade(int i, LayerStatus newStatus) {
        if (newStatus.ordinal() > status[i]) {
            status[i] = (byte) newStatus.ordinal();
        }
    }

    /** Changes the header length of layer {@code i} once it is known. */
    public void setHeaderLength(int i, int length) {
        headerLength[i] = length;
    }

    /** Changes the end of the bytes layer {@code i} governs. */
    public void setEnd(int i, int layerEnd) {
        end[i] = layerEnd;
    }

    /**
     * Sets where layer {@code i} ends according to its own length fields (or its enclosing
     * layer's), which may lie past the captured bytes; {@link #end(int)} stays within them.
     */
    public void setDeclaredEnd(int i, int layerDeclaredEnd) {
        declaredEnd[i] = layerDeclaredEnd;
    }

    /**
     * End of layer {@code i} as its length fields declare it (e.g. IPv4 total length, also
     * counting bytes the snaplen cut off); equals {@link #end(int)} unless set otherwise.
     */
    public int declaredEnd(int i) { return declaredEnd[i]; }

    /** Records a note against layer {@code layer} (-1 for the packet as a whole). */
    public void note(int layer, Note note, long argument) {
        if (noteCount == MAX_NOTES) {
            return;
        }
        notes[noteCount] = note;
        noteArgument[noteCount] = argument;
        noteLayer[noteCount] = layer;
        noteCount++;
    }

    public int count() { return count; }
    public int type(int i) { return type[i]; }
    public int offset(int i) { return offset[i]; }
    public int headerLength(int i) { return headerLength[i]; }
    /** Offset of the first byte after the header of layer {@code i}. */
    public int payloadOffset(int i) { return offset[i] + headerLength[i]; }
    /** End (exclusive) of the bytes layer {@code i} governs. */
    public int end(int i) { return end[i]; }
    public LayerStatus status(int i) { return LayerStatus.of(status[i]); }
    /** Tunnel depth of layer {@code i}: 0 outermost, one more inside each encapsulation. */
    public int depth(int i) { return depth[i]; }
    /** True when layer {@code i} is part of the packet quoted by an ICMP/ICMPv6 error. */
    public boolean isQuoted(int i) { return quoted[i]; }

    public int noteCount() { return noteCount; }
    public Note note(int n) { return notes[n]; }
    public long noteArgument(int n) { return noteArgument[n]; }
    /** The layer note {@code n} is about, or -1 for the whole packet. */
    public int noteLayer(int n) { return noteLayer[n]; }

    public ByteBuffer buffer() { return buffer; }
    /** Offset of the packet's first byte in {@link #buffer()}. */
    public int start() { return start; }
    public int capturedLength() { return capturedLength; }
    public int originalLength() { return originalLength; }
    public int linkType() { return linkType; }

    /** Index of the first layer of this type, or -1. */
    public int indexOf(int layerType) {
        for (int i = 0; i < count; i++) {
            if (type[i] == layerType) {
                return i;
            }
        }
        return -1;
    }

    /** Index of the first layer of this type at or after {@code from}, or -1. */
    public int indexOf(int layerType, int from) {
        for (int i = from; i < count; i++) {
            if (type[i] == layerType) {
                return i;
            }
        }
        return -1;
    }

    /** The worst status of any layer (OK for a packet with no layers). */
    public LayerStatus status() {
        int worst = 0;
        for (int i = 0; i < count; i++) {
            worst = Math.max(worst, status[i]);
        }
        return LayerStatus.of(worst);
    }
}
