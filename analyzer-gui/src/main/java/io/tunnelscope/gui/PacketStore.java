package io.tunnelscope.gui;

import io.tunnelscope.collect.LongObjectMap;
import io.tunnelscope.state.AddressNames;
import io.tunnelscope.state.ClusterState;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every loaded packet in a compact, column-wise index; no object per packet, and no copy of the
 * packet bytes for files that can be read again: a packet of an uncompressed capture file is
 * found by its offset in the file ({@link PacketBytes} reads it from there when a row or the
 * detail pane needs it). Only packets that cannot be read again (a live capture's, a gzip file's)
 * keep their bytes here, in 32 MiB arena chunks.
 *
 * <p>Per packet: timestamp (8 bytes), file offset or arena position (8), frame number (4),
 * captured and wire lengths (4 + 4), point (2), flags (4: encapsulation, status, fragment,
 * NAT...), VNI (4), inner IP length (2), innermost protocol code (1), TCP analysis flags (2),
 * duplicate-ACK number (2) and ACK RTT (4): 49 bytes. Fragments also keep, sparsely, which packet
 * completed their datagram, and a completing packet its fragments.
 *
 * <p>Written by one loader thread while the FX thread shows the packets loaded so far (one file
 * in time order: each packet read only once the loader said it is complete), then published
 * (read-only) to the FX thread and to filter and chart threads; or, for a live capture, appended to on the FX thread while the table shows it and
 * filter threads read the packets that were there when they started (the columns and the chunk
 * list are volatile/copy-on-write so that a reader sees a grown array with its contents).
 */
final class PacketStore {
    /** The nodes' recorded state of a directory collect wrote (empty otherwise): evidence for the analysis. */
    private ClusterState state = ClusterState.EMPTY;
    /** Names on addresses (pods, services, nodes) from that state; none otherwise. */
    private AddressNames names = AddressNames.NONE;
    private static final int CHUNK = 32 << 20;

    // flags
    static final int ENCAP_SHIFT = 24;          // 7 bits: Encapsulation (protocol id) of the outermost tunnel
    static final int ENCAP_MASK = 0x7f;
    static final int TUNNELLED = 1 << 3;
    static final int STATUS_SHIFT = 4;          // 2 bits: LayerStatus ordinal
    static final int FRAGMENT = 1 << 6;
    static final int NAT = 1 << 7;              // set after correlation
    static final int IPV6 = 1 << 8;
    /** The packet's bytes are in the arena (a live or gzip capture), not read from its file. */
    static final int IN_ARENA = 1 << 9;
    static final int ICMP_ERROR = 1 << 10;
    /** The packet completed an IP datagram; it is shown as the whole datagram. */
    static final int REASSEMBLED = 1 << 11;

    /** A capture point: one file, or one interface of a file. */
    record Point(String name, int file, int linkType, String interfaceName) {
    }

    // Copy-on-write: the list shows packets while the loader still adds files and points.
    private final List<Path> files = new CopyOnWriteArrayList<>();
    private final List<Point> points = new CopyOnWriteArrayList<>();
    /** Comments each file carries (section, interface and packet comments), by file. */
    private final List<List<String>> comments = new CopyOnWriteArrayList<>();
    /** First packet index of each file. */
    private int[] fileStart = new int[0];

    private volatile int size;
    private volatile long[] ts = new long[1024];
    private volatile long[] position = new long[1024];
    private volatile int[] frame = new int[1024];
    private volatile int[] capLen = new int[1024];
    private volatile int[] wireLen = new int[1024];
    private volatile short[] point = new short[1024];
    private volatile int[] flags = new int[1024];
    private volatile int[] vni = new int[1024];
    private volatile char[] innerLen = new char[1024];
    private volatile byte[] proto = new byte[1024];
    private volatile short[] tcp = new short[1024];
    private volatile short[] duplicateAck = new short[1024];
    private volatile int[] rttMicros = new int[1024];

    /** Completing packet of each fragment; the fragments of each completing packet. */
    private final LongObjectMap<Integer> reassembledIn = new LongObjectMap<>();
    private final LongObjectMap<int[]> fragmentsOf = new LongObjectMap<>();

