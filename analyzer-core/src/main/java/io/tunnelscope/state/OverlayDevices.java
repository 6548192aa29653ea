package io.tunnelscope.state;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The devices of a node that an overlay's packets cross, found in its {@code ip -j -d link} /
 * {@code ip -j addr} / {@code ip -j route} output, in the order an outgoing pod packet crosses them:
 * pod veths (when asked for), bridges ({@code docker0}, {@code cni0}), overlay devices (VXLAN
 * {@code flannel.1} with its VNI, port and local address; TUN {@code flannel0}; Geneve, IP-in-IP,
 * GRE) and the NIC that carries the tunnel (the VXLAN device's {@code dev}, else the device holding
 * its local address, else the default route's device).
 */
public final class OverlayDevices {
    /**
     * A device worth capturing on.
     *
     * @param name        the device name
     * @param role        {@code pod}, {@code bridge}, {@code overlay-vxlan}, {@code overlay-tun},
     *                    {@code overlay-KIND} or {@code underlay} (the roles correlation uses)
     * @param description what it is, for the capture's {@code if_description}
     */
    public record Device(String name, String role, String description) {
    }

    private OverlayDevices() {
    }

    /** The devices to capture on; with {@code pods}, the bridges' veth ports too. */
    public static List<Device> discover(NetworkConfig config, boolean pods) {
        List<Device> overlays = new ArrayList<>();
        Set<String> underlays = new LinkedHashSet<>();
        for (NetworkConfig.Link link : config.links()) {
            if (!link.up() || !link.tunnel()) {
                continue;
            }
            String kind = link.kind();
            StringBuilder text = new StringBuilder();
            String role;
            if (kind.equals("vxlan") && link.vxlan() != null) {
                NetworkConfig.Vxlan v = link.vxlan();
                role = "overlay-vxlan";
                text.append("VXLAN vni ").append(v.vni()).append(" port ").append(v.port());
                if (v.local() != null) {
                    text.append(" local ").append(v.local());
                }
                String lower = v.device();
                if (lower == null && v.local() != null) {
                    NetworkConfig.Link holder = config.linkWithAddress(v.local());
                    lower = holder == null ? null : holder.name();
                }
                if (lower != null) {
                    text.append(" dev ").append(lower);
                    underlays.add(lower);
                }
            } else if (kind.equals("tun")) {
                role = "overlay-tun";
                text.append("TUN device");
            } else {
                role = "overlay-" + kind.toLowerCase(Locale.ROOT);
                text.append(kind).append(" tunnel device");
            }
            text.append(addresses(link)).append(", MTU ").append(link.mtu());
            overlays.add(new Device(link.name(), role, text.toString()));
        }
        if (underlays.isEmpty()) {
            String dev = config.defaultDevice();
            if (dev == null) {
                dev = firstAddressedNic(config);
            }
            if (dev != null) {
                underlays.add(dev);
            }
        }
        List<Device> bridges = new ArrayList<>();
        List<Device> veths = new ArrayList<>();
        for (NetworkConfig.Link link : config.links()) {
            if (!link.up() || !"bridge".equals(link.kind())) {
                continue;
            }
            List<String> ports = new ArrayList<>();
            for (NetworkConfig.Link port : config.links()) {
                if (link.name().equals(port.master()) && port.up()) {
                    ports.add(port.name());
                    if (pods && "veth".equals(port.kind())) {
                        veths.add(new Device(port.name(), "pod", "pod veth on " + link.name() + ", MTU " + port.mtu()));
                    }
                }
            }
            if (ports.isEmpty() && link.addresses().isEmpty()) {
                continue;
            }
            bridges.add(new Device(link.name(), "bridge", "bridge" + addresses(link) + ", MTU " + link.mtu() + ", "
                    + ports.size() + (ports.size() == 1 ? " port" : " ports")));
        }
        List<Device> out = new ArrayList<>(veths);
        out.addAll(bridges);
        out.addAll(overlays);
        for (String name : underlays) {
            NetworkConfig.Link link = config.link(name);
            if (link != null && link.up() && out.stream().noneMatch(d -> d.name().equals(name))) {
                out.add(new Device(name, "underlay", "underlay NIC" + addresses(link) + ", MTU " + link.mtu()));
            }
        }
        return out;
    }

    private static String firstAddressedNic(NetworkConfig config) {
        for (NetworkConfig.Link link : config.links()) {
            if (link.up() && !link.loopback() && !link.tunnel() && !"bridge".equals(link.kind()) && link.master() == null) {
                for (NetworkConfig.Address a : link.addresses()) {
                    if ("inet".equals(a.family()) && "global".equals(a.scope())) {
                        return link.name();
                    }
                }
            }
        }
        return null;
    }

    private static String addresses(NetworkConfig.Link link) {
        List<String> list = new ArrayList<>();
        for (NetworkConfig.Address a : link.addresses()) {
            if ("inet".equals(a.family()) || "global".equals(a.scope())) {
                list.add(a.address() + "/" + a.prefixLength());
            }
        }
        return list.isEmpty() ? "" : " " + String.join(" ", list);
    }
}
