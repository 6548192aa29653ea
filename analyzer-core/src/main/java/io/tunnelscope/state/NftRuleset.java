package io.tunnelscope.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ruleset {@code nft -j list ruleset} printed: chains (base chains with their hook, type,
 * priority and policy) and their rules, each rule's expressions kept as JSON and rendered back
 * into nft's own syntax for quoting. Evaluated by {@link #walk}.
 */
public final class NftRuleset {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The tables iptables-nft keeps its rules in; their rules are also in iptables-save's output. */
    private static final Set<String> IPTABLES_TABLES = Set.of("filter", "nat", "mangle", "raw", "security");
    private static final int MAX_DEPTH = 32;

    /** A chain; {@code hook} is null for a regular (jump target) chain. */
    public record Chain(String family, String table, String name, String type, String hook, int priority,
                        String policy, List<Rule> rules) {
        String key() {
            return family + " " + table + " " + name;
        }
    }

    /** A rule: its expressions (JSON) and their rendering in nft syntax. */
    public record Rule(String family, String table, String chain, long handle, List<JsonNode> expressions,
                       String text) {
        /** {@code table ip nat chain POSTROUTING: oifname != "docker0" ip saddr 10.0.0.0/24 masquerade}. */
        public String quote() {
            return "table " + family + " " + table + " chain " + chain + ": " + text;
        }
    }

    private final Map<String, Chain> chains;

    private NftRuleset(Map<String, Chain> chains) {
        this.chains = chains;
    }

    /** No rules. */
    public static final NftRuleset EMPTY = new NftRuleset(Map.of());

    /**
     * Parses {@code nft -j list ruleset}.
     *
     * @throws StateFormatException when the text is not that JSON
     */
    public static NftRuleset parse(String text, String file) throws StateFormatException {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            throw new StateFormatException(file, "not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.path("nftables").isArray()) {
            throw new StateFormatException(file, "no \"nftables\" array");
        }
        Map<String, JsonNode> chainNodes = new LinkedHashMap<>();
        Map<String, List<Rule>> rules = new LinkedHashMap<>();
        for (JsonNode item : root.get("nftables")) {
            if (item.has("chain")) {
                JsonNode c = item.get("chain");
                String key = c.path("family").asText() + " " + c.path("table").asText() + " " + c.path("name").asText();
                chainNodes.put(key, c);
                rules.computeIfAbsent(key, k -> new ArrayList<>());
            } else if (item.has("rule")) {
                JsonNode r = item.get("rule");
                String key = r.path("family").asText() + " " + r.path("table").asText() + " " + r.path("chain").asText();
                List<JsonNode> expressions = new ArrayList<>();
                r.path("expr").forEach(expressions::add);
                rules.computeIfAbsent(key, k -> new ArrayList<>()).add(new Rule(r.path("family").asText(),
                        r.path("table").asText(), r.path("chain").asText(), r.path("handle").asLong(),
                        List.copyOf(expressions), render(expressions)));
            }
        }
        Map<String, Chain> chains = new LinkedHashMap<>();
        for (Map.Entry<String, List<Rule>> e : rules.entrySet()) {
            JsonNode c = chainNodes.get(e.getKey());
            String[] parts = e.getKey().split(" ", 3);
            chains.put(e.getKey(), new Chain(parts[0], parts[1], parts[2],
                    c == null || !c.has("type") ? null : c.get("type").asText(),
                    c == null || !c.has("hook") ? null : c.get("hook").asText(),
                    c == null ? 0 : c.path("prio").asInt(), c == null || !c.has("policy") ? null : c.get("policy").asText(),
                    List.copyOf(e.getValue())));
        }
        return new NftRuleset(chains);
    }

    /** Every chain, in the order listed. */
    public List<Chain> chains() {
        return List.copyOf(chains.values());
    }

    /** Whether the ruleset has at least one rule outside iptables-nft's tables (when {@code besidesIptables}). */
    public boolean hasRules(boolean besidesIptables) {
        for (Chain c : chains.values()) {
            if (!c.rules().isEmpty() && !(besidesIptables && iptablesTable(c))) {
                return true;
            }
        }
        return false;
    }

    private static boolean iptablesTable(Chain c) {
        return (c.family().equals("ip") || c.family().equals("ip6")) && IPTABLES_TABLES.contains(c.table());
    }

    /**
     * The packet's walk through the base chains of {@code hook} and {@code type} (e.g.
     * {@code postrouting}, {@code nat}) of the IPv4 families, lowest priority first, to the first
     * terminal statement; null when no such chain exists. With {@code skipIptablesTables}, the
     * tables iptables-nft maintains are left out (iptables-save already gave their rules).
     */
    public RuleMatch walk(String hook, String type, NetfilterPacket packet, boolean skipIptablesTables, String file) {
        List<Chain> base = new ArrayList<>();
        for (Chain c : chains.values()) {
            if (hook.equals(c.hook()) && type.equals(c.type()) && (c.family().equals("ip") || c.family().equals("inet"))
                    && !(skipIptablesTables && iptablesTable(c))) {
                base.add(c);
            }
        }
        if (base.isEmpty()) {
            return null;
        }
        base.sort(Comparator.comparingInt(Chain::priority));
        List<String> unevaluated = new ArrayList<>();
        for (Chain chain : base) {
            List<String> path = new ArrayList<>();
            Outcome outcome = walkChain(chain, packet, path, unevaluated, 0);
            if (outcome != null && outcome.rule != null) {
                return new RuleMatch(outcome.verdict, outcome.rule.quote(), List.copyOf(path), List.copyOf(unevaluated),
                        file);
            }
        }
        Chain last = base.get(base.size() - 1);
        return new RuleMatch("policy " + (last.policy() == null ? "accept" : last.policy()).toUpperCase(java.util.Locale.ROOT),
                null, List.of(), List.copyOf(unevaluated), file);
    }

    private record Outcome(String verdict, Rule rule) {
    }

    private Outcome walkChain(Chain chain, NetfilterPacket packet, List<String> path, List<String> unevaluated,
                              int depth) {
        if (depth > MAX_DEPTH) {
            return null;
        }
        for (Rule rule : chain.rules()) {
            Evaluation e = NftExpressions.evaluate(rule.expressions(), packet);
            if (e.unknown() != null) {
                unevaluated.add(rule.quote() + " (" + e.unknown() + ")");
                continue;
            }
            if (!e.matches() || e.statement() == null) {
                continue;
            }
            switch (e.statement()) {
                case "return":
                    return null;
                case "jump":
                case "goto": {
                    Chain target = chains.get(chain.family() + " " + chain.table() + " " + e.target());
                    if (target == null) {
                        continue;
                    }
                    path.add(rule.quote());
                    Outcome inner = walkChain(target, packet, path, unevaluated, depth + 1);
                    if (inner != null) {
                        return inner;
                    }
                    path.remove(path.size() - 1);
                    if (e.statement().equals("goto")) {
                        return null;
                    }
                    continue;
                }
                default:
                    return new Outcome(e.statement().toUpperCase(java.util.Locale.ROOT), rule);
            }
        }
        return null;
    }

    /** What a rule's expressions say about a packet. */
    record Evaluation(boolean matches, String statement, String target, String unknown) {
    }

    private static String render(List<JsonNode> expressions) {
        List<String> parts = new ArrayList<>();
        for (JsonNode e : expressions) {
            parts.add(NftExpressions.render(e));
        }
        return String.join(" ", parts);
    }
}
