package io.tunnelscope.anomaly;

import io.tunnelscope.report.Basis;
import io.tunnelscope.report.Confidence;
import io.tunnelscope.report.CorrelationReport;
import io.tunnelscope.report.Evidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Address translation of pod traffic, from the correlation's NAT table. Kubernetes requires
 * pod-to-pod traffic without NAT: a rewritten pod address between two pods is an error (the
 * receiver sees the node instead of the pod, NetworkPolicy and logs see the wrong source). A pod
 * address masqueraded on its way out of the pod network is what ip-masq is for: information.
 */
abstract class NatRule implements Rule {
    private final String kind;

    NatRule(String kind) {
        this.kind = kind;
    }

    @Override
    public String kind() {
        return kind;
    }

    /** Keeps nothing per packet: the findings come from the correlation's NAT table. */
    @Override
    public void mergeFrom(Rule other) {
    }

    /**
     * One finding per translation (original to translated address): the same rewrite seen between
     * several pairs of points (an {@code any} capture, a multi-interface file) is one cause.
     */
    @Override
    public void finish(AnalysisContext context, List<Finding> findings) {
        Map<String, List<CorrelationReport.Nat>> byTranslation = new LinkedHashMap<>();
        for (CorrelationReport.Nat nat : context.correlation().nat()) {
            if (nat.kind().equals(kind)) {
                // by address: a masquerade that also remaps ports (--random-fully: each TCP
                // connection, each echo identifier) is one translation of the address
                byTranslation.computeIfAbsent(bare(nat.original()) + " " + bare(nat.translated()),
                        k -> new ArrayList<>()).add(nat);
            }
        }
        for (List<CorrelationReport.Nat> entries : byTranslation.values()) {
            CorrelationReport.Nat first = entries.get(0);
            long packets = 0;
            long replies = 0;
            Set<String> points = new LinkedHashSet<>();
            Set<String> peers = new LinkedHashSet<>();
            List<String> between = new ArrayList<>();
            List<Evidence> evidence = new ArrayList<>();
            for (CorrelationReport.Nat nat : entries) {
                packets += nat.packets();
                replies += nat.replyPackets();
                points.add(nat.from());
                points.add(nat.to());
                peers.addAll(nat.peers());
                if (!between.contains(nat.from() + " and " + nat.to())) {
                    between.add(nat.from() + " and " + nat.to());
                }
                for (Evidence e : nat.evidence()) {
                    if (evidence.size() < 8) {
                        evidence.add(e);
                    }
                }
            }
            boolean samePorts = entries.stream().allMatch(n -> n.original().equals(first.original())
                    && n.translated().equals(first.translated()));
            CorrelationReport.Nat merged = new CorrelationReport.Nat(kind,
                    samePorts ? first.original() : bare(first.original()),
                    samePorts ? first.translated() : bare(first.translated()),
                    first.from(), first.to(), packets, replies, List.copyOf(peers), evidence);
            String original = bare(first.original());
            // either family: an IPv6 pod network's /64s as an IPv4 one's /24s (SNAT66 by
            // ip6tables MASQUERADE is judged as IPv4 masquerading is)
            boolean podOriginal = context.isPodAddress(original);
            boolean podPeer = false;
            for (String peer : peers) {
                podPeer |= context.isPodAddress(bare(peer));
            }
            Severity severity = podOriginal && podPeer ? Severity.ERROR : Severity.INFO;
            // Replies translated back, or a few packets rewritten alike, leave nothing else to explain
            // the rewrite; one packet might be a coincidence of the identity fields.
            Confidence confidence = replies > 0 || packets >= 3 ? Confidence.HIGH : Confidence.MEDIUM;
            findings.add(new Finding(kind, severity, summary(merged, String.join("; ", between), podOriginal, podPeer),
                    List.copyOf(points), evidence, packets + replies,
                    recommendation(context, merged, original, podOriginal && podPeer),
                    Basis.INFERRED, confidence,
                    List.of("the same packet (IP ID, lengths, TCP sequence, payload) at the two points with the "
                                    + (kind.equals("SNAT") ? "source" : "destination") + " rewritten: " + packets
                                    + " packets",
                            "replies translated back: " + replies,
                            "whether " + bare(first.original()) + " is a pod address: "
                                    + (podOriginal ? "yes, in " + context.podSubnet(original) : "no")),
                    List.of("the NAT rule on the host between the two points ('"
                            + (isIpv4(original) ? "iptables" : "ip6tables") + " -t nat -S')")));
        }
    }

    /** One sentence; {@code between} names the pairs of points around the rewrite. */
    abstract String summary(CorrelationReport.Nat nat, String between, boolean podOriginal, boolean podPeer);

    abstract String recommendation(AnalysisContext context, CorrelationReport.Nat nat, String original,
                                   boolean podToPod);

    static String bare(String address) {
        if (address.startsWith("[")) {
            return address.substring(1, address.indexOf(']'));
        }
        int colon = address.indexOf(':');
        return colon >= 0 && address.indexOf(':', colon + 1) < 0 ? address.substring(0, colon) : address;
    }

    static boolean isIpv4(String address) {
        return address.matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
    }

    static String replies(CorrelationReport.Nat nat) {
        return nat.replyPackets() > 0 ? ", " + nat.replyPackets() + " replies translated back" : "";
    }
}
