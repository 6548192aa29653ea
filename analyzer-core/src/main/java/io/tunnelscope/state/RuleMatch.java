package io.tunnelscope.state;

import java.util.List;

/**
 * Where a packet's walk through a netfilter hook ended.
 *
 * @param verdict     the terminal target that took it ({@code MASQUERADE}, {@code SNAT}, {@code DNAT},
 *                    {@code ACCEPT}, {@code DROP}, {@code REJECT}), or the hook's policy when no rule did
 *                    ({@code policy ACCEPT})
 * @param rule        the rule that took it, as the state file has it (null for the policy)
 * @param path        the jumps that led to that rule ({@code -A POSTROUTING ... -j FLANNEL-POSTRTG})
 * @param unevaluated rules passed over because they test what the packet's description does not
 *                    say (a conntrack state, an ipset, ...): one of them might have matched first
 * @param file        the state file the rules came from
 */
public record RuleMatch(String verdict, String rule, List<String> path, List<String> unevaluated, String file) {

    /** Whether a rule (not the policy) decided. */
    public boolean byRule() {
        return rule != null;
    }
}
