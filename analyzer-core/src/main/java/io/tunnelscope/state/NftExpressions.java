package io.tunnelscope.state;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunnelscope.decode.IpProtocols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * nft's JSON expressions (libnftables-json(5)): evaluated against a {@link NetfilterPacket} and
 * rendered in nft's syntax. Evaluated: {@code ip saddr/daddr}, {@code meta iifname/oifname/
 * l4proto/mark} (with a mask), {@code th/tcp/udp dport}, against a value, prefix, range or set, with
 * {@code ==}, {@code !=} and {@code in}; the statements {@code masquerade}, {@code snat},
 * {@code dnat}, {@code redirect}, {@code accept}, {@code drop}, {@code reject}, {@code return},
 * {@code jump}, {@code goto}, iptables-nft's {@code xt} targets; {@code counter}, {@code log} and
 * {@code xt} comments are neutral. Anything else makes the rule unevaluated.
 */
final class NftExpressions {
    private NftExpressions() {
    }

    static NftRuleset.Evaluation evaluate(List<JsonNode> expressions, NetfilterPacket packet) {
        for (JsonNode e : expressions) {
            String key = e.fieldNames().hasNext() ? e.fieldNames().next() : "";
            JsonNode body = e.get(key);
            switch (key) {
                case "match": {
                    Boolean result = match(body, packet);
                    if (result == null) {
                        return new NftRuleset.Evaluation(false, null, null, "'" + render(e) + "' not evaluated");
                    }
                    if (!result) {
                        return new NftRuleset.Evaluation(false, null, null, null);
                    }
                    break;
                }
                case "counter", "log", "limit":
                    break;
                case "xt": {
                    String name = body.path("name").asText();
                    if (body.path("type").asText().equals("target")) {
                        return new NftRuleset.Evaluation(true, name.toLowerCase(Locale.ROOT), null, null);
                    }
                    if (!name.equals("comment")) {
                        return new NftRuleset.Evaluation(false, null, null, "xt match " + name + " not evaluated");
                    }
                    break;
                }
                case "masquerade", "snat", "dnat", "redirect", "accept", "drop", "reject", "return":
                    return new NftRuleset.Evaluation(true, key, null, null);
                case "jump", "goto":
                    return new NftRuleset.Evaluation(true, key, body.path("target").asText(), null);
                default:
                    return new NftRuleset.Evaluation(false, null, null, "'" + key + "' not evaluated");
            }
        }
        return new NftRuleset.Evaluation(true, null, null, null);
    }

    /** True/false, or null when the match tests something the packet's description does not say. */
    private static Boolean match(JsonNode body, NetfilterPacket p) {
        String op = body.path("op").asText("==");
        JsonNode left = body.get("left");
        JsonNode right = body.get("right");
        Object actual = value(left, p);
        if (actual == null) {
            return null;
        }
        Boolean in;
        if (actual instanceof String s) {
            in = containsText(right, s);
        } else {
            in = containsNumber(right, (Long) actual);
        }
        if (in == null) {
            return null;
        }
        return switch (op) {
            case "==", "in" -> in;
            case "!=" -> !in;
            default -> null;
        };
    }

    /** The packet's value for a left-hand side: an address or name (String), a number (Long), or null. */
    private static Object value(JsonNode left, NetfilterPacket p) {
        if (left == null) {
            return null;
        }
        if (left.has("payload")) {
            JsonNode pl = left.get("payload");
            String protocol = pl.path("protocol").asText();
            String field = pl.path("field").asText();
            if (protocol.equals("ip") && field.equals("saddr")) {
                return p.source();
            }
            if (protocol.equals("ip") && field.equals("daddr")) {
                return p.destination();
            }
            if (field.equals("dport") && (protocol.equals("th") || protocol.equals(p.protocol()))) {
                return p.destinationPort() < 0 ? null : (Object) (long) p.destinationPort();
            }
            return null;
        }
        if (left.has("meta")) {
            switch (left.get("meta").path("key").asText()) {
                case "oifname":
                    return p.outDevice() == null ? "" : p.outDevice();
                case "iifname":
                    return p.inDevice() == null ? "" : p.inDevice();
                case "l4proto":
                    return p.protocol() == null ? null : (Object) (long) protocolNumber(p.protocol());
                case "mark":
                    return p.mark();
                default:
                    return null;
            }
        }
        if (left.has("&")) {
            JsonNode and = left.get("&");
            if (and.size() == 2 && and.get(1).isNumber()) {
                Object inner = value(and.get(0), p);
                if (inner instanceof Long n) {
                    return n & and.get(1).asLong();
                }
            }
        }
        return null;
    }

