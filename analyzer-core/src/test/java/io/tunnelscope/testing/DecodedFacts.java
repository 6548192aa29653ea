package io.tunnelscope.testing;

import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.LayerType;
import io.tunnelscope.decode.Note;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.Protocols;
import io.tunnelscope.proto.vxlangpe.VxlanGpe;
import io.tunnelscope.proto.wccp.Wccp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The facts of one decoded packet that the oracle tests compare with tcpdump and tshark, in the
 * shapes those tools print them.
 */
public final class DecodedFacts {
    private DecodedFacts() {
    }

    /** Non-quoted IP levels, outer first, as tcpdump prints them: {@code src[.port] > dst[.port]}. */
    public static List<String> ipLevels(LayerStack stack) {
        PacketView view = new PacketView().wrap(stack);
        List<String> levels = new ArrayList<>();
        for (int i = 0; i < stack.count(); i++) {
            if (stack.isQuoted(i) || !LayerType.isIp(stack.type(i))) {
                continue;
            }
            int transport = view.transportLayer(i);
            boolean ports = transport >= 0 && !stack.isQuoted(transport)
                    && (stack.type(transport) == LayerType.UDP || stack.type(transport) == LayerType.TCP);
            StringBuilder text = new StringBuilder();
            view.appendSource(i, text);
            if (ports && view.sourcePort(transport) >= 0) {
                text.append('.').append(view.sourcePort(transport));
            }
            text.append(" > ");
            view.appendDestination(i, text);
            if (ports && view.destinationPort(transport) >= 0) {
                text.append('.').append(view.destinationPort(transport));
            }
            levels.add(text.toString());
        }
        return levels;
    }

    /**
     * VNIs of the tunnel layers that carry one (VXLAN, Geneve, and the registered tunnels with a VNI
     * reader such as VXLAN-GPE, whose {@code vxlan.vni} tshark fills too), outer first.
     */
    public static List<Long> vnis(LayerStack stack) {
        PacketView view = new PacketView().wrap(stack);
        List<Long> vnis = new ArrayList<>();
        for (int i = 0; i < stack.count(); i++) {
            if (view.vni(i) >= 0) {
                vnis.add((long) view.vni(i));
            }
        }
        return vnis;
    }

