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

    // Four ints per layer, side by side: offset, end, declared end, and the small fields packed
    // (header length bits 0-15, type 16-21, depth 22-28, status 29-30, quoted 31), so that a
    // push is four stores to one place.
    private static final int OFFSET = 0;
    private static final int END = 1;
    private static final int DECLARED_END = 2;
    private static final int PACKED = 3;
    private static final int TYPE_SHIFT = 16;
    private static final int DEPTH_SHIFT = 22;
    private static final int STATUS_SHIFT = 29;
    private final int[] layers = new int[MAX_LAYERS * 4];
    private int count;

    private final Note[] notes = new Note[MAX_NOTES];
    private final long[] noteArgument = new long[MAX_NOTES];
    private final int[] noteLayer = new int[MAX_NOTES];
    private int noteCount;

    private ByteBuffer buffer;
    private int start;
    private int capturedLength;
    private long originalLength;
    private int linkType;

    /** Starts a new packet: forgets all layers and notes. */
    public void reset(ByteBuffer buffer, int start, int capturedLength, long originalLength,
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
        int at = i * 4;
        int[] l = layers;
        l[at + OFFSET] = layerOffset;
        l[at + END] = layerEnd;
        l[at + DECLARED_END] = layerEnd;
        l[at + PACKED] = (layerHeaderLength & 0xFFFF) | layerType << TYPE_SHIFT | tunnelDepth << DEPTH_SHIFT
                | layerStatus.ordinal() << STATUS_SHIFT | (insideQuote ? 1 << 31 : 0);
        return i;
    }

    /**
     * Keeps only the first {@code layerCount} layers and the notes about them (or about the whole
     * packet): what a caller uses to show a packet less deeply than it was decoded.
     */
    public void truncate(int layerCount) {
        if (layerCount < 0 || layerCount >= count) {
            return;
        }
        count = layerCount;
        int kept = 0;
        for (int n = 0; n < noteCount; n++) {
            if (noteLayer[n] < layerCount) {
                notes[kept] = notes[n];
                noteArgument[kept] = noteArgument[n];
                noteLayer[kept] = noteLayer[n];
                kept++;
            }
        }
        noteCount = kept;
    }

    /** Lowers the status of layer {@code i} (never raises it). */
    public void degrade(int i, LayerStatus newStatus) {
        int packed = layers[i * 4 + PACKED];
        if (newStatus.ordinal() > (packed >>> STATUS_SHIFT & 3)) {
            layers[i * 4 + PACKED] = packed & ~(3 << STATUS_SHIFT) | newStatus.ordinal() << STATUS_SHIFT;
        }
    }

    /** Changes the header length of layer {@code i} once it is known. */
    public void setHeaderLength(int i, int length) {
        layers[i * 4 + PACKED] = layers[i * 4 + PACKED] & 0xFFFF_0000 | length & 0xFFFF;
    }

    /** Changes the end of the bytes layer {@code i} governs. */
    public void setEnd(int i, int layerEnd) {
        layers[i * 4 + END] = layerEnd;
    }

    /**
     * Sets where layer {@code i} ends according to its own length fields (or its enclosing
     * layer's), which may lie past the captured bytes; {@link #end(int)} stays within them.
     */
    public void setDeclaredEnd(int i, int layerDeclaredEnd) {
        layers[i * 4 + DECLARED_END] = layerDeclaredEnd;
    }

    /**
     * End of layer {@code i} as its length fields declare it (e.g. IPv4 total length, also
     * counting bytes the snaplen cut off); equals {@link #end(int)} unless set otherwise.
     */
    public int declaredEnd(int i) { return layers[i * 4 + DECLARED_END]; }

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
    public int type(int i) { return layers[i * 4 + PACKED] >>> TYPE_SHIFT & 0x3F; }
    public int offset(int i) { return layers[i * 4 + OFFSET]; }
    public int headerLength(int i) { return layers[i * 4 + PACKED] & 0xFFFF; }
    /** Offset of the first byte after the header of layer {@code i}. */
    public int payloadOffset(int i) { return offset(i) + headerLength(i); }
    /** End (exclusive) of the bytes layer {@code i} governs. */
    public int end(int i) { return layers[i * 4 + END]; }
    public LayerStatus status(int i) { return LayerStatus.of(layers[i * 4 + PACKED] >>> STATUS_SHIFT & 3); }
    /** Tunnel depth of layer {@code i}: 0 outermost, one more inside each encapsulation. */
    public int depth(int i) { return layers[i * 4 + PACKED] >>> DEPTH_SHIFT & 0x7F; }
    /** True when layer {@code i} is part of the packet quoted by an ICMP/ICMPv6 error. */
    public boolean isQuoted(int i) { return layers[i * 4 + PACKED] < 0; }

    public int noteCount() { return noteCount; }
    public Note note(int n) { return notes[n]; }
    public long noteArgument(int n) { return noteArgument[n]; }
    /** The layer note {@code n} is about, or -1 for the whole packet. */
    public int noteLayer(int n) { return noteLayer[n]; }

    public ByteBuffer buffer() { return buffer; }
    /** Offset of the packet's first byte in {@link #buffer()}. */
    public int start() { return start; }
    public int capturedLength() { return capturedLength; }
    public long originalLength() { return originalLength; }
    public int linkType() { return linkType; }

    /** Index of the first layer of this type, or -1. */
    public int indexOf(int layerType) {
        return indexOf(layerType, 0);
    }

    /** Index of the first layer of this type at or after {@code from}, or -1. */
    public int indexOf(int layerType, int from) {
        for (int i = from; i < count; i++) {
            if (type(i) == layerType) {
                return i;
            }
        }
        return -1;
    }

    /** The worst status of any layer (OK for a packet with no layers). */
    public LayerStatus status() {
        int worst = 0;
        for (int i = 0; i < count; i++) {
            worst = Math.max(worst, layers[i * 4 + PACKED] >>> STATUS_SHIFT & 3);
        }
        return LayerStatus.of(worst);
    }
}
