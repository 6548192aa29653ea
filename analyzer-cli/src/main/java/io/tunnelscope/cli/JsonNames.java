package io.tunnelscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tunnelscope.state.AddressNames;
import io.tunnelscope.state.IpBlock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Names in JSON output: beside every field whose value is a named address ({@code "src":
 * "10.244.1.2"}, also {@code ip:port} and {@code [ipv6]:port}) a field {@code srcName} with the name
 * ({@code {"kind": "pod", "name": "default/web-1", "node": "worker1"}}); beside an array of addresses
 * ({@code peers}) an array {@code peersNames} with a name or null for each. Additive: every key the
 * contract has stays as it is, and nothing changes without names.
 */
final class JsonNames {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonNames() {
    }

    /** Adds the names into {@code node} (objects and arrays, recursively). */
    static void annotate(JsonNode node, AddressNames names) {
        if (names.isEmpty() || node == null) {
            return;
        }
        if (node.isArray()) {
            node.forEach(child -> annotate(child, names));
            return;
        }
        if (!node.isObject()) {
            return;
        }
        ObjectNode object = (ObjectNode) node;
        List<Map.Entry<String, JsonNode>> added = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            if (value.isTextual()) {
                AddressNames.Name name = lookup(value.asText(), names);
                if (name != null) {
                    added.add(Map.entry(field.getKey() + "Name", toJson(name)));
                }
            } else if (value.isArray() && value.size() > 0 && value.get(0).isTextual()) {
                ArrayNode list = JSON.createArrayNode();
                boolean any = false;
                for (JsonNode item : value) {
                    AddressNames.Name name = item.isTextual() ? lookup(item.asText(), names) : null;
                    any |= name != null;
                    list.add(name == null ? null : toJson(name));
                }
                if (any) {
                    added.add(Map.entry(field.getKey() + "Names", list));
                }
            } else {
                annotate(value, names);
            }
        }
        for (Map.Entry<String, JsonNode> e : added) {
            if (!object.has(e.getKey())) {
                object.set(e.getKey(), e.getValue());
            }
        }
    }

    /** One JSON Lines line with the names added (a line that is not a JSON object is left as it is). */
    static String annotateLine(String line, AddressNames names) {
        if (line.isBlank()) {
            return line;
        }
        try {
            JsonNode node = JSON.readTree(line);
            if (node == null || !node.isObject()) {
                return line;
            }
            annotate(node, names);
            return JSON.writeValueAsString(node);
        } catch (java.io.IOException e) {
            return line;
        }
    }

    private static ObjectNode toJson(AddressNames.Name name) {
        ObjectNode n = JSON.createObjectNode();
        n.put("kind", name.kind().jsonName());
        n.put("name", name.name());
        n.put("node", name.node());
        return n;
    }

    /** The name of an address given as {@code ip}, {@code ip:port} or {@code [ipv6]:port}; null otherwise. */
    static AddressNames.Name lookup(String text, AddressNames names) {
        String address = text;
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            if (close < 0) {
                return null;
            }
            address = address.substring(1, close);
        } else if (address.indexOf(':') == address.lastIndexOf(':') && address.indexOf(':') > 0) {
            address = address.substring(0, address.indexOf(':'));
        }
        if (address.indexOf('/') >= 0 || IpBlock.address(address) == null) {
            return null;
        }
        return names.name(address);
    }
}
