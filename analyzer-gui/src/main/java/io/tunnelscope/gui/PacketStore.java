package io.tunnelscope.gui;

import io.tunnelscope.state.AddressNames;
import io.tunnelscope.state.ClusterState;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every loaded packet in a compact, column-wise index plus a byte arena; no object per packet.
 *
 * <p>Per packet: timestamp (8 bytes), arena position (8), frame number (4), captured and wire
 * lengths (4 + 4), bytes kept in the arena (4), point (2), flags (4: encapsulation, status,
 * fragment, NAT...), VNI (4), inner IP length (2), innermost protocol code (1): 45 bytes, plus the
 * captured bytes themselves in 32 MiB arena chunks. Once the arena reaches its budget
 * ({@code tunnelscope.gui.arenaMegabytes}, default a third of the heap) packets keep only their
 * first {@link #CLIPPED_BYTES} bytes (enough to decode every header for the columns and filters);
 * the detail pane then re-reads the whole packet from its file.
 *
 * <p>Written by one loader thread, then published (read-only) to the FX thread and to filter and
 * chart threads; or, for a live capture, appended to on the FX thread while the table shows it and
 * filter threads read the packets that were there when they started (the columns and the chunk
 * list are volatile/copy-on-write so that a reader sees a grown array with its contents).
 */
final class PacketStore {
    static final int CLIPPED_BYTES = 320;
    /** The nodes' recorded state of a directory collect wrote (empty otherwise): evidence for the analysis. */
    ClusterState state = ClusterState.EMPTY;
    /** Names on addresses (pods, services, nodes) from that state; none otherwise. */
    AddressNames names = AddressNames.NONE;
    private static final int CHUNK = 32 << 20;

    // flags
    static final int ENCAP_MASK = 0x7;          // Encapsulation constant of the outermost tunnel
    static final int TUNNELLED = 1 << 3;
    static final int STATUS_SHIFT = 4;          // 2 bits: LayerStatus ordinal
    static final int FRAGMENT = 1 << 6;
    static final int NAT = 1 << 7;              // set after correlation
    static final int IPV6 = 1 << 8;
    static final int CLIPPED = 1 << 9;
    static final int ICMP_ERROR = 1 << 10;

    /** A capture point: one file, or one interface of a file. */
    record Point(String name, int file, int linkType) {
    }

    final List<java.nio.file.Path> files = new ArrayList<>();
    final List<Point> points = new ArrayList<>();
    /** First packet index of each file. */
    int[] fileStart = new int[0];

    private volatile int size;
    private volatile long[] ts = new long[1024];
    private volatile long[] arenaPos = new long[1024];
    private volatile int[] frame = new int[1024];
    private volatile int[] capLen = new int[1024];
    private volatile int[] wireLen = new int[1024];
    private volatile int[] kept = new int[1024];
    private volatile short[] point = new short[1024];
    private volatile int[] flags = new int[1024];
    private volatile int[] vni = new int[1024];
    private volatile char[] innerLen = new char[1024];
    private volatile byte[] proto = new byte[1024];

    private final List<byte[]> chunks = new java.util.concurrent.CopyOnWriteArrayList<>();
    private byte[] current;
    private int currentUsed;
    private long arenaBytes;
    private final long arenaBudget;

    PacketStore() {
        long mb = Long.getLong("tunnelscope.gui.arenaMegabytes", -1);
        this.arenaBudget = mb > 0 ? mb << 20 : Runtime.getRuntime().maxMemory() / 3;
    }

    int size() {
        return size;
    }

    private void grow() {
        int n = ts.length * 2;
        ts = Arrays.copyOf(ts, n);
        arenaPos = Arrays.copyOf(arenaPos, n);
        frame = Arrays.copyOf(frame, n);
        capLen = Arrays.copyOf(capLen, n);
        wireLen = Arrays.copyOf(wireLen, n);
        kept = Arrays.copyOf(kept, n);
        point = Arrays.copyOf(point, n);
        flags = Arrays.copyOf(flags, n);
        vni = Arrays.copyOf(vni, n);
        innerLen = Arrays.copyOf(innerLen, n);
        proto = Arrays.copyOf(proto, n);
    }

    /** Appends a packet; its bytes are copied from {@code buf[offset, offset + captured)}. */
    int add(long timestamp, int frameNumber, int pointIndex, ByteBuffer buf, int offset, int captured,
            int wire, int packetFlags, int packetVni, int innerIpLength, int protoCode) {
        if (size == ts.length) {
            grow();
        }
        int keep = captured;
        int f = packetFlags;
        if (arenaBytes + captured > arenaBudget && captured > CLIPPED_BYTES) {
            keep = CLIPPED_BYTES;
            f |= CLIPPED;
        }
        if (current == null || currentUsed + keep > current.length) {
            current = new byte[Math.max(CHUNK, keep)];
            chunks.add(current);
            currentUsed = 0;
        }
        buf.get(offset, current, currentUsed, keep);
        int i = size++;
        arenaPos[i] = ((long) (chunks.size() - 1) << 32) | currentUsed;
        currentUsed += keep;
        arenaBytes += keep;
        ts[i] = timestamp;
        frame[i] = frameNumber;
        point[i] = (short) pointIndex;
        capLen[i] = captured;
        wireLen[i] = wire;
        kept[i] = keep;
        flags[i] = f;
        vni[i] = packetVni;
        innerLen[i] = (char) Math.max(0, Math.min(0xFFFF, innerIpLength));
        proto[i] = (byte) protoCode;
        return i;
    }

    long timestamp(int i) { return ts[i]; }
    int frame(int i) { return frame[i]; }
    int pointIndex(int i) { return point[i]; }
    Point point(int i) { return points.get(point[i]); }
    int capturedLength(int i) { return capLen[i]; }
    int wireLength(int i) { return wireLen[i]; }
    int keptLength(int i) { return kept[i]; }
    int flags(int i) { return flags[i]; }
    int vni(int i) { return vni[i]; }
    int innerLength(int i) { return innerLen[i]; }
    int protoCode(int i) { return proto[i]; }
    int linkType(int i) { return points.get(point[i]).linkType; }

    void markNat(int i) {
        flags[i] |= NAT;
    }

    long arenaBytes() {
        return arenaBytes;
    }

    /** Bytes of the index per packet (the arena holds the packet bytes on top). */
    static int indexBytesPerPacket() {
        return 8 + 8 + 4 + 4 + 4 + 4 + 2 + 4 + 4 + 2 + 1;
    }

    /** One read-only view per arena chunk, for one reader thread (decoders index absolutely). */
    ByteBuffer[] buffers() {
        ByteBuffer[] out = new ByteBuffer[chunks.size()];
        for (int c = 0; c < out.length; c++) {
            out[c] = ByteBuffer.wrap(chunks.get(c)).asReadOnlyBuffer();
        }
        return out;
    }

    int chunkOf(int i) {
        return (int) (arenaPos[i] >>> 32);
    }

    int offsetOf(int i) {
        return (int) arenaPos[i];
    }

    /** A copy of the bytes kept for packet {@code i}. */
    byte[] copy(int i) {
        byte[] out = new byte[kept[i]];
        System.arraycopy(chunks.get(chunkOf(i)), offsetOf(i), out, 0, kept[i]);
        return out;
    }

    /** The packet at {@code frameNumber} of file {@code file}, or -1. */
    int indexOf(int file, long frameNumber) {
        if (file < 0 || file >= fileStart.length) {
            return -1;
        }
        long i = fileStart[file] + frameNumber - 1;
        int end = file + 1 < fileStart.length ? fileStart[file + 1] : size;
        if (i < fileStart[file] || i >= end || frame[(int) i] != frameNumber) {
            return -1;
        }
        return (int) i;
    }
}
