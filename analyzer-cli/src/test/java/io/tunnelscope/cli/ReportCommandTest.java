package io.tunnelscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** {@code tunnelscope report}: exit codes, JSON, JUnit XML and the HTML page in a headless browser. */
class ReportCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    static String scenario(String name) {
        return Path.of(System.getProperty("tunnelscope.root", ".."), "samples", "captures", name).toString();
    }

    @Test
    void exitCodesFollowTheThreshold() {
        assertEquals(1, run("report", scenario("vxlan-masq")), "a pod-to-pod SNAT is an error");
        assertEquals(0, run("report", "--fail-on", "never", scenario("vxlan-masq")));
        assertEquals(0, run("report", scenario("k8s-vxlan")), "offload artefacts are only information");
        assertEquals(1, run("report", "--fail-on", "info", scenario("k8s-vxlan")));
        assertEquals(0, run("report", "--fail-on", "warning", scenario("vxlan-3host")));
        assertEquals(1, run("report", "--fail-on", "warning", scenario("mtu-trouble")));
        assertEquals(2, run("report", "--fail-on", "sometimes", scenario("k8s-vxlan")));
        assertEquals(2, run("report"));
    }

    @Test
    void anUnreadableInputIsExitTwoEvenWithFindings(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken.pcap");
        Files.writeString(broken, "garbage");
        assertEquals(2, run("report", scenario("vxlan-masq"), broken.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(broken + ": offset 0: not a capture file"));
    }

    @Test
    void textListsSectionsAndFindingsBySeverity() {
        run("report", scenario("mtu-trouble"));
        String text = out.toString(StandardCharsets.UTF_8);
        for (String section : List.of("Hosts and devices", "Topology", "Tunnels", "Top flows", "Paths", "NAT",
                "Findings")) {
            assertTrue(text.contains("\n" + section), section);
        }
        assertTrue(text.contains("WARNING FRAG_NEEDED: 10.102.20.1 sent 1 fragmentation-needed message with next-hop MTU 1450"),
                text);
        assertTrue(text.indexOf("Hosts and devices") < text.indexOf("Findings"));
        assertTrue(text.contains("          basis: observed, high confidence\n          checked: the next-hop MTU"), text);
    }

    @Test
    void explainShowsTheReasoningThePacketsAndWhatWouldMakeItStronger() {
        assertEquals(0, run("report", "--explain", "unknown_vtep", scenario("stale-vtep")));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("UNKNOWN_VTEP: checks that VXLAN packets only go to VTEPs of the topology.\n"), text);
        assertTrue(text.contains("\nBasis: observed (the packets at a capture point show it directly).\n"
                + "Confidence: high (the captures could have shown the opposite and did not).\nWhat was checked:\n"), text);
        assertTrue(text.contains("  - requests inside (pings, SYNs): 4, none answered anywhere, over 1.0 s\n"), text);
        assertTrue(text.contains("  host1-ens33 frame 14: ") && text.contains(
                "172.16.113.21.36334 > 172.16.113.99.8472: VXLAN vni 1 | 10.112.1.2 > 10.112.3.2: ICMP echo request, "
                        + "id 13908, seq 1, length 64\n"), text);
        assertTrue(text.contains("\nFix: Look for stale entries pointing at 172.16.113.99"), text);
        assertFalse(text.contains("Top flows"), "the explanation replaces the text report");
    }

    @Test
    void explainSaysWhenThereIsNoSuchFindingAndRefusesAnUnknownKind() {
        assertEquals(0, run("report", "--explain", "PMTU_BLACKHOLE", scenario("stale-vtep")));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("No PMTU_BLACKHOLE finding in these captures."));
        assertEquals(2, run("report", "--explain", "NO_SUCH_KIND", scenario("stale-vtep")));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--explain: no finding kind 'NO_SUCH_KIND'; the kinds are SNAT,"),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void jsonToStdoutKeepsTheContract() throws Exception {
        assertEquals(1, run("report", "--json", "-", scenario("vxlan-masq")));
        JsonNode report = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        for (String key : List.of("captures", "topology", "tunnels", "flows", "paths", "nat", "findings")) {
            assertTrue(report.has(key), key);
        }
        JsonNode finding = report.get("findings").get(0);
        for (String key : List.of("kind", "severity", "basis", "confidence", "summary", "points", "evidence", "count",
                "checked", "strongerWith", "recommendation")) {
            assertTrue(finding.has(key), key);
        }
        assertEquals("inferred", finding.get("basis").asText(), "a NAT is inferred between two capture points");
        assertEquals("high", finding.get("confidence").asText());
        assertTrue(finding.get("checked").get(0).asText().startsWith("the same packet"), finding.toString());
        assertEquals("SNAT", finding.get("kind").asText());
        assertEquals("error", finding.get("severity").asText());
        JsonNode evidence = finding.get("evidence").get(0);
        assertTrue(evidence.get("file").asText().endsWith(".pcap") || evidence.get("file").asText().endsWith(".pcapng"));
        assertTrue(evidence.get("frame").asLong() > 0);
        assertTrue(report.get("flows").get(0).has("proto"));
    }

    @Test
    void junitHasOneCasePerRuleFailingAtTheThreshold(@TempDir Path dir) throws Exception {
        Path xml = dir.resolve("tunnelscope.xml");
        run("report", "--junit", xml.toString(), "--fail-on", "warning", scenario("mtu-trouble"));
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
        NodeList cases = doc.getElementsByTagName("testcase");
        assertEquals(ReportCommand.rules().size(), cases.getLength());
        int failing = 0;
        for (int i = 0; i < cases.getLength(); i++) {
            Element testcase = (Element) cases.item(i);
            if (testcase.getElementsByTagName("failure").getLength() > 0) {
                failing++;
            }
        }
        assertEquals(8, failing, "FRAG_NEEDED, INNER/OUTER_FRAGMENTATION, OVERSIZE, MTU_MISMATCH, MSS_MISMATCH, LOST "
                + "(packets too big for flannel.1, dropped with frag-needed), TCP_RETRANSMISSIONS");
        assertTrue(doc.getDocumentElement().getTextContent().contains("  basis: observed, high confidence\n  checked: "),
                "basis in JUnit");
        Element suite = (Element) doc.getElementsByTagName("testsuite").item(0);
        assertEquals("8", suite.getAttribute("failures"));
    }

    @Test
    void htmlIsOneSelfContainedPageThatABrowserRenders(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("report.html");
        run("report", "--html", html.toString(), scenario("mtu-trouble"));
        String page = Files.readString(html);
        assertTrue(page.contains("<table id=\"findings\">"));
        assertTrue(page.contains("<th>Basis</th>") && page.contains("<td>observed, high confidence</td>"), "basis shown");
        assertTrue(page.contains("<li>the next-hop MTU against what links allow"), "what was checked shown");
        assertEquals(3, page.split("<img ", -1).length - 1, "throughput, sizes, latency charts");
        assertTrue(!page.contains("src=\"http"), "nothing fetched from outside");

        String chromium = findChromium();
        assumeTrue(chromium != null, "chromium is not installed (apt-get install chromium); browser check skipped");
        Path profile = Files.createDirectories(dir.resolve("profile"));
        List<String> flags = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile);
        String dom = runBrowser(chromium, flags, "--dump-dom", html.toUri().toString());
        assertTrue(dom.contains("data-images-ok=\"true\""), "every chart image decoded in the browser");
        Path shot = dir.resolve("shot.png");
        runBrowser(chromium, flags, "--screenshot=" + shot, "--window-size=1200,1600", html.toUri().toString());
        BufferedImage image = ImageIO.read(shot.toFile());
        assertEquals(1200, image.getWidth());
        int first = image.getRGB(0, 0);
        boolean varied = false;
        for (int y = 0; y < image.getHeight() && !varied; y += 7) {
            for (int x = 0; x < image.getWidth(); x += 7) {
                varied |= image.getRGB(x, y) != first;
            }
        }
        assertTrue(varied, "the screenshot shows something");
    }

    static String findChromium() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (new File(candidate).canExecute()) {
                return candidate;
            }
        }
        return null;
    }

    static String runBrowser(String chromium, List<String> flags, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(chromium);
        command.addAll(flags);
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "chromium finished");
        return new String(output, StandardCharsets.UTF_8);
    }
}
