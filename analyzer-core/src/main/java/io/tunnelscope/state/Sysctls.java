package io.tunnelscope.state;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Kernel settings as {@code collect} records them: {@code path = value}, the path under
 * {@code /proc/sys} ({@code net/ipv4/conf/flannel.1/rp_filter = 1}: device names keep their dots).
 */
public final class Sysctls {
    private final Map<String, String> values;

    private Sysctls(Map<String, String> values) {
        this.values = values;
    }

    /** Nothing recorded. */
    public static final Sysctls EMPTY = new Sysctls(Map.of());

    public static Sysctls parse(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf(" = ");
            if (eq > 0) {
                values.put(line.substring(0, eq).strip(), line.substring(eq + 3).strip());
            }
        }
        return new Sysctls(values);
    }

    /** The value at {@code path} (e.g. {@code net/ipv4/ip_forward}), or null when not recorded. */
    public String get(String path) {
        return values.get(path);
    }

    /** The value as an int, or {@code absent}. */
    public int intValue(String path, int absent) {
        String v = values.get(path);
        if (v == null) {
            return absent;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            return absent;
        }
    }

    /**
     * The reverse-path filter mode the kernel applies on a device: the larger of
     * {@code conf/all/rp_filter} and {@code conf/DEV/rp_filter} (0 off, 1 strict, 2 loose); -1 when
     * neither is recorded.
     */
    public int rpFilter(String device) {
        return Math.max(intValue("net/ipv4/conf/all/rp_filter", -1), intValue("net/ipv4/conf/" + device + "/rp_filter", -1));
    }

    public Map<String, String> all() {
        return values;
    }
}
