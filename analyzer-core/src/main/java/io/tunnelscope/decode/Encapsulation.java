package io.tunnelscope.decode;

/**
 * Kinds of encapsulation a packet can carry, as plain {@code int} constants (see
 * {@link PacketView#encapsulation(int)}); {@link #name(int)} gives the name the CLI and JSON use.
 */
public final class Encapsulation {
    /** VXLAN (RFC 7348), UDP 4789 or flannel's 8472. */
    public static final int VXLAN = 1;
    /** flannel's UDP backend: a bare IP packet in UDP 8285. */
    public static final int FLANNEL_UDP = 2;
    /** Geneve (RFC 8926), UDP 6081. */
    public static final int GENEVE = 3;
    /** IP in IP: IPv4/IPv6 protocol 4 or 41 (RFC 2003, RFC 4213). */
    public static final int IPIP = 4;
    /** GRE (RFC 2784). */
    public static final int GRE = 5;

    private static final String[] NAMES = {"?", "vxlan", "flannel-udp", "geneve", "ipip", "gre"};

    private Encapsulation() {
    }

    /** "vxlan", "flannel-udp", "geneve", "ipip" or "gre"; "encapsulation&lt;n&gt;" otherwise. */
    public static String name(int encapsulation) {
        return encapsulation > 0 && encapsulation < NAMES.length
            ? NAMES[encapsulation] : "encapsulation" + encapsulation;
    }
}
