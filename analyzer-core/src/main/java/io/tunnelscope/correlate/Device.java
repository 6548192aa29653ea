package io.tunnelscope.correlate;

import java.util.ArrayList;
import java.util.List;

/**
 * One network device of a host: one hop of a packet's journey, however many captures saw it (a
 * per-device file, an interface of a multi-interface pcapng, an interface of an {@code any}
 * capture).
 */
final class Device {
    final int index;
    final Host host;
    final String name;
    /** The points that saw this device, the device's own captures first (see {@link #primary}). */
    final List<CapturePoint> points = new ArrayList<>();
    /** The role the name or the calibration gave it, or null until the report decides. */
    String role;
    /** The user gave the role ({@link PointMapping}): nothing overrides it. */
    boolean given;
    /**
     * The device a Linux cooked v1 capture cannot tell this one from (this one is seen there as
     * a second sighting: {@link HostModel#sibling}); null for devices a capture names.
     */
    Device twinOf;

    Device(int index, Host host, String name, String role) {
        this.index = index;
        this.host = host;
        this.name = name;
        this.role = role;
    }

    /** Where the role puts this device on the outbound path (see {@link Roles#pathRank}). */
    int rank() {
        return Roles.pathRank(role);
    }

    /**
     * The point that names this device in paths and NAT entries: a capture of this device alone
     * (a file, or one interface of a pcapng) rather than an interface of an {@code any} capture.
     */
    CapturePoint primary() {
        if (points.isEmpty() && twinOf != null) {
            return twinOf.primary();
        }
        CapturePoint best = null;
        for (CapturePoint point : points) {
            if (best == null || best.anyCapture() && !point.anyCapture()) {
                best = point;
            }
        }
        return best;
    }

    /** {@code host device}, as text shows a device. */
    String label() {
        return host.name + " " + name;
    }

    @Override
    public String toString() {
        return label();
    }
}
