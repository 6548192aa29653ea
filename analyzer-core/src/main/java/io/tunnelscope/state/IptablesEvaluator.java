package io.tunnelscope.state;

import io.tunnelscope.decode.IpProtocols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Walks a packet through the chains of one table of {@link IptablesRules} as the kernel would:
 * rule by rule, into user chains on {@code -j} (back on {@code RETURN} or at their end), to the
 * first terminal target or the built-in chain's policy. Matches it evaluates: addresses
 * ({@code -s}/{@code -d}, negated), interfaces ({@code -i}/{@code -o}, {@code +} wildcards),
 * {@code -p}, ports ({@code --dport}, {@code multiport --dports}), {@code -m mark} (the packet mark,
 * which {@code -j MARK} rules set on the way) and {@code -m comment}. A rule with any other match
 * is passed over and listed in {@link RuleMatch#unevaluated()}.
 */
public final class IptablesEvaluator {
    private static final Set<String> TERMINAL = Set.of("MASQUERADE", "SNAT", "DNAT", "ACCEPT", "DROP", "REJECT",
            "REDIRECT", "NETMAP");
    private static final int MAX_DEPTH = 32;

    private final IptablesRules rules;
    private final String file;

    public IptablesEvaluator(IptablesRules rules, String file) {
        this.rules = rules;
        this.file = file;
    }

    /**
     * The packet's walk through {@code table}'s built-in {@code chain}; null when the table has no
     * such chain.
     */
    public RuleMatch walk(String table, String chain, NetfilterPacket packet) {
        IptablesRules.Chain start = rules.chain(table, chain);
        if (start == null) {
            return null;
        }
        Walk walk = new Walk(table, packet);
        IptablesRules.Rule decided = walk.chain(start, 0);
        if (decided == null) {
            return new RuleMatch("policy " + start.policy(), null, List.of(), List.copyOf(walk.unevaluated), file);
        }
        return new RuleMatch(decided.target(), decided.command(), List.copyOf(walk.path), List.copyOf(walk.unevaluated),
                file);
    }

    /** The mark the packet carries after {@code table}'s {@code chain} ran its {@code MARK} rules. */
    public long markAfter(String table, String chain, NetfilterPacket packet) {
        IptablesRules.Chain start = rules.chain(table, chain);
        if (start == null) {
            return packet.mark();
        }
        Walk walk = new Walk(table, packet);
        walk.chain(start, 0);
        return walk.packet.mark();
    }

    private final class Walk {
        final String table;
        NetfilterPacket packet;
        final List<String> path = new ArrayList<>();
        final List<String> unevaluated = new ArrayList<>();

        Walk(String table, NetfilterPacket packet) {
            this.table = table;
            this.packet = packet;
        }

        /** The rule that decided, or null when the chain ended (or returned). */
        IptablesRules.Rule chain(IptablesRules.Chain chain, int depth) {
            if (depth > MAX_DEPTH) {
                return null;
            }
            for (IptablesRules.Rule rule : chain.rules()) {
                String unknown = unknownMatch(rule.args());
                if (unknown != null) {
                    unevaluated.add(rule.command() + " (" + unknown + ")");
                    continue;
                }
                if (!matches(rule.args(), packet)) {
                    continue;
                }
                String target = rule.target();
                if (target == null) {
                    continue;
                }
                if (target.equals("RETURN")) {
                    return null;
                }
                if (target.equals("MARK")) {
                    packet = packet.withMark(mark(rule.args(), packet.mark()));
                    continue;
                }
                if (TERMINAL.contains(target)) {
                    return rule;
                }
                IptablesRules.Chain user = rules.chain(table, target);
                if (user == null) {
                    continue; // LOG, CONNMARK, ...: goes on to the next rule
                }
                path.add(rule.command());
                IptablesRules.Rule decided = chain(user, depth + 1);
                if (decided != null) {
                    return decided;
                }
                path.remove(path.size() - 1);
                if (rule.isGoto()) {
                    return null;
                }
            }
            return null;
        }
    }

    /** Why a rule cannot be evaluated (a match this class does not know), or null. */
    static String unknownMatch(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-m") || a.equals("--match")) {
                String module = i + 1 < args.size() ? args.get(i + 1) : "";
                switch (module) {
                    case "comment", "mark", "tcp", "udp", "multiport", "icmp" -> {
                    }
                    default -> {
                        return "-m " + module + " not evaluated";
                    }
                }
                i++;
            } else if (a.equals("-j") || a.equals("-g") || a.equals("--jump") || a.equals("--goto")) {
                return null; // target options follow
            }
        }
        return null;
    }

    /** Whether every match of the rule holds for the packet (known matches only). */
    static boolean matches(List<String> args, NetfilterPacket p) {
        boolean negate = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("!")) {
                negate = true;
                continue;
            }
            String value = i + 1 < args.size() ? args.get(i + 1) : "";
            Boolean result;
            switch (a) {
                case "-s", "--source", "--src" -> result = inBlocks(p.source(), value);
                case "-d", "--destination", "--dst" -> result = inBlocks(p.destination(), value);
                case "-i", "--in-interface" -> result = device(p.inDevice(), value);
                case "-o", "--out-interface" -> result = device(p.outDevice(), value);
                case "-p", "--protocol" -> result = protocol(p.protocol(), value);
                case "--dport", "--destination-port", "--dports", "--destination-ports" ->
                        result = ports(p.destinationPort(), value);
                case "--mark" -> result = markMatches(p.mark(), value);
                case "-m", "--match", "--comment", "--icmp-type", "-c", "--set-counters" -> result = null;
                case "-j", "-g", "--jump", "--goto" -> {
                    return true; // the rest are the target's options
                }
                default -> {
                    if (a.startsWith("-")) {
                        result = null; // an option of a known module with no bearing here
                    } else {
                        continue;
                    }
                }
            }
            if (result != null && result == negate) {
                return false;
            }
            i++; // the option's value
            negate = false;
        }
        return true;
    }

    private static boolean inBlocks(String address, String blocks) {
        for (String b : blocks.split(",")) {
            IpBlock block = IpBlock.parse(b);
            if (block != null && block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static Boolean device(String device, String pattern) {
        if (device == null) {
            return false;
        }
        if (pattern.endsWith("+")) {
            return device.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return device.equals(pattern);
    }

    private static boolean protocol(String protocol, String wanted) {
        String w = wanted.toLowerCase(Locale.ROOT);
        if (w.equals("all") || w.equals("0")) {
            return true;
        }
        if (protocol == null) {
            return false;
        }
        // iptables takes a protocol by name or number; the registry names the numbers.
        if (!w.isEmpty() && w.chars().allMatch(Character::isDigit)) {
            String name = w.length() <= 3 ? IpProtocols.name(Integer.parseInt(w)) : null;
            return name != null ? protocol.equals(name) : protocol.equals(w);
        }
        return protocol.equals(w);
    }

    private static boolean ports(int port, String list) {
        if (port < 0) {
            return false;
        }
        for (String item : list.split(",")) {
            String[] range = item.split(":");
            try {
                int low = Integer.parseInt(range[0]);
                int high = range.length > 1 ? Integer.parseInt(range[1]) : low;
                if (port >= low && port <= high) {
                    return true;
                }
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return false;
    }

    /** {@code --mark V[/M]}: (mark & M) == V. */
    private static boolean markMatches(long mark, String spec) {
        long[] vm = valueMask(spec);
        return (mark & vm[1]) == vm[0];
    }

    private static long[] valueMask(String spec) {
        String[] parts = spec.split("/");
        long value = Long.decode(parts[0]);
        long mask = parts.length > 1 ? Long.decode(parts[1]) : 0xFFFF_FFFFL;
        return new long[] {value & mask, mask};
    }

    /** The mark after a {@code -j MARK} rule. */
    private static long mark(List<String> args, long mark) {
        for (int i = 0; i + 1 < args.size(); i++) {
            String v = args.get(i + 1);
            switch (args.get(i)) {
                case "--set-xmark" -> {
                    long[] vm = valueMask(v);
                    return (mark & ~vm[1]) ^ vm[0];
                }
                case "--set-mark" -> {
                    long[] vm = valueMask(v);
                    return (mark & ~vm[1]) | vm[0];
                }
                case "--or-mark" -> {
                    return mark | Long.decode(v);
                }
                case "--and-mark" -> {
                    return mark & Long.decode(v);
                }
                case "--xor-mark" -> {
                    return mark ^ Long.decode(v);
                }
                default -> {
                }
            }
        }
        return mark;
    }
}
