package io.tunnelscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tunnelscope correlate} on the vxlan-masq sample: text, the JSON contract, exit codes. */
class CorrelateCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    private static Path sample(String file) {
        String root = System.getProperty("tunnelscope.root", "..");
        return Path.of(root, "samples", "captures", "vxlan-masq", file);
    }

    private static String[] devicePoints(String... options) {
        List<String> args = new ArrayList<>(List.of("correlate"));
        args.addAll(List.of(options));
        for (String host : List.of("host1", "host2")) {
            for (String device : List.of("pod.pcap", "docker0.pcap", "flannel.1.pcap")) {
                args.add(sample(host + "-" + device).toString());
            }
        }
        args.add(sample("host1-ens33.pcap").toString());
        args.add(sample("host2-ens33.pcapng").toString());
        return args.toArray(String[]::new);
    }

    @Test
    void textShowsTheSnatBetweenBridgeAndOverlay() {
        assertEquals(0, run(devicePoints()));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("SNAT 10.102.20.2 -> 10.102.20.0 between host1-docker0 and host1-flannel.1"), text);
        assertTrue(text.contains("host1: pod > docker0 > flannel.1 > ens33 | host2: ens33 > flannel.1 > docker0 > pod"),
                text);
        assertTrue(text.contains("network  between host1 ens33 and host2 ens33: 0 of 76 missing"), text);
        assertTrue(text.contains("  host1  (known by the capture file names; clock 0 ns, reference)"), text);
    }

    @Test
    void jsonKeepsTheContract() throws Exception {
        assertEquals(0, run(devicePoints("--json", "--journeys")));
        JsonNode report = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        JsonNode point = report.get("points").get(0);
        for (String key : List.of("name", "file", "host", "device", "role", "linkType", "packets")) {
            assertTrue(point.has(key), key);
        }
        JsonNode path = report.get("paths").get(0);
        assertEquals(8, path.get("points").size());
        JsonNode hop = path.get("hopLatencyNanos").get(0);
        for (String key : List.of("from", "to", "p50", "p99")) {
            assertTrue(hop.has(key), key);
        }
        JsonNode nat = report.get("nat").get(0);
        assertEquals("SNAT", nat.get("kind").asText());
        assertEquals("10.102.20.2", nat.get("original").asText());
        assertEquals("10.102.20.0", nat.get("translated").asText());
        assertEquals("host1-docker0", nat.get("from").asText());
        assertEquals("host1-flannel.1", nat.get("to").asText());
        JsonNode tunnel = report.get("tunnels").get(0);
        for (String key : List.of("encap", "vni", "outerSrc", "outerDst", "innerFlows", "packets")) {
            assertTrue(tunnel.has(key), key);
        }
        assertEquals("vxlan", tunnel.get("encap").asText());
        assertEquals(1, tunnel.get("vni").asInt());
        JsonNode host = report.get("topology").get("hosts").get(0);
        for (String key : List.of("subnet", "overlayAddress", "gateway", "vtep", "vtepMac")) {
            assertTrue(host.has(key), key);
        }
        assertTrue(report.get("losses").get(0).has("missing"));
        assertTrue(report.get("clockOffsets").get(0).has("offsetNanos"));
        JsonNode journeyHop = report.get("journeys").get(0).get("hops").get(0);
        for (String key : List.of("point", "frame", "tsNanos", "src", "dst", "encap")) {
            assertTrue(journeyHop.has(key), key);
        }
    }

    @Test
    void aBrokenInputIsNamedAndExitsTwo(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken.pcap");
        Files.writeString(broken, "not a capture at all");
        assertEquals(2, run("correlate", sample("host1-pod.pcap").toString(), broken.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(broken + ": offset 0: not a capture file"),
                err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("host1-pod"), "the readable file is still reported");
    }

    @Test
    void usageErrors() {
        assertEquals(2, run("correlate"));
        assertEquals(2, run("correlate", "--window", "soon", sample("host1-pod.pcap").toString()));
    }
}
