package io.tunnelscope.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.capture.CaptureInterface;
import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.LinkType;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.capture.PcapngWriter;
import io.tunnelscope.report.AnalysisReport;
import io.tunnelscope.report.Finding;
import io.tunnelscope.testing.Corpus;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TRUNCATED_CAPTURE on the corpus VXLAN capture rewritten with a 60-byte snapshot length (the
 * inner headers cut off, as {@code tcpdump -s 60} would), and not on the whole capture.
 */
class TruncatedCaptureRuleTest {

    private static Path cut(Path source, Path target, int snaplen) throws Exception {
        PacketRecord record = new PacketRecord();
        try (CaptureReader reader = CaptureReaders.open(source);
             PcapngWriter writer = new PcapngWriter(target,
                     List.of(new CaptureInterface(0, LinkType.ETHERNET, "enp0s8", null, snaplen, 1_000_000_000L)))) {
            while (reader.next(record)) {
                int kept = Math.min(snaplen, record.capturedLength());
                writer.write(0, record.timestampNanos(), record.buffer(), record.offset(), kept, record.originalLength());
            }
        }
        return target;
    }

    private static List<Finding> truncated(AnalysisReport report) {
        return report.findings().stream().filter(f -> f.kind().equals("TRUNCATED_CAPTURE")).toList();
    }

    @Test
    void aSnaplenThatCutsInnerHeadersIsReported(@TempDir Path dir) throws Exception {
        Path file = cut(Corpus.tcpdump("vxlan.pcap"), dir.resolve("cut-enp0s8.pcapng"), 60);
        AnalysisReport report = Analyzer.analyze(List.of(file), new Analyzer.Options());
        List<Finding> findings = truncated(report);
        assertEquals(1, findings.size(), report.findings().toString());
        assertEquals(10, findings.get(0).count(), "every packet of vxlan.pcap is longer than 60 bytes");
        assertTrue(findings.get(0).summary().contains("60 bytes kept"), findings.get(0).summary());
        assertTrue(findings.get(0).recommendation().contains("-s 0"));
    }

    @Test
    void aWholeCaptureIsNot(@TempDir Path dir) throws Exception {
        AnalysisReport whole = Analyzer.analyze(List.of(Corpus.tcpdump("vxlan.pcap")), new Analyzer.Options());
        assertTrue(truncated(whole).isEmpty(), whole.findings().toString());
        // A snaplen that keeps every header (VXLAN + inner Ethernet, IP and ICMP) is no problem for
        // the analysis: only a note that the payloads were cut, with the snaplen and the packets.
        Path file = cut(Corpus.tcpdump("vxlan.pcap"), dir.resolve("headers-enp0s8.pcapng"), 100);
        List<Finding> notes = truncated(Analyzer.analyze(List.of(file), new Analyzer.Options()));
        assertEquals(1, notes.size(), notes.toString());
        assertEquals(io.tunnelscope.report.Severity.INFO, notes.get(0).severity());
        long longer = 0;
        PacketRecord record = new PacketRecord();
        try (CaptureReader reader = CaptureReaders.open(Corpus.tcpdump("vxlan.pcap"))) {
            while (reader.next(record)) {
                longer += record.capturedLength() > 100 ? 1 : 0;
            }
        }
        assertTrue(longer > 0);
        assertEquals(longer, notes.get(0).count());
        assertTrue(notes.get(0).summary().contains("100 bytes kept") && notes.get(0).summary().contains("payload of "
                + longer), notes.get(0).summary());
    }
}
