package io.tunnelscope.correlate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A capture point placed by the user: {@code FILE[:IFACE]=HOST:DEVICE[:ROLE]} says that the capture
 * file {@code FILE} (its path, its name, or its name without extension), or only its interface
 * {@code IFACE} (pcapng interface name, {@code ifindexN} of an {@code any} capture), was taken on
 * {@code HOST}'s device {@code DEVICE}, whose role on the path is {@code ROLE} ({@code pod},
 * {@code veth}, {@code bridge}, {@code overlay-vxlan}, {@code overlay-tun}, {@code underlay};
 * needed where the name misleads, as a pod's own {@code eth0} does). Given placements win over
 * everything the names and the packets suggest.
 *
 * @param file      the file as given (path, file name or stem)
 * @param iface     the interface, or null for every interface of the file
 * @param host      the host
 * @param device    the device, or null to keep what the capture says
 * @param role      the device's role, or null to infer it
 */
public record PointMapping(String file, String iface, String host, String device, String role) {
    /** The roles a mapping may give. */
    public static final java.util.Set<String> ROLES = java.util.Set.of("pod", "veth", "bridge", "overlay-vxlan",
            "overlay-tun", "underlay");

    public PointMapping {
        if (file == null || file.isEmpty() || host == null || host.isEmpty()) {
            throw new IllegalArgumentException("a point mapping needs a file and a host");
        }
        if (role != null && !ROLES.contains(role)) {
            throw new IllegalArgumentException("unknown role '" + role + "' (" + String.join(", ", new java.util.TreeSet<>(ROLES))
                    + ")");
        }
    }

    /**
     * Parses {@code FILE[:IFACE]=HOST[:DEVICE[:ROLE]]}; the file is everything before the last
     * {@code =} (an interface after its last {@code :}, when {@code :} is there).
     *
     * @throws IllegalArgumentException with what is wrong, for the user
     */
    public static PointMapping parse(String spec) {
        int eq = spec.lastIndexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) {
            throw new IllegalArgumentException("point mapping '" + spec + "' is not FILE[:IFACE]=HOST:DEVICE");
        }
        String left = spec.substring(0, eq);
        String right = spec.substring(eq + 1);
        String file = left;
        String iface = null;
        int colon = left.lastIndexOf(':');
        if (colon > 0 && colon < left.length() - 1) {
            file = left.substring(0, colon);
            iface = left.substring(colon + 1);
        }
        String[] parts = right.split(":", -1);
        String host = parts[0];
        String device = parts.length > 1 && !parts[1].isEmpty() ? parts[1] : null;
        String role = parts.length > 2 && !parts[2].isEmpty() ? parts[2] : null;
        if (host.isEmpty() || parts.length > 3) {
            throw new IllegalArgumentException("point mapping '" + spec + "' is not FILE[:IFACE]=HOST:DEVICE[:ROLE]");
        }
        try {
            return new PointMapping(file, iface, host, device, role);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("point mapping '" + spec + "': " + e.getMessage(), e);
        }
    }

    /**
     * Reads a mapping file: one {@code FILE[:IFACE]=HOST:DEVICE} per line; blank lines and lines
     * starting with {@code #} are skipped.
     *
     * @throws IllegalArgumentException naming the file and line of a bad entry
     */
    public static List<PointMapping> read(Path file) throws IOException {
        List<PointMapping> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                out.add(parse(line));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Whether this mapping names the capture file {@code path} (by path, name or stem). */
    boolean matchesFile(String path, String fileName, String stem) {
        return file.equals(path) || file.equals(fileName) || file.equals(stem)
                || path.endsWith("/" + file);
    }

    /** Whether this mapping names the interface {@code interfaceName} or point suffix {@code suffix}. */
    boolean matchesInterface(String interfaceName, String suffix) {
        return iface == null || iface.equals(interfaceName) || iface.equals(suffix);
    }
}
