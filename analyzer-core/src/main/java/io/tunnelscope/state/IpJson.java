package io.tunnelscope.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunnelscope.proto.vxlan.Vxlan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads iproute2's JSON output ({@code ip -j -d link show}, {@code ip -j addr show},
 * {@code ip -j route show}, {@code ip -j neigh show}, {@code bridge -j fdb show}) into a
 * {@link NetworkConfig}. Keys iproute2 leaves out (no {@code master}, no {@code linkinfo} for a
 * physical NIC, no {@code lladdr} for an unresolved neighbour) are nulls; unknown keys are ignored.
 */
public final class IpJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private IpJson() {
    }

    /**
     * The configuration from the texts of the five commands; any of them may be null (not
     * recorded). {@code addr} supplies the addresses of the devices {@code link} lists (and of
     * devices only it lists, should the two have been taken at different moments).
     *
     * @throws StateFormatException when a text is not the JSON the command writes
     */
    public static NetworkConfig parse(String link, String addr, String route, String neigh, String fdb)
            throws StateFormatException {
        Map<String, List<NetworkConfig.Address>> addresses = new LinkedHashMap<>();
        List<JsonNode> addrEntries = array(addr, "ip-addr.json");
        for (JsonNode device : addrEntries) {
            List<NetworkConfig.Address> list = new ArrayList<>();
            for (JsonNode a : device.path("addr_info")) {
                if (a.hasNonNull("local")) {
                    list.add(new NetworkConfig.Address(text(a, "family"), a.get("local").asText(),
                            a.path("prefixlen").asInt(), text(a, "scope")));
                }
            }
            addresses.put(device.path("ifname").asText(), List.copyOf(list));
        }
        List<NetworkConfig.Link> links = new ArrayList<>();
        List<JsonNode> linkEntries = array(link, "ip-link.json");
        if (linkEntries.isEmpty()) {
            linkEntries = addrEntries;
        }
        for (JsonNode l : linkEntries) {
            String name = l.path("ifname").asText();
            JsonNode info = l.path("linkinfo");
            String kind = info.hasNonNull("info_kind") ? info.get("info_kind").asText() : null;
            NetworkConfig.Vxlan vxlan = null;
            if ("vxlan".equals(kind)) {
                JsonNode data = info.path("info_data");
                vxlan = new NetworkConfig.Vxlan(data.path("id").asLong(), data.path("port").asInt(Vxlan.LINUX_PORT),
                        text(data, "local"), text(data, "link"), data.path("learning").asBoolean(true),
                        data.path("udp_csum").asBoolean(true));
            }
            boolean up = false;
            for (JsonNode flag : l.path("flags")) {
                up |= flag.asText().equals("UP");
            }
            links.add(new NetworkConfig.Link(l.path("ifindex").asInt(), name, kind, text(l, "master"),
                    l.path("mtu").asInt(), text(l, "address"), text(l, "link_type"), up, text(l, "operstate"),
                    vxlan, addresses.getOrDefault(name, List.of())));
        }
        List<NetworkConfig.Route> routes = new ArrayList<>();
        for (JsonNode r : array(route, "ip-route.json")) {
            routes.add(new NetworkConfig.Route(r.path("dst").asText(), text(r, "gateway"), text(r, "dev"),
                    strings(r.path("flags"))));
        }
        List<NetworkConfig.Neighbour> neighbours = new ArrayList<>();
        for (JsonNode n : array(neigh, "ip-neigh.json")) {
            neighbours.add(new NetworkConfig.Neighbour(n.path("dst").asText(), text(n, "dev"), text(n, "lladdr"),
                    strings(n.path("state"))));
        }
        List<NetworkConfig.FdbEntry> entries = new ArrayList<>();
        for (JsonNode f : array(fdb, "bridge-fdb.json")) {
            entries.add(new NetworkConfig.FdbEntry(text(f, "mac"), text(f, "ifname"), text(f, "dst"),
                    text(f, "master"), text(f, "state")));
        }
        return new NetworkConfig(List.copyOf(links), List.copyOf(routes), List.copyOf(neighbours),
                List.copyOf(entries));
    }

    private static List<JsonNode> array(String text, String what) throws StateFormatException {
        List<JsonNode> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            throw new StateFormatException(what, "not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isArray()) {
            throw new StateFormatException(what, "expected a JSON array of objects");
        }
        root.forEach(out::add);
        return out;
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array.isArray()) {
            array.forEach(v -> out.add(v.asText()));
        } else if (array.isTextual()) {
            out.add(array.asText());
        }
        return List.copyOf(out);
    }
}
