package io.tunnelscope.state;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * flanneld's {@code /run/flannel/subnet.env}: {@code FLANNEL_NETWORK}, {@code FLANNEL_SUBNET} (the
 * node's pod subnet with its gateway, {@code 10.244.1.1/24}), {@code FLANNEL_MTU},
 * {@code FLANNEL_IPMASQ}.
 */
public record SubnetEnv(Map<String, String> values) {
    /** Not recorded. */
    public static final SubnetEnv EMPTY = new SubnetEnv(Map.of());

    public static SubnetEnv parse(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            int eq = l.indexOf('=');
            if (eq > 0 && !l.startsWith("#")) {
                String value = l.substring(eq + 1).strip();
                if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                        || value.startsWith("'") && value.endsWith("'"))) {
                    value = value.substring(1, value.length() - 1);
                }
                values.put(l.substring(0, eq).strip(), value);
            }
        }
        return new SubnetEnv(Map.copyOf(values));
    }

    /** {@code FLANNEL_MTU}, or -1. */
    public int mtu() {
        try {
            return Integer.parseInt(values.getOrDefault("FLANNEL_MTU", "-1"));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The node's pod subnet ({@code FLANNEL_SUBNET} as a network), or null. */
    public IpBlock subnet() {
        return IpBlock.parse(values.get("FLANNEL_SUBNET"));
    }

    /** The whole pod network ({@code FLANNEL_NETWORK}), or null. */
    public IpBlock network() {
        return IpBlock.parse(values.get("FLANNEL_NETWORK"));
    }
}
