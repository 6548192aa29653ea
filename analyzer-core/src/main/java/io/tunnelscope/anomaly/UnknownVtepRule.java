package io.tunnelscope.anomaly;

import io.tunnelscope.collect.LongObjectMap;
import io.tunnelscope.decode.Encapsulation;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.report.CorrelationReport;
import io.tunnelscope.report.Evidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code UNKNOWN_VTEP}: VXLAN packets sent to an address that is no VTEP of the topology — no
 * tunnel packet ever came from it in these captures. The classic cause is a node that left the
 * cluster while its route, neighbour and fdb entries stayed on the others.
 */
public final class UnknownVtepRule implements Rule {
    private static final int MAX_DESTINATIONS = 256;

    /** The first packets to each outer destination (of the first few destinations). */
    private final FirstSeen<String, EvidenceSample> evidence = new FirstSeen<>();
    /** The samples of IPv4 destinations already keyed, by address: no text per packet. */
    private final LongObjectMap<EvidenceSample> byIpv4 = new LongObjectMap<>(64);
    private final StringBuilder text = new StringBuilder();

    @Override
    public String kind() {
        return "UNKNOWN_VTEP";
    }

    @Override
    public String description() {
        return "VXLAN packets only go to VTEPs of the topology";
    }

    @Override
    public void packet(PacketContext packet) {
        PacketView view = packet.view();
        if (view.encapsulationCount() == 0 || view.encapsulation(0) != Encapsulation.VXLAN) {
            return;
        }
        int outer = view.outerIpLayer();
        boolean ipv4 = view.ipVersion(outer) == 4;
        long address = ipv4 ? view.ipv4Destination(outer) & 0xFFFF_FFFFL : 0;
        EvidenceSample samples = ipv4 ? byIpv4.get(address) : null;
        if (samples == null) {
            text.setLength(0);
            view.appendDestination(outer, text);
            samples = evidence.get(text.toString());
            if (samples == null && evidence.size() < MAX_DESTINATIONS) {
                samples = evidence.computeIfAbsent(text.toString(), packet, k -> new EvidenceSample(6));
            }
            if (samples != null && ipv4) {
                byIpv4.put(address, samples);
            }
        }
        if (samples != null) {
            samples.add(packet);
        }
    }

    @Override
    public void mergeFrom(Rule other) {
        evidence.mergeFrom(((UnknownVtepRule) other).evidence, EvidenceSample::mergeFrom, MAX_DESTINATIONS);
        byIpv4.clear();
    }

    @Override
    public void finish(AnalysisContext context, List<Finding> findings) {
        Map<String, long[]> unknown = new LinkedHashMap<>();
        Map<String, List<String>> points = new LinkedHashMap<>();
        for (CorrelationReport.Tunnel tunnel : context.correlation().tunnels()) {
            if (!tunnel.encap().equals("vxlan") || context.vteps().contains(tunnel.outerDst())) {
                continue;
            }
            unknown.computeIfAbsent(tunnel.outerDst(), k -> new long[1])[0] += tunnel.packets();
        }
        for (Map.Entry<String, long[]> entry : unknown.entrySet()) {
            EvidenceSample sample = evidence.get(entry.getKey());
            List<Evidence> samples = sample == null ? List.of() : sample.list();
            List<String> where = points.computeIfAbsent(entry.getKey(), k -> new ArrayList<>());
            for (Evidence e : samples) {
                if (!where.contains(e.point())) {
                    where.add(e.point());
                }
            }
            findings.add(new Finding(kind(), Severity.WARNING,
                    entry.getValue()[0] + " VXLAN packets went to " + entry.getKey() + ", which sent no tunnel "
                            + "packet in these captures: no VTEP answers there.",
                    where, samples, entry.getValue()[0],
                    "Look for stale entries pointing at " + entry.getKey() + " on the sending host ('ip route', "
                            + "'ip neigh show dev flannel.1', 'bridge fdb show dev flannel.1'): a node that left "
                            + "the cluster keeps receiving its pods' traffic until flanneld removes them. Restart "
                            + "flanneld or delete the entries."));
        }
    }
}
