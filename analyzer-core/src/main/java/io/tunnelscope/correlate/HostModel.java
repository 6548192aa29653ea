package io.tunnelscope.correlate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The hosts and devices of one correlation pass, and where each capture point belongs. A point is
 * placed when it is created: by what the calibration decided for it ({@link Plan}), else by what
 * the user gave ({@link PointMapping}), what the capture says (a {@code tunnelscope-node=NAME}
 * section comment, as {@code tunnelscope collect} writes), a directory per host
 * ({@code DIR/NODE/DEVICE.pcapng}) or the file name ({@code HOST-DEVICE.pcap}). A file nothing
 * names a host for is a host of its own until the calibration finds where it belongs.
 */
final class HostModel {
    /** Where a point belongs, as the calibration decided it (by point name). */
    record Placement(String host, String hostSource, String device, String role) {
    }

    /** What the calibration decided: points' places, and each host's clock and VTEP. */
    record Plan(Map<String, Placement> points, Map<String, Long> offsets, Map<String, String> clockBases,
                Map<String, long[]> vteps) {
        static final Plan NONE = new Plan(Map.of(), Map.of(), Map.of(), Map.of());
    }

    /** What is known of a point when it is created. */
    record PointFacts(String name, Path file, String stem, int linkType, String interfaceName, int interfaceCount,
                      String interfaceSuffix, String nodeComment) {
    }

    final List<Host> hosts = new ArrayList<>();
    final List<Device> devices = new ArrayList<>();
    private final Map<String, Host> hostsByName = new HashMap<>();
    private final Map<String, Device> devicesByKey = new HashMap<>();
    private final Map<Path, Host> hostsByFile = new HashMap<>();
    private final List<PointMapping> mappings;
    private final Plan plan;

    HostModel(List<PointMapping> mappings, Plan plan) {
        this.mappings = mappings;
        this.plan = plan;
    }

    /** The host called {@code name}, made (with its planned clock) when new. */
    Host host(String name, String source) {
        Host host = hostsByName.get(name);
        if (host == null) {
            host = new Host(hosts.size(), name, source);
            host.offsetNanos = plan.offsets().getOrDefault(name, 0L);
            host.clockBasis = plan.clockBases().getOrDefault(name, "none");
            long[] vtep = plan.vteps().get(name);
            host.vtep = vtep == null ? null : new long[] {vtep[0], vtep[1]};
            host.otherVtep = vtep == null || vtep.length < 4 ? null : new long[] {vtep[2], vtep[3]};
            hosts.add(host);
            hostsByName.put(name, host);
        }
        return host;
    }

    /** {@code host}'s device called {@code name}, made when new (its role from the name, else {@code role}). */
    Device device(Host host, String name, String role) {
        String key = host.name + '\u0000' + name;
        Device device = devicesByKey.get(key);
        if (device == null) {
            String byName = Roles.byName(name);
            device = new Device(devices.size(), host, name, byName != null && !byName.equals("any") ? byName : role);
            devices.add(device);
            host.devices.add(device);
            devicesByKey.put(key, device);
        } else if (device.role == null && role != null) {
            device.role = role;
        }
        return device;
    }

    /**
     * The device after {@code device} that a Linux cooked v1 capture (no interface index) cannot
     * tell from it: a bridge forwards to a pod's veth with the same packet type and source address;
     * other devices get a numbered twin.
     */
    Device sibling(Device device) {
        Device twin = "bridge".equals(device.role) ? device(device.host, "veth", "veth")
                : device(device.host, device.name + "#2", device.role);
        if (twin.points.isEmpty() && twin.twinOf == null) {
            twin.twinOf = device;
        }
        return twin;
    }

    /** Places a new point: as planned, else as its names say; a role the user gave always holds. */
    void place(CapturePoint point, PointFacts facts) {
        point.nodeComment = facts.nodeComment();
        Placement named = byNames(facts);
        Placement planned = plan.points().get(point.name);
        Host host;
        Device device;
        if (planned != null) {
            host = host(planned.host(), planned.hostSource());
            device = device(host, planned.device(), planned.role());
        } else {
            if (named.host() != null) {
                host = host(named.host(), named.hostSource());
            } else {
                host = hostsByFile.get(facts.file());
                if (host == null) {
                    host = host(uniqueHostName(facts.stem()), "file");
                }
            }
            device = device(host, named.device(), named.role());
        }
        if (named.role() != null) {
            device.role = named.role();
            device.given = true;
        }
        hostsByFile.putIfAbsent(facts.file(), host);
        assign(point, host, device);
    }

