package io.tunnelscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pod, service and node names from a {@code --k8s} dump (kubectl's output schema, written for the
 * k8s-vxlan lab's addresses: no cluster runs here) in decode, correlate and report, as text, JSON
 * and filter fields; names never change output without names.
 */
class NamesCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;
    private String dump;

    @BeforeEach
    void writeDump() throws IOException {
        try (InputStream in = NamesCommandTest.class.getResourceAsStream("/io/tunnelscope/state/kubernetes/k8s-vxlan.json")) {
            Path file = dir.resolve("cluster.json");
            Files.write(file, in.readAllBytes());
            dump = file.toString();
        }
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String sample(String file) {
        return Path.of(System.getProperty("tunnelscope.root", ".."), "samples", "captures", "k8s-vxlan", file).toString();
    }

    @Test
    void decodeNamesAddressesInTextAndJsonAndFiltersByPod() throws Exception {
        String underlay = sample("worker1-eth0.pcap");
        assertEquals(0, run("decode", "-c", "3", underlay));
        String plain = out();
        assertEquals(0, run("decode", "--k8s", dump, "-c", "3", underlay));
        String named = out();
        assertTrue(named.contains("10.0.0.2.40431 (node worker1) > 10.0.0.3.8472 (node worker2): VXLAN vni 1 | 10.244.1.2 "
                + "(pod default/web-1) > 10.244.2.2 (pod default/web-2): ICMP echo request"), named);
        assertEquals(plain, named.replaceAll(" \\((pod|node|service) [^)]*\\)", ""), "only the names are added");

        assertEquals(0, run("decode", "--json", "--k8s", dump, "-c", "3", underlay));
        String[] lines = out().split("\n");
        assertEquals(3, lines.length);
        JsonNode packet = JSON.readTree(lines[2]);
        assertEquals("10.244.1.2", packet.get("inner").get("src").asText());
        assertEquals("pod", packet.get("inner").get("srcName").get("kind").asText());
        assertEquals("default/web-1", packet.get("inner").get("srcName").get("name").asText());
        assertEquals("worker1", packet.get("inner").get("srcName").get("node").asText());
        assertEquals("worker2", packet.get("outer").get("dstName").get("name").asText());

        assertEquals(0, run("decode", "--filter", "inner.addr == 10.244.2.2", underlay));
        long byAddress = out().lines().count();
        assertEquals(0, run("decode", "--k8s", dump, "--filter", "pod == \"default/web-2\"", underlay));
        assertEquals(byAddress, out().lines().count());
        assertTrue(byAddress > 0);
        assertEquals(0, run("decode", "--k8s", dump, "--filter", "node == worker3", underlay));
        assertTrue(out().lines().allMatch(l -> l.contains("worker3") || l.contains("10.244.3.")), out());
    }

    @Test
    void correlateAndReportNameAddresses() throws Exception {
        String captures = sample("");
        assertEquals(0, run("correlate", "--k8s", dump, captures));
        assertTrue(out().contains("vtep 10.0.0.2 (node worker1)"), out());
        assertTrue(out().contains("icmp 10.244.1.2 (pod default/web-1) > 10.244.2.2 (pod default/web-2)"), out());
        assertEquals(0, run("correlate", "--json", "--k8s", dump, captures));
        JsonNode correlation = JSON.readTree(out());
        int named = 0;
        for (JsonNode tunnel : correlation.get("tunnels")) {
            for (JsonNode flow : tunnel.get("innerFlows")) {
                if (flow.get("src").asText().startsWith("10.244.1.2")) {
                    assertEquals("default/web-1", flow.get("srcName").get("name").asText(), flow.toString());
                    named++;
                }
            }
        }
        assertTrue(named > 0, correlation.get("tunnels").toString());

        assertEquals(0, run("report", "--k8s", dump, captures));
        assertTrue(out().contains("(pod default/web-1)"), out());
        assertEquals(0, run("report", "--json", "-", "--k8s", dump, captures));
        JsonNode report = JSON.readTree(out());
        JsonNode host = report.get("topology").get("hosts").get(0);
        assertEquals("worker1", host.get("vtepName").get("name").asText(), host.toString());
        assertTrue(report.get("findings").get(0).path("state").isMissingNode(),
                "a --k8s dump names addresses; it is no node state to check findings against");
    }

    @Test
    void badDumpsAndNameFieldsWithoutNamesAreUsageErrors() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"not\": \"kubernetes\"}");
        assertEquals(2, run("report", "--k8s", bad.toString(), sample("")));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--k8s " + bad + ": not a Kubernetes object or list"),
                err.toString(StandardCharsets.UTF_8));
        assertEquals(2, run("decode", "--k8s", dir.resolve("missing.json").toString(), sample("worker1-eth0.pcap")));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("missing.json: cannot read"));
        assertEquals(2, run("decode", "--filter", "pod == web-1", sample("worker1-eth0.pcap")));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("'pod' needs names"), err.toString(StandardCharsets.UTF_8));
    }
}
