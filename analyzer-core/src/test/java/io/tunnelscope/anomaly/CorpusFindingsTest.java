package io.tunnelscope.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.report.AnalysisReport;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import io.tunnelscope.testing.Corpus;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GSO and BIG TCP super-frames in the shared corpus (frames up to 80 KB inside VXLAN and Geneve,
 * captured before segmentation) are offload artefacts: never an MTU error, never a bad checksum.
 */
class CorpusFindingsTest {
    private static final Set<String> MTU_KINDS = Set.of("FRAG_NEEDED", "INNER_FRAGMENTATION",
            "OUTER_FRAGMENTATION", "OVERSIZE_FOR_OVERLAY", "MTU_MISMATCH", "MSS_MISMATCH", "PMTU_BLACKHOLE");

    @ParameterizedTest
    @ValueSource(strings = {"gso-ipv4.pcap", "gso-ipv6.pcap", "gso-ipv4-vxlan-ipv4.pcap", "gso-ipv4-vxlan-ipv6.pcap",
        "gso-ipv6-vxlan-ipv4.pcap", "gso-ipv6-vxlan-ipv6.pcap", "gso-ipv4-geneve-ipv4.pcap", "gso-ipv4-geneve-ipv6.pcap",
        "gso-ipv6-geneve-ipv4.pcap", "gso-ipv6-geneve-ipv6.pcap", "bigtcp-ipv4.pcap", "bigtcp-ipv6.pcap",
        "bigtcp-ipv6-hbh.pcap", "bigtcp-ipv4-vxlan-ipv4.pcap", "bigtcp-ipv4-vxlan-ipv6.pcap", "bigtcp-ipv6-vxlan-ipv4.pcap",
        "bigtcp-ipv6-vxlan-ipv6.pcap", "bigtcp-ipv4-geneve-ipv4.pcap", "bigtcp-ipv4-geneve-ipv6.pcap",
        "bigtcp-ipv6-geneve-ipv4.pcap", "bigtcp-ipv6-geneve-ipv6.pcap"})
    void superFramesAreNeverAnMtuError(String capture) throws Exception {
        AnalysisReport report = Analyzer.analyze(List.of(Corpus.tcpdump(capture)), new Analyzer.Options());
        List<String> kinds = report.findings().stream().map(Finding::kind).toList();
        assertTrue(kinds.stream().noneMatch(MTU_KINDS::contains), capture + ": " + report.findings());
        assertTrue(kinds.stream().noneMatch("BAD_CHECKSUM"::equals), capture + ": " + report.findings());
        List<Finding> offload = report.findings().stream().filter(f -> f.kind().equals("OFFLOAD_ARTIFACT")).toList();
        assertEquals(1, offload.size(), capture + ": " + report.findings());
        assertEquals(Severity.INFO, offload.get(0).severity());
        assertTrue(offload.get(0).summary().contains("super-frames"), offload.get(0).summary());
    }
}
