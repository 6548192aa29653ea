package io.tunnelscope.correlate;

import io.tunnelscope.capture.LinkType;
import io.tunnelscope.decode.PointNames;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The role of a capture point on the path: {@code pod}, {@code bridge}, {@code overlay-vxlan},
 * {@code overlay-tun}, {@code underlay} or {@code any}. What the packets show decides first:
 * a Linux cooked v1 capture is {@code any}; a point where most IP packets are tunnelled is the
 * {@code underlay}; a raw-IP link is a TUN device ({@code overlay-tun}); Ethernet frames between
 * VTEP MACs (the MACs seen inside VXLAN) are on the VXLAN device. Then the device name
 * (pcapng {@code if_name}, else the part of the file name after the last '-'), as users and the
 * lab name captures: {@code docker0}/{@code cni0} bridge, {@code flannel.1} VXLAN device,
 * {@code flannel0} TUN device, {@code eth*}/{@code ens*}/{@code enp*} host NIC, {@code pod}/
 * {@code veth*} pod side, {@code any}. Last, a point that is mostly where journeys start or end
 * is a {@code pod}, otherwise a {@code bridge}.
 */
final class Roles {
    private Roles() {
    }

    static String of(CapturePoint point, Set<Long> vtepMacs) {
        int linkType = LinkType.normalize(point.linkType);
        if (linkType == LinkType.LINUX_SLL) {
            return "any";
        }
        if (point.ipPackets > 0 && point.encapsulatedPackets * 2 >= point.ipPackets) {
            return "underlay";
        }
        if (linkType == LinkType.RAW || linkType == LinkType.IPV4 || linkType == LinkType.IPV6) {
            return "overlay-tun";
        }
        long total = 0;
        long vtep = 0;
        for (Map.Entry<Long, Long> mac : point.macs().entrySet()) {
            total += mac.getValue();
            if (vtepMacs.contains(mac.getKey())) {
                vtep += mac.getValue();
            }
        }
        if (total > 0 && vtep * 2 >= total) {
            return "overlay-vxlan";
        }
        String hint = byName(PointNames.device(point.name, point.interfaceName));
        if (hint != null) {
            return hint;
        }
        if (linkType == LinkType.LINUX_SLL2) {
            return "any";
        }
        return point.journeys > 0 && point.firstHops * 4 >= point.journeys ? "pod" : "bridge";
    }

    /** The outbound position of a role on a host: pod, bridge, overlay device, underlay. */
    static int pathRank(String role) {
        if (role == null) {
            return 4;
        }
        switch (role) {
            case "pod": return 0;
            case "bridge": return 1;
            case "overlay-vxlan":
            case "overlay-tun": return 2;
            case "underlay": return 3;
            default: return 4;
        }
    }

    static String byName(String device) {
        String d = device.toLowerCase(Locale.ROOT);
        if (d.equals("any")) {
            return "any";
        }
        if (d.startsWith("flannel.") || d.startsWith("vxlan")) {
            return "overlay-vxlan";
        }
        if (d.equals("flannel0") || d.startsWith("tun")) {
            return "overlay-tun";
        }
        if (d.equals("docker0") || d.equals("cni0") || d.equals("cbr0") || d.startsWith("br")) {
            return "bridge";
        }
        if (d.equals("pod") || d.startsWith("pod") || d.startsWith("veth") || d.startsWith("container")) {
            return "pod";
        }
        if (d.startsWith("eth") || d.startsWith("ens") || d.startsWith("enp") || d.startsWith("eno")
                || d.startsWith("bond") || d.equals("underlay")) {
            return "underlay";
        }
        return null;
    }
}