    /** nft's protocol words are IANA's names: the registry's ({@code tcp} 6, {@code udp} 17, ...). */
    private static int protocolNumber(String protocol) {
        return IpProtocols.number(protocol);
    }

    private static Boolean containsText(JsonNode right, String actual) {
        if (right == null) {
            return null;
        }
        if (right.isTextual()) {
            String r = right.asText();
            IpBlock block = IpBlock.parse(r);
            if (block != null) {
                return block.contains(actual);
            }
            if (r.endsWith("*")) {
                return actual.startsWith(r.substring(0, r.length() - 1));
            }
            return actual.equals(r);
        }
        if (right.has("prefix")) {
            IpBlock block = IpBlock.parse(right.get("prefix").path("addr").asText() + "/"
                    + right.get("prefix").path("len").asInt());
            return block != null && block.contains(actual);
        }
        if (right.has("set")) {
            return anyInSet(right.get("set"), item -> containsText(item, actual));
        }
        return null;
    }

    /** True when one item of an anonymous set matches, null when one cannot be told before a match. */
    private static Boolean anyInSet(JsonNode set, java.util.function.Function<JsonNode, Boolean> matches) {
        for (JsonNode item : set) {
            Boolean one = matches.apply(item);
            if (one == null) {
                return null;
            }
            if (one) {
                return true;
            }
        }
        return false;
    }

    private static Boolean containsNumber(JsonNode right, long actual) {
        if (right == null) {
            return null;
        }
        if (right.isNumber()) {
            return right.asLong() == actual;
        }
        if (right.isTextual()) {
            int number = IpProtocols.number(right.asText());
            return number < 0 ? null : actual == number;
        }
        if (right.has("range")) {
            JsonNode r = right.get("range");
            return actual >= r.get(0).asLong() && actual <= r.get(1).asLong();
        }
        if (right.has("set")) {
            return anyInSet(right.get("set"), item -> containsNumber(item, actual));
        }
        return null;
    }

    /** One expression in nft syntax; what it does not know it shows as {@code <key>}. */
    static String render(JsonNode e) {
        String key = e.fieldNames().hasNext() ? e.fieldNames().next() : "";
        JsonNode body = e.get(key);
        switch (key) {
            case "match": {
                String op = body.path("op").asText("==");
                return renderValue(body.get("left")) + (op.equals("==") || op.equals("in") ? " " : " " + op + " ")
                        + renderValue(body.get("right"));
            }
            case "counter":
                return "counter";
            case "xt":
                return body.path("type").asText().equals("target") ? body.path("name").asText()
                        : "xt " + body.path("name").asText();
            case "masquerade", "accept", "drop", "reject", "return":
                return key + (body != null && body.isObject() && body.size() > 0 ? " " + body : "");
            case "snat", "dnat":
                return key + " to " + renderValue(body.get("addr"))
                        + (body.has("port") ? ":" + renderValue(body.get("port")) : "");
            case "jump", "goto":
                return key + " " + body.path("target").asText();
            default:
                return "<" + key + ">";
        }
    }

    private static String renderValue(JsonNode v) {
        if (v == null || v.isNull()) {
            return "";
        }
        if (v.isTextual()) {
            String s = v.asText();
            return IpBlock.parse(s) != null ? s : "\"" + s + "\"";
        }
        if (v.isNumber()) {
            return v.asText();
        }
        if (v.has("payload")) {
            return v.get("payload").path("protocol").asText() + " " + v.get("payload").path("field").asText();
        }
        if (v.has("meta")) {
            return "meta " + v.get("meta").path("key").asText();
        }
        if (v.has("prefix")) {
            return v.get("prefix").path("addr").asText() + "/" + v.get("prefix").path("len").asText();
        }
        if (v.has("range")) {
            return renderValue(v.get("range").get(0)) + "-" + renderValue(v.get("range").get(1));
        }
        if (v.has("set")) {
            List<String> items = new ArrayList<>();
            v.get("set").forEach(i -> items.add(renderValue(i)));
            return "{ " + String.join(", ", items) + " }";
        }
        if (v.has("&")) {
            return renderValue(v.get("&").get(0)) + " & " + renderValue(v.get("&").get(1));
        }
        if (v.has("ct")) {
            return "ct " + v.get("ct").path("key").asText();
        }
        return v.toString();
    }
}
