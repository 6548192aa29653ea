package io.tunnelscope.decode;

import java.util.Locale;

/**
 * What the decoder does with the payload of a UDP port (an entry of the {@code udp.port} table).
 * {@link #NONE} makes a port plain payload, also switching off the VXLAN heuristic for it.
 */
public enum UdpDissector {
    VXLAN("vxlan"),
    FLANNEL_UDP("flannel-udp"),
    GENEVE("geneve"),
    NONE("none");

    private final String cliName;

    UdpDissector(String cliName) {
        this.cliName = cliName;
    }

    /** The name used in {@code udp.port=N:name}. */
    public String cliName() {
        return cliName;
    }

    /** The dissector with this CLI name (case-insensitive), or null. */
    public static UdpDissector byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (UdpDissector d : values()) {
            if (d.cliName.equals(n)) {
                return d;
            }
        }
        return null;
    }
}
