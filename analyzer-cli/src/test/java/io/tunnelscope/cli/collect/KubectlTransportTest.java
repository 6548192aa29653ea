package io.tunnelscope.cli.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunnelscope.capture.CaptureInterface;
import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.cli.CliProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubectl transport against a fake {@code kubectl} on PATH ({@code fake-kubectl.sh}) that
 * records its arguments and plays back canned output: the state a lab host recorded and a sample
 * capture. This checks the exact commands collect runs; it is not a test against a live cluster
 * (none runs here).
 */
class KubectlTransportTest {
    private static final String IMAGE = "nicolaka/netshoot:v0.13";
    private static final String POD = "node-debugger-worker1-abcde";

    @TempDir
    Path dir;

    private Map<String, String> fakeKubectl() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path kubectl = bin.resolve("kubectl");
        copy("fake-kubectl.sh", kubectl);
        Files.setPosixFilePermissions(kubectl, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path state = dir.resolve("state.txt");
        copy("state-output-vxlan-masq-host1.txt", state);
        Files.createDirectories(dir.resolve("calls"));
        Path k8s = dir.resolve("k8s.json");
        try (InputStream in = KubectlTransportTest.class.getResourceAsStream(
                "/io/tunnelscope/state/kubernetes/k8s-vxlan.json")) {
            Files.write(k8s, in.readAllBytes());
        }
        return Map.of("PATH", bin + ":" + System.getenv("PATH"), "FAKE_KUBECTL_DIR", dir.resolve("calls").toString(),
                "FAKE_STATE", state.toString(), "FAKE_PCAP", samplePcap().toString(), "FAKE_K8S", k8s.toString());
    }

    static Path samplePcap() {
        return Path.of(System.getProperty("tunnelscope.root", ".."), "samples", "captures", "vxlan-masq",
                "host1-ens33.pcap").toAbsolutePath();
    }

    private static void copy(String resource, Path to) throws IOException {
        try (InputStream in = KubectlTransportTest.class.getResourceAsStream(resource)) {
            Files.write(to, in.readAllBytes());
        }
    }

    /** The recorded calls, each its argument list. */
    private List<List<String>> calls() throws IOException {
        List<List<String>> calls = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir.resolve("calls"))) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("call-\\d+-\\d+")).sorted().toList()) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                calls.add(List.of(text.substring(0, text.length() - 1).split("\0", -1)));
            }
        }
        return calls;
    }

    @Test
    void debugPodWaitExecPerCaptureAndDelete() throws Exception {
        Path out = dir.resolve("out");
        CliProcess collect = CliProcess.start(dir, List.of(), fakeKubectl(), "collect",
                "--node", "worker1=kubectl:worker1", "--image", IMAGE, "--out", out.toString(), "--count", "381",
                "--summary-every", "0");
        CliProcess.Result result = collect.await(60);
        assertEquals(0, result.code(), result.err() + result.out());

        List<List<String>> calls = calls();
        assertEquals(List.of("debug", "node/worker1", "--image=" + IMAGE, "--profile=sysadmin", "--", "sleep", "86400"),
                calls.get(0));
        assertEquals(List.of("wait", "--for=condition=Ready", "pod/" + POD, "--timeout=120s"), calls.get(1));
        List<String> state = calls.get(2);
        assertEquals(List.of("exec", "-i", POD, "--", "sh", "-c", RemoteScripts.STATE, "tunnelscope-state"),
                state.subList(0, 8));
        assertTrue(state.get(8).matches("tunnelscope-[0-9a-f]{24}"), state.get(8));
        assertEquals(List.of("/host"), state.subList(9, state.size()), "the node's root in a debug pod");
        assertEquals(List.of("get", "pods,nodes,services", "-A", "-o", "json", "--request-timeout=15s"), calls.get(3),
                "the debug pod has no kubeconfig: the user's kubectl lists the cluster");
        List<String> devices = new ArrayList<>();
        for (List<String> call : calls.subList(4, 7)) {
            assertEquals(List.of("exec", "-i", POD, "--", "sh", "-c", RemoteScripts.CAPTURE, "tunnelscope-capture"),
                    call.subList(0, 8));
            assertEquals(List.of("", "0", "kubelet"), call.subList(9, 12), "no filter, whole packets, not the exec streams");
            devices.add(call.get(8));
        }
        assertEquals(List.of("docker0", "ens33", "flannel.1"), devices.stream().sorted().toList());
        List<String> end = calls.get(7);
        assertEquals(List.of("/host", "conntrack-end.txt", "ip-neigh-end.json"), end.subList(9, end.size()));
        assertEquals(List.of("delete", "pod", POD, "--wait=false"), calls.get(8));
        assertEquals(9, calls.size());
        assertTrue(Files.readString(out.resolve("worker1/state/kubernetes.json")).contains("\"web-1\""));

        // what the fake played back is on disk: the state as recorded, each capture as a pcapng
        String iptables = Files.readString(out.resolve("worker1/state/iptables-save.txt"));
        assertTrue(iptables.contains("-A POSTROUTING -s 10.102.20.0/24 ! -o docker0 -j MASQUERADE"), iptables);
        try (CaptureReader reader = CaptureReaders.open(out.resolve("worker1/flannel.1.pcapng"))) {
            PacketRecord record = new PacketRecord();
            int n = 0;
            while (reader.next(record)) {
                n++;
            }
            assertEquals(127, n);
            CaptureInterface iface = reader.interfaces().get(0);
            assertEquals("flannel.1", iface.name());
            assertEquals("VXLAN vni 1 port 8472 local 172.16.112.133 dev ens33 10.102.20.0/32, MTU 1450",
                    iface.description());
            assertTrue(reader.comments().contains("tunnelscope-node=worker1"), reader.comments().toString());
        }
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("collect.json").toFile());
        JsonNode node = manifest.get("nodes").get(0);
        assertEquals("kubectl:worker1", node.get("transport").asText());
        assertTrue(node.get("error").isNull());
        for (JsonNode device : node.get("devices")) {
            assertEquals(127, device.get("packets").asInt(), device.toString());
            assertEquals(0, device.get("dropped").asInt(), device.toString());
        }
        assertTrue(result.out().contains("Collection ended: count reached, 381 packets from 1 of 1 nodes"), result.out());
    }

    @Test
    void aNodeKubectlCannotDebugFailsAloneWithItsReason() throws Exception {
        Path out = dir.resolve("out");
        CliProcess collect = CliProcess.start(dir, List.of(), fakeKubectl(), "collect",
                "--node", "worker1=kubectl:worker1", "--node", "worker9=kubectl:worker9", "--image", IMAGE,
                "--out", out.toString(), "--count", "381", "--summary-every", "0");
        CliProcess.Result result = collect.await(60);
        assertEquals(2, result.code(), result.err() + result.out());
        assertTrue(result.err().contains("tunnelscope collect: worker9: cannot reach the node (kubectl:worker9): "
                + "kubectl debug failed (exit 1): Error from server (NotFound): nodes \"worker9\" not found — the "
                + "other nodes go on"), result.err());
        assertTrue(result.out().contains("worker9 (kubectl:worker9): FAILED: cannot reach the node"), result.out());
        assertTrue(Files.size(out.resolve("worker1/ens33.pcapng")) > 1000);
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("collect.json").toFile());
        assertNotNull(manifest.get("nodes").get(1).get("error").asText());
    }
}
