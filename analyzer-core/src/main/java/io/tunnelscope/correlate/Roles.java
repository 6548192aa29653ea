package io.tunnelscope.correlate;

import io.tunnelscope.capture.LinkType;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The role of a device on the path: {@code pod} (a container's own interface), {@code veth} (the
 * host side of a pod's veth pair), {@code bridge}, {@code overlay-vxlan}, {@code overlay-tun},
 * {@code underlay} (the NIC that carries the tunnel), or {@code unknown}. A device name that says
 * it decides ({@code docker0}/{@code cni0} bridge, {@code flannel.1} VXLAN device, {@code flannel0}
 * TUN device, {@code eth*}/{@code ens*}/{@code enp*} NIC, {@code pod}, {@code veth*}); otherwise
 * what the packets show: a point where most IP packets are tunnelled is the underlay; a raw-IP link
 * is a TUN device; Ethernet frames between VTEP MACs (the MACs seen inside VXLAN) are on the VXLAN
 * device; frames a Linux cooked capture marks as for another host (a bridge port passes them on)
 * are on a veth; a point that is mostly where journeys start or end is a pod, otherwise a bridge.
 */
final class Roles {
    /**
     * Names that look like a Linux network device (or the {@code any}, {@code multi} and {@code pod}
     * words the lab and users name captures with): {@code HOST-DEVICE} file names end in one.
     */
    private static final Pattern DEVICE = Pattern.compile("(?i)(any\\w*|multi|pod\\d*|nic\\d*|underlay|lo"
            + "|eth\\d+(\\.\\d+)?|en[opsx]\\w+|wl\\w+|ib\\d+|bond\\d+|team\\d+|vlan\\d+"
            + "|veth\\w*|cali\\w+|lxc\\w+|container\\w*"
            + "|docker\\d+|cni\\d+|cbr\\d+|br(\\d+|-\\w+)|virbr\\d+|bridge\\d*"
            + "|flannel(\\.\\d+|\\.ipip|\\d+|-v6\\.\\d+|-wg(-v6)?)|vxlan(\\d+|\\.\\w+)?|cilium_\\w+|genev_sys_\\d+"
            + "|tun\\d*|tap\\w*|tunl\\d+|wg\\d+|gre(tap)?\\d+|ipip\\d*|sit\\d+|ip6tnl\\d+|kube-\\w+)"
            + "(@if\\d+)?");

    private Roles() {
    }

    /** The role of a point from its name and what its packets showed ({@code vtepMacs}: MACs inside VXLAN). */
    static String of(CapturePoint point, Set<Long> vtepMacs) {
        if (point.ipPackets > 0 && point.encapsulatedPackets * 2 >= point.ipPackets) {
            // Tunnel packets are only ever seen on the NIC that carries them, whatever its name.
            return "underlay";
        }
        String hint = point.device != null ? byName(point.device.name) : null;
        if (hint != null && !hint.equals("any")) {
            return hint;
        }
        String shown = byContent(point, vtepMacs);
        if (shown != null) {
            return shown;
        }
        if (point.ipPackets == 0 && point.anyCapture()) {
            return "unknown"; // an any capture's interface that carried no IP (broadcast ARP, say)
        }
        return point.journeys > 0 && point.firstHops * 4 >= point.journeys ? "pod" : "bridge";
    }

    /**
     * The role of a point before any journey is analysed (the calibration's view): tunnel
     * packets, then the name, then what the packets show; null when nothing says.
     */
    static String early(CapturePoint point, Set<Long> vtepMacs) {
        if (point.ipPackets > 0 && point.encapsulatedPackets * 2 >= point.ipPackets) {
            return "underlay";
        }
        String hint = point.device != null ? byName(point.device.name) : null;
        if (hint != null && !hint.equals("any")) {
            return hint;
        }
        return byContent(point, vtepMacs);
    }

    /** What the packets of a point say its role is, or null when they say nothing. */
    static String byContent(CapturePoint point, Set<Long> vtepMacs) {
        int linkType = LinkType.normalize(point.linkType);
        if (point.ipPackets > 0 && point.encapsulatedPackets * 2 >= point.ipPackets) {
            return "underlay";
        }
        if (linkType == LinkType.RAW || linkType == LinkType.IPV4 || linkType == LinkType.IPV6
                || point.rawIpPackets * 2 > point.packets && point.packets > 0) {
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
        if (point.otherHostPackets > 0 && point.otherHostPackets * 2 >= point.incomingPackets) {
            return "veth";
        }
        return null;
    }

    /** Whether {@code name} looks like a network device (or the {@code any}/{@code multi} keywords). */
    static boolean looksLikeDevice(String name) {
        return DEVICE.matcher(name).matches();
    }

    /**
     * Where a role puts a device on a host's outbound path: pod 0, veth 1, bridge 2, overlay 3,
     * underlay 4; -1 when the role says nothing.
     */
    static int pathRank(String role) {
        if (role == null) {
            return -1;
        }
        switch (role) {
            case "pod": return 0;
            case "veth": return 1;
            case "bridge": return 2;
            case "overlay-vxlan":
            case "overlay-tun": return 3;
            case "underlay": return 4;
            default: return -1;
        }
    }

    /** The role a device name says, or null. */
    static String byName(String device) {
        String d = device.toLowerCase(Locale.ROOT).replaceFirst("@.*", "");
        if (d.equals("any")) {
            return "any";
        }
        if (d.equals("lo")) {
            return "loopback";
        }
        // Overlay devices that carry Ethernet frames (VXLAN: flannel, Calico, Cilium; Geneve: Cilium,
        // OVS) and those that carry bare IP packets (flannel's UDP TUN, IP-in-IP's tunl0).
        if (d.matches("flannel(-v6)?\\.\\d+|vxlan(\\d+|\\.\\w+)?|cilium_vxlan|cilium_geneve|genev_sys_\\d+")) {
            return "overlay-vxlan";
        }
        if (d.equals("flannel0") || d.matches("tun\\d*|tunl\\d+|flannel\\.ipip")) {
            return "overlay-tun";
        }
        if (d.matches("docker\\d+|cni\\d+|cbr\\d+|br(\\d+|-\\w+)|virbr\\d+|bridge\\d*")) {
            return "bridge";
        }
        if (d.startsWith("veth") || d.startsWith("cali") || d.startsWith("lxc")) {
            return "veth";
        }
        if (d.matches("pod\\d*") || d.startsWith("container")) {
            return "pod";
        }
        if (d.matches("eth\\d+(\\.\\d+)?|en[opsx]\\w+|bond\\d+|team\\d+|underlay|nic\\d*")) {
            return "underlay";
        }
        return null;
    }
}
