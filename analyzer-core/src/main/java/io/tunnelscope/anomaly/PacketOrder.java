package io.tunnelscope.anomaly;

/**
 * Where a packet stands in the merged order of all captures, so that state gathered per file can
 * be merged as if one instance had seen every packet: by {@code release} (see
 * {@link io.tunnelscope.correlate.FilePacketListener}), then by {@code position} (the file's
 * index in the high bits, the packet's index in its file in the low ones). When one instance sees
 * every packet, release is the packet's number and position 0.
 */
record PacketOrder(long release, long position) implements Comparable<PacketOrder> {
    /** Bits of {@link #position} that count packets within a file. */
    static final int PACKET_BITS = 40;

    static long position(int file, long packet) {
        return ((long) file << PACKET_BITS) | packet;
    }

    @Override
    public int compareTo(PacketOrder other) {
        int byRelease = Long.compare(release, other.release);
        return byRelease != 0 ? byRelease : Long.compare(position, other.position);
    }
}
