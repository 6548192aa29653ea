package io.tunnelscope.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tunnelscope.report.AnalysisReport;
import io.tunnelscope.report.Finding;
import io.tunnelscope.testing.RecordedSamples;
import io.tunnelscope.testing.Tshark;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code TCP_RETRANSMISSIONS} on the samples: the MTU-trouble scenario's large segments are
 * retransmitted at the receiving host's pod as many times as tshark counts there; the clean
 * Kubernetes sample, whose {@code any} capture sees every packet twice, has none.
 */
class TcpRetransmissionRuleTest {

    private static Path scenario(String name) throws Exception {
        return RecordedSamples.scenarios().stream().filter(p -> p.getFileName().toString().equals(name)).findFirst()
                .orElseThrow();
    }

    private static List<Finding> findings(Path scenario) throws Exception {
        AnalysisReport report = Analyzer.analyze(RecordedSamples.captures(scenario), new Analyzer.Options());
        return report.findings().stream().filter(f -> f.kind().equals("TCP_RETRANSMISSIONS")).toList();
    }

    @Test
    void retransmissionsPerPointAsTsharkCountsThem() throws Exception {
        assumeTrue(Tshark.available(), "tshark not installed");
        Path mtu = scenario("mtu-trouble");
        List<Finding> found = findings(mtu);
        assertEquals(1, found.size(), found.toString());
        Finding f = found.get(0);
        long atPod = Tshark.tcpAnalysis(mtu.resolve("host2-pod.pcap"), true).values().stream()
                .filter(t -> t.flags().contains("tcp.analysis.retransmission")).count();
        assertTrue(atPod > 5, "tshark: " + atPod);
        assertTrue(f.summary().contains("host2 pod " + atPod), f.summary());
        assertEquals(atPod, f.count());
        assertTrue(f.points().contains("host2-pod"), f.points().toString());
        assertTrue(f.evidence().stream().anyMatch(e -> e.point().equals("host2-pod")), f.evidence().toString());
    }

    @Test
    void packetsSeenTwiceByAnAnyCaptureAreNoRetransmissions() throws Exception {
        assertEquals(List.of(), findings(scenario("k8s-vxlan")));
    }
}