    /** The layer chain in tshark's {@code frame.protocols} names, for the protocols both know. */
    public static List<String> tsharkProtocols(LayerStack stack) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < stack.count(); i++) {
            String name = tsharkName(stack.type(i));
            if (name == null) {
                name = registeredTsharkName(stack, i);
            }
            if (name != null) {
                names.add(name);
            }
        }
        return names;
    }

    /**
     * A protocol the registry gives a dissect step of its own is Wireshark's dissector of its
     * name; a zero-length tunnel marker whose next layer is that same dissector (MPLS-in-UDP before
     * its label stack) has no counterpart of its own.
     */
    private static String registeredTsharkName(LayerStack stack, int i) {
        ProtocolDescriptor d = Protocols.byId(stack.type(i));
        if (d == null || d.dissector() == null || d.id() == Wccp.ID || d.id() == VxlanGpe.ID) {
            // WCCP's redirect header is part of Wireshark's GRE layer; tshark 4.0 dissects VXLAN-GPE
            // (vxlan.* fields) without a layer of its own in frame.protocols.
            return null;
        }
        if (d.isTunnel() && stack.headerLength(i) == 0 && i + 1 < stack.count()) {
            ProtocolDescriptor next = Protocols.byId(stack.type(i + 1));
            if (next != null && next.wiresharkName().equals(d.wiresharkName())) {
                return null;
            }
        }
        return d.wiresharkName();
    }

    /** Keeps the entries of a tshark protocol chain that {@link #tsharkProtocols} can produce. */
    public static List<String> comparableTsharkProtocols(List<String> tshark) {
        List<String> names = new ArrayList<>();
        for (String name : tshark) {
            if (KNOWN.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    private static final List<String> KNOWN = known();

    private static List<String> known() {
        List<String> names = new ArrayList<>(List.of("eth", "vlan", "ieee8021ad", "sll", "null", "arp", "ip", "ipv6",
                "ipv6.hopopts", "ipv6.routing", "ipv6.fraghdr", "ipv6.dstopts", "udp", "tcp", "icmp", "icmpv6",
                "vxlan", "geneve", "gre"));
        for (ProtocolDescriptor d : Protocols.all()) {
            if (d.dissector() != null && !names.contains(d.wiresharkName())) {
                names.add(d.wiresharkName());
            }
        }
        return List.copyOf(names);
    }

    private static String tsharkName(int type) {
        switch (type) {
            case LayerType.ETHERNET: return "eth";
            case LayerType.VLAN: return "vlan";
            case LayerType.IEEE_8021AD: return "ieee8021ad";
            case LayerType.LINUX_SLL:
            case LayerType.LINUX_SLL2: return "sll";
            case LayerType.LOOPBACK: return "null";
            case LayerType.ARP: return "arp";
            case LayerType.IPV4: return "ip";
            case LayerType.IPV6: return "ipv6";
            case LayerType.IPV6_HOP_BY_HOP: return "ipv6.hopopts";
            case LayerType.IPV6_ROUTING: return "ipv6.routing";
            case LayerType.IPV6_FRAGMENT: return "ipv6.fraghdr";
            case LayerType.IPV6_DESTINATION: return "ipv6.dstopts";
            case LayerType.UDP: return "udp";
            case LayerType.TCP: return "tcp";
            case LayerType.ICMP: return "icmp";
            case LayerType.ICMPV6: return "icmpv6";
            case LayerType.VXLAN: return "vxlan";
            case LayerType.GENEVE: return "geneve";
            case LayerType.GRE: return "gre";
            default: return null;
        }
    }

    /** Every IPv4 (or IPv6) layer's source and destination, quoted ones included, outer first. */
    public static List<String> addresses(LayerStack stack, int ipType, boolean source) {
        PacketView view = new PacketView().wrap(stack);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < stack.count(); i++) {
            if (stack.type(i) == ipType) {
                StringBuilder text = new StringBuilder();
                if (source ? view.appendSource(i, text) : view.appendDestination(i, text)) {
                    out.add(text.toString());
                }
            }
        }
        return out;
    }

    /**
     * Per protocol (ip, tcp, udp, icmp, icmpv6), whether each layer's checksum was noted wrong,
     * outer first: every IPv4 header, quoted ones included; the transport layers outside ICMP
     * quotes, null for those inside a fragment (their segment is not all there: not verified).
     */
    public static Map<String, List<Boolean>> checksumVerdicts(LayerStack stack) {
        PacketView view = new PacketView().wrap(stack);
        Map<String, List<Boolean>> verdicts = new LinkedHashMap<>();
        for (String protocol : List.of("ip", "tcp", "udp", "icmp", "icmpv6")) {
            verdicts.put(protocol, new ArrayList<>());
        }
        boolean insideFragment = false;
        for (int i = 0; i < stack.count(); i++) {
            int type = stack.type(i);
            if (LayerType.isIp(type) && !stack.isQuoted(i) && (view.moreFragments(i) || view.fragmentOffset(i) > 0)) {
                insideFragment = true;
            }
            String protocol = type == LayerType.IPV4 ? "ip" : type == LayerType.TCP ? "tcp" : type == LayerType.UDP ? "udp"
                    : type == LayerType.ICMP ? "icmp" : type == LayerType.ICMPV6 ? "icmpv6" : null;
            if (protocol == null || stack.isQuoted(i) && type != LayerType.IPV4) {
                continue;
            }
            boolean wrong = false;
            for (int n = 0; n < stack.noteCount(); n++) {
                Note note = stack.note(n);
                wrong |= stack.noteLayer(n) == i && (note == Note.IPV4_BAD_CHECKSUM || note == Note.TCP_BAD_CHECKSUM
                        || note == Note.UDP_BAD_CHECKSUM || note == Note.ICMP_BAD_CHECKSUM
                        || note == Note.ICMPV6_BAD_CHECKSUM);
            }
            verdicts.get(protocol).add(insideFragment && type != LayerType.IPV4 ? null : wrong);
        }
        return verdicts;
    }

    /** Every UDP (or TCP) layer's source or destination port, quoted ones included, outer first. */
    public static List<String> ports(LayerStack stack, int transportType, boolean source) {
        PacketView view = new PacketView().wrap(stack);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < stack.count(); i++) {
            if (stack.type(i) == transportType) {
                int port = source ? view.sourcePort(i) : view.destinationPort(i);
                if (port >= 0) {
                    out.add(Integer.toString(port));
                }
            }
        }
        return out;
    }

    /** The addresses of the IP packet the innermost tunnel carries ("src > dst"), or "". */
    public static String carried(LayerStack stack) {
        PacketView view = new PacketView().wrap(stack);
        int ip = view.carriedIpLayer();
        StringBuilder out = new StringBuilder();
        if (ip >= 0) {
            view.appendSource(ip, out);
            out.append(" > ");
            view.appendDestination(ip, out);
        }
        return out.toString();
    }

    /** The names of the packet's encapsulations, outer first. */
    public static List<String> encapsulations(LayerStack stack) {
        PacketView view = new PacketView().wrap(stack);
        List<String> names = new ArrayList<>();
        for (int n = 0; n < view.encapsulationCount(); n++) {
            names.add(io.tunnelscope.decode.Encapsulation.name(view.encapsulation(n)));
        }
        return names;
    }
}
