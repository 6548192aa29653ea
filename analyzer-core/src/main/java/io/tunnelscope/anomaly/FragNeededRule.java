package io.tunnelscope.anomaly;

import io.tunnelscope.decode.PacketView;
import io.tunnelscope.report.Basis;
import io.tunnelscope.report.Confidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code FRAG_NEEDED}: ICMP destination unreachable / fragmentation needed (RFC 1191) or ICMPv6
 * Packet Too Big (RFC 8201) was seen. One finding per sender of the message and next-hop MTU,
 * counting distinct messages (the same message seen at several points counts once).
 */
public final class FragNeededRule implements Rule {
    private static final int MAX_EVIDENCE = 6;
    private static final int MAX_QUOTED = 8;

    private static final class Cause {
        final String sender;
        final long mtu;
        final FirstSeen<String, Void> quoted = new FirstSeen<>();
        final FirstSeen<String, Void> points = new FirstSeen<>();
        /** The messages, each once however many points saw it. */
        final PacketCount messages = new PacketCount();
        final EvidenceSample evidence = new EvidenceSample(MAX_EVIDENCE);

        Cause(String sender, long mtu) {
            this.sender = sender;
            this.mtu = mtu;
        }

        void mergeFrom(Cause other) {
            quoted.mergeFrom(other.quoted, MAX_QUOTED);
            points.mergeFrom(other.points, Integer.MAX_VALUE);
            messages.mergeFrom(other.messages);
            evidence.mergeFrom(other.evidence);
        }
    }

    private final FirstSeen<String, Cause> causes = new FirstSeen<>();
    private final StringBuilder text = new StringBuilder();

    @Override
    public String kind() {
        return "FRAG_NEEDED";
    }

    @Override
    public String description() {
        return "no host has to tell a sender that its packets are too big for the next hop";
    }

    @Override
    public void packet(PacketContext packet) {
        PacketView view = packet.view();
        int ip = view.innerIpLayer();
        int icmp = ip < 0 ? -1 : view.transportLayer(ip);
        if (icmp < 0 || !SizeFacts.isFragNeeded(packet.stack(), view, icmp)) {
            return;
        }
        text.setLength(0);
        view.appendSource(ip, text);
        String sender = text.toString();
        long mtu = view.icmpMtu(icmp);
        Cause cause = causes.computeIfAbsent(sender + " " + mtu, packet, k -> new Cause(sender, mtu));
        int quoted = view.quotedIpLayer(icmp);
        long message = mtu;
        if (quoted >= 0) {
            text.setLength(0);
            view.appendSource(quoted, text);
            text.append(" > ");
            view.appendDestination(quoted, text);
            int protocol = view.ipProtocol(quoted);
            String name = io.tunnelscope.decode.IpProtocols.name(protocol);
            text.append(' ').append(name != null ? name : "proto " + protocol);
            if (cause.quoted.size() < MAX_QUOTED) {
                cause.quoted.add(text.toString(), packet);
            }
            message = message * 31 + text.toString().hashCode();
            message = message * 31 + view.ipId(quoted);
        }
        message = message * 31 + view.ipId(ip);
        // The message's identity, the same at every point (NAT rewrites the quote, not the identity).
        cause.messages.add(packet.identity() != 0 ? packet.identity() : message, packet.point());
        cause.points.add(packet.point(), packet);
        cause.evidence.add(packet);
    }

    @Override
    public void mergeFrom(Rule other) {
        causes.mergeFrom(((FragNeededRule) other).causes, Cause::mergeFrom, Integer.MAX_VALUE);
    }


    @Override
    public void finish(AnalysisContext context, List<Finding> findings) {
        boolean overlay = context.topologyRecognised();
        for (Cause cause : causes.map().values()) {
            long count = cause.messages.count();
            boolean ipv6 = cause.sender.indexOf(':') >= 0;
            // ICMPv6 Packet Too Big (RFC 4443 3.2) is IPv6's fragmentation-needed; IPv6 has no DF:
            // routers never fragment, every packet is sent as if DF were set
            String messages = count + (ipv6 ? " ICMPv6 Packet Too Big message" : " fragmentation-needed message")
                    + (count == 1 ? "" : "s");
            String about = String.join(", ", cause.quoted.keys());
            List<String> checked = List.of("the next-hop MTU against what links allow (" + LinkLimits.describe(ipv6)
                    + "): " + cause.mtu + (LinkLimits.plausibleNextHopMtu(cause.mtu, ipv6) ? ", possible" : ", impossible"),
                    "the packets the messages quote: " + (about.isEmpty() ? "none captured" : about));
            if (!LinkLimits.plausibleNextHopMtu(cause.mtu, ipv6)) {
                findings.add(new Finding(kind(), Severity.INFO,
                        cause.sender + " sent " + messages + " with next-hop MTU " + cause.mtu + ", which no link has"
                                + (about.isEmpty() ? "" : " (about " + about + ")")
                                + ": forged, broken or crafted ICMP, not an MTU to configure.",
                        List.copyOf(cause.points.keys()), cause.evidence.list(), count,
                        "Do not lower any MTU for this. Find who sends these messages; hosts ignore next-hop MTUs this "
                                + "small (Linux: net.ipv4.route.min_pmtu).",
                        Basis.OBSERVED, Confidence.LOW, checked, List.of()));
                continue;
            }
            String set = overlay ? "Set the pod and bridge MTU to " + cause.mtu + " (FLANNEL_MTU" + (ipv6 && cause.mtu
                    == 1500 - context.tunnelOverhead(io.tunnelscope.proto.vxlan.Vxlan.DESCRIPTOR.name())
                    ? "; flannel-v6.1 over an IPv6 underlay carries 20 bytes less than flannel.1" : "")
                    + ") so senders start at the right size." : "Lower the senders' MTU (or the route's 'mtu') to " + cause.mtu
                    + " so they start at the right size.";
            findings.add(new Finding(kind(), Severity.WARNING,
                    cause.sender + " sent " + messages + " with next-hop MTU " + cause.mtu
                            + (about.isEmpty() ? "." : ", about " + about + "."),
                    List.copyOf(cause.points.keys()), cause.evidence.list(), count,
                    "Packets above " + cause.mtu + " bytes" + (ipv6 ? "" : " with DF set") + " cannot take this path: every new flow loses "
                            + "a round trip to path MTU discovery, and where ICMP is filtered it becomes a black "
                            + "hole. " + set,
                    Basis.OBSERVED, Confidence.HIGH, checked,
                    List.of("the MTU of the device that sent them ('ip link show' on " + cause.sender + "'s host)")));
        }
    }
}
