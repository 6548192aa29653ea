package io.tunnelscope.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tunnelscope.anomaly.Analyzer;
import io.tunnelscope.correlate.Correlator;
import io.tunnelscope.proto.Protocols;
import io.tunnelscope.report.AnalysisReport;
import io.tunnelscope.report.CorrelationReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wireguard sample (flannel's wireguard backend, built with scapy): journeys cross the
 * encrypted tunnel — pod, cni0, flannel-wg, eth0 on one host, eth0, flannel-wg, cni0, pod on the
 * other — matched by size and timing, also with one host's clock 1.3 s off and a space in the
 * directory's name; the report names the backend, whose overhead is 60 bytes.
 */
class WireGuardSamplesTest {
    private static final List<String> ONE_TO_TWO = List.of("host1 pod", "host1 cni0", "host1 flannel-wg", "host1 eth0",
            "host2 eth0", "host2 flannel-wg", "host2 cni0", "host2 pod");
    private static final List<String> TWO_TO_ONE = List.of("host2 pod", "host2 cni0", "host2 flannel-wg", "host2 eth0",
            "host1 eth0", "host1 flannel-wg", "host1 cni0", "host1 pod");

    @TempDir
    Path temp;

    private static Path scenario() {
        return SampleCaptures.root().resolve("wireguard");
    }

    private static CorrelationReport correlate(List<Path> files) throws Exception {
        Correlator.Options options = new Correlator.Options();
        options.keepJourneys = true;
        return Correlator.correlate(files, options);
    }

    private static long offset(CorrelationReport report, String host) {
        return report.hosts().stream().filter(h -> h.name().equals(host)).findFirst().orElseThrow().clockOffsetNanos();
    }

    /** Checks the journeys of the pod-to-pod packets: every one crossed all eight devices in order. */
    private static void journeysCrossTheTunnel(CorrelationReport report) {
        int oneToTwo = 0;
        int twoToOne = 0;
        for (CorrelationReport.Journey journey : report.journeys()) {
            List<String> devices = new ArrayList<>();
            journey.hops().forEach(h -> devices.add(h.host() + " " + h.device()));
            String src = journey.hops().get(0).src();
            if (!src.startsWith("10.130.")) {
                continue; // the handshake: NIC to NIC only
            }
            if (src.startsWith("10.130.1.2")) {
                assertEquals(ONE_TO_TWO, devices, "journey " + journey.hops());
                oneToTwo++;
            } else {
                assertEquals(TWO_TO_ONE, devices, "journey " + journey.hops());
                twoToOne++;
            }
        }
        // 3 requests, 2 replies, 6 TCP segments host1 -> host2; 3 replies, 2 requests, 4 segments back
        assertEquals(11, oneToTwo, "pod1 to pod2 journeys");
        assertEquals(9, twoToOne, "pod2 to pod1 journeys");
    }

    @Test
    void journeysCrossTheEncryptedTunnelAndTheClocksAgree() throws Exception {
        CorrelationReport report = correlate(SampleCaptures.devicePoints(scenario()));
        assertEquals(List.of(), report.errors());
        assertEquals(List.of("host1", "host2"), report.hosts().stream().map(CorrelationReport.CaptureHost::name).toList());
        journeysCrossTheTunnel(report);
        assertEquals("two-way", report.hosts().get(1).clockBasis());
        assertTrue(Math.abs(offset(report, "host2")) <= 2_000, "host2's clock: " + offset(report, "host2") + " ns");
        for (CorrelationReport.Host host : report.topology().hosts()) {
            assertEquals("wireguard", host.backend(), host.toString());
        }
        assertEquals(List.of("192.168.130.11", "192.168.130.12"),
                report.topology().hosts().stream().map(CorrelationReport.Host::vtep).sorted().toList());
    }

    @Test
    void aShiftedClockIsFoundAndTheJourneysStayInADirectoryWithASpace() throws Exception {
        assumeTrue(editcapAvailable(), "editcap is not installed (apt-get install tshark)");
        Path dir = Files.createDirectories(temp.resolve("wire guard"));
        List<Path> files = new ArrayList<>();
        for (Path file : SampleCaptures.devicePoints(scenario())) {
            Path copy = dir.resolve(file.getFileName());
            if (file.getFileName().toString().startsWith("host2-")) {
                Process p = new ProcessBuilder("editcap", "-t", "1.3", file.toString(), copy.toString())
                        .redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "editcap " + file);
            } else {
                Files.copy(file, copy);
            }
            files.add(copy);
        }
        CorrelationReport report = correlate(files);
        assertEquals(List.of(), report.errors());
        journeysCrossTheTunnel(report);
        long found = offset(report, "host2");
        assertTrue(Math.abs(found - 1_300_000_000L) <= 50_000, "host2's clock is 1.3 s ahead, found " + found + " ns");
    }

    @Test
    void theReportNamesTheBackendAndItsOverhead() throws Exception {
        AnalysisReport report = Analyzer.analyze(SampleCaptures.capturesOf(scenario()), new Analyzer.Options());
        assertEquals(List.of(), report.correlation().errors());
        assertTrue(report.correlation().tunnels().stream().allMatch(t -> t.encap().equals("wireguard")),
                report.correlation().tunnels().toString());
        assertEquals(60, Protocols.overhead(report.correlation().topology().hosts().get(0).backend(), false));
        assertEquals(80, Protocols.overhead("wireguard", true));
        assertEquals(List.of(), report.findings().stream().map(f -> f.kind() + ": " + f.summary()).toList(),
                "a healthy wireguard overlay has no findings");
    }

    private static boolean editcapAvailable() {
        try {
            Process p = new ProcessBuilder("editcap", "-h").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
