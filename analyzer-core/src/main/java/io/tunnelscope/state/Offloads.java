package io.tunnelscope.state;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The offload features of each device, from {@code ethtool -k} run on every device in turn (each
 * block starts with {@code Features for DEV:}); sub-features (indented) are kept like the others.
 */
public final class Offloads {
    /**
     * One feature line: {@code tx-checksumming: on}, {@code large-receive-offload: off [fixed]}.
     *
     * @param name  the feature
     * @param on    whether it is on
     * @param fixed whether the driver does not let it change
     * @param line  the line as ethtool printed it (without indentation)
     */
    public record Feature(String name, boolean on, boolean fixed, String line) {
    }

    /** The features that decide what captures of locally sent traffic look like. */
    public static final List<String> CAPTURE_RELEVANT = List.of("tx-checksumming", "tcp-segmentation-offload",
            "generic-segmentation-offload", "generic-receive-offload", "tx-udp_tnl-segmentation",
            "tx-udp_tnl-csum-segmentation", "rx-checksumming");

    private final Map<String, Map<String, Feature>> devices;

    private Offloads(Map<String, Map<String, Feature>> devices) {
        this.devices = devices;
    }

    /** No device known. */
    public static final Offloads EMPTY = new Offloads(Map.of());

    /**
     * Parses the concatenated output.
     *
     * @throws StateFormatException when a feature line comes before any {@code Features for} line
     */
    public static Offloads parse(String text, String file) throws StateFormatException {
        Map<String, Map<String, Feature>> devices = new LinkedHashMap<>();
        Map<String, Feature> current = null;
        int number = 0;
        for (String raw : text.split("\n")) {
            number++;
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("Features for ") && line.endsWith(":")) {
                current = new LinkedHashMap<>();
                devices.put(line.substring("Features for ".length(), line.length() - 1), current);
                continue;
            }
            int colon = line.indexOf(": ");
            if (colon < 0) {
                continue; // "Cannot get device ..." and other messages
            }
            if (current == null) {
                throw new StateFormatException(file, "line " + number + ": a feature before 'Features for DEV:'");
            }
            String name = line.substring(0, colon);
            String value = line.substring(colon + 2);
            current.put(name, new Feature(name, value.startsWith("on"), value.contains("[fixed]"), line));
        }
        return new Offloads(devices);
    }

    /** The features of a device (empty when not recorded). */
    public Map<String, Feature> of(String device) {
        return devices.getOrDefault(device, Map.of());
    }

    /** The devices recorded. */
    public java.util.Set<String> devices() {
        return devices.keySet();
    }
}