    private final List<java.nio.channels.FileChannel> openChannels = new ArrayList<>();
    private final List<byte[]> chunks = new java.util.concurrent.CopyOnWriteArrayList<>();
    private byte[] current;
    private int currentUsed;
    private long arenaBytes;

    int size() {
        return size;
    }

    /** The nodes' recorded state of a directory collect wrote (empty otherwise). */
    ClusterState state() {
        return state;
    }

    void state(ClusterState recorded) {
        this.state = recorded;
    }

    /** Names on addresses (pods, services, nodes) from that state; none otherwise. */
    AddressNames names() {
        return names;
    }

    void names(AddressNames known) {
        this.names = known;
    }

    /** The capture files, by file index (the loader appends to it). */
    List<Path> files() {
        return files;
    }

    /** The capture points, by point index (the loader appends to it). */
    List<Point> points() {
        return points;
    }

    /** Comments each file carries (section, interface and packet comments), by file (the loader sets them). */
    List<List<String>> comments() {
        return comments;
    }

    /** First packet index of each file (the loader fills it in). */
    int[] fileStart() {
        return fileStart;
    }

    void fileStart(int[] starts) {
        this.fileStart = starts;
    }

    private void grow() {
        int n = ts.length * 2;
        ts = Arrays.copyOf(ts, n);
        position = Arrays.copyOf(position, n);
        frame = Arrays.copyOf(frame, n);
        capLen = Arrays.copyOf(capLen, n);
        wireLen = Arrays.copyOf(wireLen, n);
        point = Arrays.copyOf(point, n);
        flags = Arrays.copyOf(flags, n);
        vni = Arrays.copyOf(vni, n);
        innerLen = Arrays.copyOf(innerLen, n);
        proto = Arrays.copyOf(proto, n);
        tcp = Arrays.copyOf(tcp, n);
        duplicateAck = Arrays.copyOf(duplicateAck, n);
        rttMicros = Arrays.copyOf(rttMicros, n);
    }

    /** What the loader worked out about one packet besides where its bytes are. */
    static final class Entry {
        long timestamp;
        int frameNumber;
        int pointIndex;
        int captured;
        int wire;
        int flags;
        int vni;
        int innerIpLength;
        int protoCode;
        int tcpFlags;
        int duplicateAckNumber;
        long ackRttNanos = -1;
    }

    /** Appends a packet that can be read again at {@code fileOffset} of its file. */
    int add(Entry e, long fileOffset) {
        return append(e, fileOffset, 0);
    }

    /** Appends a packet whose bytes are kept here: {@code buf[offset, offset + e.captured)}. */
    int add(Entry e, ByteBuffer buf, int offset) {
        int keep = e.captured;
        if (current == null || currentUsed + keep > current.length) {
            current = new byte[Math.max(CHUNK, keep)];
            chunks.add(current);
            currentUsed = 0;
        }
        buf.get(offset, current, currentUsed, keep);
        long at = ((long) (chunks.size() - 1) << 32) | currentUsed;
        currentUsed += keep;
        arenaBytes += keep;
        return append(e, at, IN_ARENA);
    }

