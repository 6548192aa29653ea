package io.tunnelscope.decode;

/**
 * How well a layer decoded. Two different faults, as Wireshark distinguishes them: the capture
 * ended early (snaplen cut: {@link #TRUNCATED}), or the packet contradicts its own length fields
 * or field rules ({@link #MALFORMED}). Ordered from best to worst.
 */
public enum LayerStatus {
    OK,
    TRUNCATED,
    MALFORMED;

    private static final LayerStatus[] VALUES = values();

    /** The status with this ordinal (as stored in a {@link LayerStack}). */
    public static LayerStatus of(int ordinal) {
        return VALUES[ordinal];
    }

    /** Lower-case name as the JSON contract spells it. */
    public String jsonName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
