package io.tunnelscope.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The recorded scenarios under samples/captures are complete and small. */
class ScenarioFilesTest {
    static final long MAX_SCENARIO_BYTES = 2L * 1024 * 1024;
    static final List<String> SCENARIOS =
            List.of("vxlan-masq", "k8s-vxlan", "mtu-trouble", "udp-masq", "hostgw-masq", "vxlan-3host",
                    "underlay-loss", "pmtu-blackhole", "stale-vtep", "bad-checksum",
                    "bad-checksum-nocsum", "k8s-service-dnat", "short-snaplen", "vxlan-mirror",
                    "calico-vxlan", "ipip", "vxlan-v6", "dual-stack");
    static final ObjectMapper JSON = new ObjectMapper();

    static Path capturesDir() {
        return ProjectRoot.find().resolve("samples").resolve("captures");
    }

    static List<Path> scenarioDirs() throws IOException {
        try (Stream<Path> s = Files.list(capturesDir())) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    @Test
    void allRecordedScenariosArePresent() throws IOException {
        Set<String> names = new HashSet<>();
        for (Path d : scenarioDirs()) {
            names.add(d.getFileName().toString());
        }
        for (String s : SCENARIOS) {
            assertTrue(names.contains(s), "missing scenario dir samples/captures/" + s);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyScenarioDirIsComplete() throws IOException {
        return scenarioDirs().stream()
                .map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> checkScenario(d)));
    }

    private static void checkScenario(Path dir) throws IOException {
        String name = dir.getFileName().toString();
        Path scenarioFile = dir.resolve("scenario.json");
        Path expectedFile = dir.resolve("expected.json");
        assertTrue(Files.isRegularFile(scenarioFile), name + ": scenario.json missing");
        assertTrue(Files.isRegularFile(expectedFile), name + ": expected.json missing");
        JsonNode scenario = JSON.readTree(scenarioFile.toFile());
        JsonNode expected = JSON.readTree(expectedFile.toFile());
        assertEquals(name, scenario.path("scenario").asText(), name + ": scenario.json names another scenario");
        assertEquals(name, expected.path("scenario").asText(), name + ": expected.json names another scenario");

        assertTrue(scenario.path("hosts").isArray() && scenario.path("hosts").size() >= 2,
                name + ": scenario.json needs at least 2 hosts");
        for (JsonNode h : scenario.path("hosts")) {
            for (String field : List.of("name", "subnet")) {
                assertFalse(h.path(field).asText().isEmpty(), name + ": host without " + field);
            }
            // Calico's layout has no bridge: the pod's host-side veth (cali...) is described instead
            boolean calico = scenario.path("layout").asText().equals("calico");
            assertTrue(calico == h.path("bridge").isNull(), name + ": a bridge exactly where the layout has one");
            for (String dev : calico ? List.of("underlay", "veth", "pod") : List.of("underlay", "bridge", "pod")) {
                JsonNode d = h.path(dev);
                assertFalse(d.path("device").asText().isEmpty(), name + ": " + dev + " without device");
                assertTrue(dev.equals("veth") || !d.path("address").asText().isEmpty(), name + ": " + dev + " without address");
                assertFalse(d.path("mac").asText().isEmpty(), name + ": " + dev + " without mac");
                assertTrue(d.path("mtu").asInt() > 0, name + ": " + dev + " without mtu");
            }
        }

        JsonNode captures = scenario.path("captures");
        assertTrue(captures.isArray() && !captures.isEmpty(), name + ": no captures listed");
        Set<String> points = new HashSet<>();
        Set<String> listed = new HashSet<>();
        for (JsonNode c : captures) {
            String file = c.path("file").asText();
            Path p = dir.resolve(file);
            assertTrue(Files.isRegularFile(p), name + ": capture " + file + " named in scenario.json is missing");
            assertTrue(Files.size(p) > 24, name + ": capture " + file + " is empty");
            assertTrue(Set.of("pod", "veth", "bridge", "overlay-vxlan", "overlay-tun", "underlay", "any")
                    .contains(c.path("role").asText()), name + ": " + file + " has an unknown role");
            assertTrue(c.path("linkType").isInt(), name + ": " + file + " without linkType");
            listed.add(file);
            points.add(file.substring(0, file.lastIndexOf('.')));
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String f = p.getFileName().toString();
                if (f.endsWith(".pcap") || f.endsWith(".pcapng")) {
                    assertTrue(listed.contains(f), name + ": " + f + " is not described in scenario.json");
                }
            }
        }

        // expected.json refers only to capture points that exist
        assertTrue(expected.path("nat").isArray(), name + ": expected.json without nat");
        for (JsonNode n : expected.path("nat")) {
            assertTrue(points.contains(n.path("from").asText()), name + ": nat.from " + n.path("from"));
            assertTrue(points.contains(n.path("to").asText()), name + ": nat.to " + n.path("to"));
        }
        assertTrue(expected.path("mtuEvents").isObject(), name + ": expected.json without mtuEvents");
        assertTrue(expected.path("paths").isArray() && !expected.path("paths").isEmpty(),
                name + ": expected.json without paths");
        for (JsonNode p : expected.path("paths")) {
            for (JsonNode pt : p.path("points")) {
                assertTrue(points.contains(pt.asText()), name + ": path point " + pt + " has no capture");
            }
        }
        assertTrue(expected.path("traffic").isArray() && !expected.path("traffic").isEmpty(),
                name + ": expected.json without traffic");

        long total = 0;
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).forEach(files::add);
        }
        for (Path f : files) {
            total += Files.size(f);
        }
        assertTrue(total < MAX_SCENARIO_BYTES, name + ": " + total + " bytes, limit " + MAX_SCENARIO_BYTES);
    }
}
