package io.tunnelscope.state;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules {@code iptables-save} printed: tables ({@code *nat}), chains with their policies
 * ({@code :POSTROUTING ACCEPT [0:0]}) and rules ({@code -A CHAIN ...}) in order, each kept as the
 * line itself (what findings quote) and as its arguments split the way the shell would
 * ({@code --comment "flanneld masq"} is one argument).
 */
public final class IptablesRules {
    /**
     * One rule.
     *
     * @param table  {@code nat}, {@code filter}, ...
     * @param chain  the chain it is appended to
     * @param line   the {@code -A ...} line as iptables-save printed it
     * @param args   its arguments after {@code -A CHAIN}
     */
    public record Rule(String table, String chain, String line, List<String> args) {
        /** The target ({@code -j}/{@code -g}), or null. */
        public String target() {
            for (int i = 0; i + 1 < args.size(); i++) {
                if (args.get(i).equals("-j") || args.get(i).equals("--jump") || args.get(i).equals("-g")
                        || args.get(i).equals("--goto")) {
                    return args.get(i + 1);
                }
            }
            return null;
        }

        /** Whether the target is reached by {@code -g} (goto: no return to this chain). */
        public boolean isGoto() {
            return args.contains("-g") || args.contains("--goto");
        }

        /** The rule as a command a user can run: {@code iptables -t nat -A POSTROUTING ...}. */
        public String command() {
            return "iptables -t " + table + " " + line;
        }
    }

    /** A chain: its policy ({@code ACCEPT}, {@code DROP}; {@code -} for a user chain) and rules. */
    public record Chain(String name, String policy, List<Rule> rules) {
    }

    private final Map<String, Map<String, Chain>> tables;

    private IptablesRules(Map<String, Map<String, Chain>> tables) {
        this.tables = tables;
    }

    /** No rules at all. */
    public static final IptablesRules EMPTY = new IptablesRules(Map.of());

    /**
     * Parses iptables-save output.
     *
     * @param file the file's name, for messages
     * @throws StateFormatException on a rule outside a table or for an undeclared chain, or an
     *                              unbalanced quote
     */
    public static IptablesRules parse(String text, String file) throws StateFormatException {
        Map<String, Map<String, List<Rule>>> rules = new LinkedHashMap<>();
        Map<String, Map<String, String>> policies = new LinkedHashMap<>();
        String table = null;
        int number = 0;
        for (String raw : text.split("\n")) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.equals("COMMIT")) {
                continue;
            }
            if (line.startsWith("*")) {
                table = line.substring(1);
                rules.computeIfAbsent(table, k -> new LinkedHashMap<>());
                policies.computeIfAbsent(table, k -> new LinkedHashMap<>());
                continue;
            }
            if (table == null) {
                throw new StateFormatException(file, "line " + number + ": outside a table (*nat, *filter)");
            }
            if (line.startsWith(":")) {
                String[] parts = line.substring(1).split("\\s+");
                policies.get(table).put(parts[0], parts.length > 1 ? parts[1] : "-");
                rules.get(table).computeIfAbsent(parts[0], k -> new ArrayList<>());
                continue;
            }
            List<String> words = split(line, file, number);
            if (words.size() < 2 || !(words.get(0).equals("-A") || words.get(0).equals("--append"))) {
                throw new StateFormatException(file, "line " + number + ": not a rule (-A CHAIN ...)");
            }
            String chain = words.get(1);
            rules.get(table).computeIfAbsent(chain, k -> new ArrayList<>())
                    .add(new Rule(table, chain, line, List.copyOf(words.subList(2, words.size()))));
        }
        Map<String, Map<String, Chain>> tables = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, List<Rule>>> t : rules.entrySet()) {
            Map<String, Chain> chains = new LinkedHashMap<>();
            for (Map.Entry<String, List<Rule>> c : t.getValue().entrySet()) {
                chains.put(c.getKey(), new Chain(c.getKey(), policies.get(t.getKey()).getOrDefault(c.getKey(), "-"),
                        List.copyOf(c.getValue())));
            }
            tables.put(t.getKey(), chains);
        }
        return new IptablesRules(tables);
    }

    /** Splits a rule line as a shell would: double quotes group, a backslash escapes. */
    static List<String> split(String line, String file, int number) throws StateFormatException {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                word = word == null ? new StringBuilder() : word;
                word.append(line.charAt(++i));
            } else if (c == '"') {
                word = word == null ? new StringBuilder() : word;
                quoted = !quoted;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (quoted) {
            throw new StateFormatException(file, "line " + number + ": unbalanced quote");
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    /** The chain of a table, or null. */
    public Chain chain(String table, String chain) {
        Map<String, Chain> t = tables.get(table);
        return t == null ? null : t.get(chain);
    }

    /** Whether the table has at least one rule. */
    public boolean hasRules(String table) {
        Map<String, Chain> t = tables.get(table);
        if (t == null) {
            return false;
        }
        for (Chain c : t.values()) {
            if (!c.rules().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Every rule of a table, chain by chain. */
    public List<Rule> rules(String table) {
        List<Rule> all = new ArrayList<>();
        Map<String, Chain> t = tables.get(table);
        if (t != null) {
            t.values().forEach(c -> all.addAll(c.rules()));
        }
        return all;
    }
}
