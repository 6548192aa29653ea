package io.tunnelscope.anomaly;

import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.report.Evidence;

/** One decoded packet as the rules see it: where it was captured and its layers. Reused. */
public final class PacketContext {
    String point;
    String file;
    PacketRecord record;
    LayerStack stack;
    PacketView view;
    long release;
    long position;
    /** The packet's identity across captures (0: not one correlation follows). */
    long identity;

    void set(String point, String file, PacketRecord record, LayerStack stack, PacketView view) {
        this.point = point;
        this.file = file;
        this.record = record;
        this.stack = stack;
        this.view = view;
    }

    public String point() { return point; }
    public String file() { return file; }
    public PacketRecord record() { return record; }
    public LayerStack stack() { return stack; }
    public PacketView view() { return view; }

    /**
     * The packet's identity, the same at every capture that saw it (through tunnels and NAT): count
     * packets by it ({@link PacketCount}) so a packet seen at several points counts once. 0 for a
     * packet correlation does not follow (not routable IP): each of its sightings counts.
     */
    public long identity() { return identity; }

    /** Where this packet stands in the merged order of the captures (allocates: as evidence). */
    PacketOrder order() {
        return new PacketOrder(release, position);
    }

    /** This packet as evidence (allocates: call only for the few packets a rule keeps). */
    public Evidence evidence() {
        return new Evidence(point, file, record.frameNumber());
    }
}
