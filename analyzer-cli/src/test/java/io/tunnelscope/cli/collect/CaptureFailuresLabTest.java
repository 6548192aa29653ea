package io.tunnelscope.cli.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunnelscope.cli.CliProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes that cannot capture, each named with the reason while the others go on: one without tcpdump
 * (nor dumpcap) on its PATH, one where the capture runs as an unprivileged user (no permission),
 * beside one that captures. All three are the same namespace of this test ({@code ts15-f<pid>}),
 * reached with different exec prefixes. Root only; skipped otherwise.
 */
class CaptureFailuresLabTest {
    private final String namespace = "ts15-f" + ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @AfterEach
    void removeNamespace() throws Exception {
        if (CollectLabTest.exec(List.of("ip", "netns", "list")).contains(namespace)) {
            for (String pid : CollectLabTest.exec(List.of("ip", "netns", "pids", namespace)).split("\n")) {
                if (!pid.isBlank()) {
                    CollectLabTest.exec(List.of("kill", "-KILL", pid.strip()));
                }
            }
            CollectLabTest.exec(List.of("ip", "netns", "del", namespace));
        }
    }

    @Test
    void missingTcpdumpAndNoPermissionAreNamedPerNode() throws Exception {
        Assumptions.assumeTrue("0".equals(CollectLabTest.exec(List.of("id", "-u")).strip()), "needs root (namespaces)");
        for (String tool : List.of("ip", "tcpdump", "ping", "setpriv")) {
            Assumptions.assumeTrue(CollectLabTest.onPath(tool), tool + " not installed");
        }
        CollectLabTest.exec(List.of("ip", "netns", "add", namespace));
        CollectLabTest.exec(List.of("ip", "-n", namespace, "link", "set", "lo", "up"));
        // a PATH with the tools the state script uses, but no capture tool
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : List.of("sh", "ip", "cat", "ls", "head", "grep", "kill", "sleep")) {
            for (String d : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
                if (Files.isExecutable(Path.of(d, tool))) {
                    Files.createSymbolicLink(bin.resolve(tool), Path.of(d, tool));
                    break;
                }
            }
        }
        String ns = "ip netns exec " + namespace;
        Path out = dir.resolve("out");
        CliProcess collect = CliProcess.start(dir, List.of(), Map.of(), "collect",
                "--node", "bare=exec:" + ns + " env PATH=" + bin,
                "--node", "nobody=exec:" + ns + " setpriv --reuid=65534 --regid=65534 --clear-groups",
                "--node", "fine=exec:" + ns, "--devices", "lo", "--duration", "4", "--out", out.toString());
        collect.awaitErr("capturing on", 60);
        CollectLabTest.exec(List.of("ip", "netns", "exec", namespace, "ping", "-c", "3", "-i", "0.2", "127.0.0.1"));
        CliProcess.Result result = collect.await(60);

        assertEquals(2, result.code(), result.err() + result.out());
        assertTrue(result.err().contains("tunnelscope collect: bare: lo: tunnelscope: neither tcpdump nor dumpcap is "
                + "installed on this node (exit 127) — the other captures go on"), result.err());
        assertTrue(result.err().contains("tunnelscope collect: nobody: lo: tcpdump: lo: You don't have permission to "
                + "perform this capture on that device (socket: Operation not permitted) (exit 1)"), result.err());
        assertTrue(result.err().contains("capturing on 1 devices of 3 nodes"), result.err());
        assertTrue(result.out().contains("Collection ended: duration reached, 6 packets from 1 of 3 nodes"), result.out());
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("collect.json").toFile());
        assertEquals("fine", manifest.get("nodes").get(2).get("name").asText());
        assertEquals(6, manifest.get("nodes").get(2).get("devices").get(0).get("packets").asInt(), "3 pings, 3 replies");
        assertTrue(manifest.get("nodes").get(0).get("devices").get(0).get("error").asText().contains("neither tcpdump"));
        assertTrue(Files.isRegularFile(out.resolve("bare/state/ip-link.json")), "the node's state is kept");
    }
}