    /** Moves a point to another host and device (the calibration's decisions). */
    void move(CapturePoint point, Host host, Device device) {
        if (point.device != null) {
            point.device.points.remove(point);
        }
        if (point.host != null) {
            point.host.points.remove(point);
        }
        assign(point, host, device);
    }

    private static void assign(CapturePoint point, Host host, Device device) {
        point.host = host;
        point.device = device;
        host.points.add(point);
        device.points.add(point);
    }

    private String uniqueHostName(String stem) {
        String name = stem;
        for (int n = 2; hostsByName.containsKey(name); n++) {
            name = stem + "#" + n;
        }
        return name;
    }

    /**
     * Where the names put a point. The host, most trusted first: a mapping the user gave, the
     * capture's {@code tunnelscope-node=} comment, the file name {@code HOST-DEVICE} (the part after
     * the rightmost '-' that leaves a device name: {@code host1-flannel.1}, {@code node-2-eth0}, {@code host2-any},
     * {@code host3-multi}, {@code host1-flannel-wg}), the directory of a file named after a device alone
     * ({@code node2/flannel.1.pcapng}); null when none says. The device: the mapping's; the
     * interface name of a multi-interface file; the file name's device part; an {@code any}
     * capture's interface ({@code ifindexN}, named later by what it saw); the interface name;
     * the file name.
     */
    Placement byNames(PointFacts facts) {
        String fileName = facts.file().getFileName() == null ? facts.stem() : facts.file().getFileName().toString();
        String stem = facts.stem();
        String devicePart = null;
        String hostPart = null;
        // the rightmost dash whose right side is a device name: device names have dashes too
        // (flannel-v6.1, flannel-wg-v6), host names as well (node-2-eth0)
        for (int dash = stem.lastIndexOf('-'); dash > 0; dash = stem.lastIndexOf('-', dash - 1)) {
            if (dash < stem.length() - 1 && Roles.looksLikeDevice(stem.substring(dash + 1))) {
                devicePart = stem.substring(dash + 1);
                hostPart = stem.substring(0, dash);
                break;
            }
        }
        if (devicePart == null && Roles.looksLikeDevice(stem)) {
            devicePart = stem;
        }
        String device;
        boolean cooked = facts.interfaceSuffix() != null && (facts.linkType() == io.tunnelscope.capture.LinkType.LINUX_SLL
                || facts.linkType() == io.tunnelscope.capture.LinkType.LINUX_SLL2);
        if (cooked) {
            device = facts.interfaceSuffix();
        } else if (facts.interfaceCount() > 1) {
            device = facts.interfaceName() != null ? facts.interfaceName() : facts.interfaceSuffix();
        } else if (devicePart != null && !devicePart.equalsIgnoreCase("multi")) {
            device = devicePart;
        } else if (facts.interfaceName() != null) {
            device = facts.interfaceName();
        } else {
            device = stem;
        }
        PointMapping best = null;
        for (PointMapping mapping : mappings) {
            if (mapping.matchesFile(facts.file().toString(), fileName, stem)
                    && mapping.matchesInterface(facts.interfaceName(), facts.interfaceSuffix())
                    && (best == null || best.iface() == null && mapping.iface() != null)) {
                best = mapping;
            }
        }
        if (best != null) {
            return new Placement(best.host(), "given", best.device() != null ? best.device() : device, best.role());
        }
        if (facts.nodeComment() != null) {
            return new Placement(facts.nodeComment(), "capture", device, null);
        }
        if (hostPart != null) {
            return new Placement(hostPart, "file name", device, null);
        }
        Path parent = facts.file().toAbsolutePath().getParent();
        if (devicePart != null && parent != null && parent.getFileName() != null) {
            return new Placement(parent.getFileName().toString(), "directory", device, null);
        }
        return new Placement(null, null, device, null);
    }
}