    private int append(Entry e, long at, int extraFlags) {
        if (size == ts.length) {
            grow();
        }
        int i = size;
        position[i] = at;
        ts[i] = e.timestamp;
        frame[i] = e.frameNumber;
        point[i] = (short) e.pointIndex;
        capLen[i] = e.captured;
        wireLen[i] = e.wire;
        flags[i] = e.flags | extraFlags;
        vni[i] = e.vni;
        innerLen[i] = (char) Math.max(0, Math.min(0xFFFF, e.innerIpLength));
        proto[i] = (byte) e.protoCode;
        tcp[i] = (short) e.tcpFlags;
        duplicateAck[i] = (short) Math.min(Short.MAX_VALUE, e.duplicateAckNumber);
        rttMicros[i] = e.ackRttNanos < 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, (e.ackRttNanos + 999) / 1000);
        size = i + 1;
        return i;
    }

    long timestamp(int i) { return ts[i]; }
    int frame(int i) { return frame[i]; }
    int pointIndex(int i) { return point[i]; }
    Point point(int i) { return points.get(point[i]); }
    int fileOf(int i) { return points.get(point[i]).file; }
    int capturedLength(int i) { return capLen[i]; }
    int wireLength(int i) { return wireLen[i]; }
    int flags(int i) { return flags[i]; }
    int vni(int i) { return vni[i]; }
    int innerLength(int i) { return innerLen[i]; }
    int protoCode(int i) { return proto[i]; }
    int linkType(int i) { return points.get(point[i]).linkType; }
    /** The {@link io.tunnelscope.flow.TcpAnalysis} flags of packet {@code i}. */
    int tcpFlags(int i) { return tcp[i]; }
    int duplicateAckNumber(int i) { return duplicateAck[i]; }
    /** The ACK RTT of packet {@code i} in microseconds (rounded up), or -1. */
    int ackRttMicros(int i) { return rttMicros[i]; }

    boolean inArena(int i) {
        return (flags[i] & IN_ARENA) != 0;
    }

    /** Where packet {@code i}'s bytes start in its file (not for {@link #inArena} packets). */
    long fileOffset(int i) {
        return position[i];
    }

    void markNat(int i) {
        flags[i] |= NAT;
    }

    /**
     * Records that packets {@code fragments} (arrival order) made the datagram packet {@code completing}
     * shows. Synchronized with the two lookups: the list reads them while the loader still records.
     */
    synchronized void reassembled(int completing, int[] fragments) {
        fragmentsOf.put(completing, fragments);
        flags[completing] |= REASSEMBLED;
        for (int f : fragments) {
            if (f != completing) {
                reassembledIn.put(f, completing);
            }
        }
    }

    /** The packet that completed fragment {@code i}'s datagram, or -1. */
    synchronized int reassembledIn(int i) {
        Integer c = reassembledIn.get(i);
        return c == null ? -1 : c;
    }

    /** The fragments (packet indexes, arrival order) of the datagram packet {@code i} completed, or null. */
    synchronized int[] fragmentsOf(int i) {
        return (flags[i] & REASSEMBLED) == 0 ? null : fragmentsOf.get(i);
    }

    long arenaBytes() {
        return arenaBytes;
    }

    /** File {@code f} opened for reading (once, shared by the reading threads); closed by {@link #close()}. */
    synchronized java.nio.channels.FileChannel channel(int f) throws java.io.IOException {
        while (openChannels.size() <= f) {
            openChannels.add(null);
        }
        java.nio.channels.FileChannel c = openChannels.get(f);
        if (c == null || !c.isOpen()) {
            c = java.nio.channels.FileChannel.open(files.get(f), java.nio.file.StandardOpenOption.READ);
            openChannels.set(f, c);
        }
        return c;
    }

    /** Closes the files (mapped windows stay readable until collected). */
    synchronized void close() {
        for (java.nio.channels.FileChannel c : openChannels) {
            if (c != null) {
                try {
                    c.close();
                } catch (java.io.IOException e) {
                    // nothing more to do with it
                }
            }
        }
        openChannels.clear();
    }

    /** Bytes of the index per packet. */
    static int indexBytesPerPacket() {
        return 8 + 8 + 4 + 4 + 4 + 2 + 4 + 4 + 2 + 1 + 2 + 2 + 4;
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
        return (int) (position[i] >>> 32);
    }

    int arenaOffsetOf(int i) {
        return (int) position[i];
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

    /** The loaded file a report names (as given, or the same file by absolute path), or -1. */
    int fileIndex(String file) {
        if (file == null) {
            return -1;
        }
        for (int f = 0; f < files.size(); f++) {
            if (files.get(f).toString().equals(file)) {
                return f;
            }
        }
        Path wanted = Path.of(file).toAbsolutePath().normalize();
        for (int f = 0; f < files.size(); f++) {
            if (files.get(f).toAbsolutePath().normalize().equals(wanted)) {
                return f;
            }
        }
        return -1;
    }

    /** The index of the point of that name, or -1. */
    int pointIndex(String name) {
        for (int p = 0; p < points.size(); p++) {
            if (points.get(p).name().equals(name)) {
                return p;
            }
        }
        return -1;
    }
}
