package io.tunnelscope.decode;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.Protocols;
import io.tunnelscope.proto.flannel.FlannelUdp;
import io.tunnelscope.proto.geneve.Geneve;
import io.tunnelscope.proto.gre.Gre;
import io.tunnelscope.proto.ipip.Ipip;
import io.tunnelscope.proto.vxlan.Vxlan;

/**
 * Kinds of encapsulation a packet can carry (see {@link PacketView#encapsulation(int)}): an
 * encapsulation is its tunnel protocol's id in the registry ({@link Protocols}), and its name is
 * that protocol's. The constants are the ids the analysis switches on.
 */
public final class Encapsulation {
    /** VXLAN (RFC 7348), UDP 4789 or flannel's 8472. */
    public static final int VXLAN = Vxlan.ID;
    /** flannel's UDP backend: a bare IP packet in UDP 8285. */
    public static final int FLANNEL_UDP = FlannelUdp.ID;
    /** Geneve (RFC 8926), UDP 6081. */
    public static final int GENEVE = Geneve.ID;
    /** IP in IP: IPv4/IPv6 protocol 4 or 41 (RFC 2003, RFC 4213). */
    public static final int IPIP = Ipip.ID;
    /** GRE (RFC 2784). */
    public static final int GRE = Gre.ID;

    private Encapsulation() {
    }

    /** The tunnel protocol's name ("vxlan", "flannel-udp", ...); "encapsulation&lt;n&gt;" otherwise. */
    public static String name(int encapsulation) {
        ProtocolDescriptor d = Protocols.byId(encapsulation);
        return d != null && d.isTunnel() ? d.name() : "encapsulation" + encapsulation;
    }

    /** The encapsulation of a name, or 0 when the name is no tunnel. */
    public static int byName(String name) {
        ProtocolDescriptor d = Protocols.byName(name);
        return d != null && d.isTunnel() ? d.id() : 0;
    }
}
