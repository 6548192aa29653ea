package io.tunnelscope.cli.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunnelscope.cli.CliProcess;
import io.tunnelscope.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tunnelscope collect} over {@code exec:'ip netns exec HOST'} on the samples lab's namespace
 * hosts ({@code samples/lab/run.sh}, namespaces {@code ts15-c<pid>-*}): the lab records a scenario
 * with its own captures, and collect (started by the lab's {@code TSL_BEFORE_TRAFFIC} hook once the
 * lab's captures listen, ended with Ctrl-C by {@code TSL_AFTER_TRAFFIC} once the traffic is done)
 * captures the same traffic. The directory collect writes must give the same report as the lab's
 * own per-hop captures, with device names and state files, and findings confirmed by the state.
 * Root only (network namespaces); skipped otherwise, saying why. The waits are guards against a
 * hang, never assertions on timing.
 */
class CollectLabTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long RUN_GUARD_MINUTES = 6;

    @TempDir
    Path dir;

    private final String prefix = "ts15-c" + ProcessHandle.current().pid() + "-";

    @AfterEach
    void removeLeftoverNamespaces() throws Exception {
        // run.sh removes its namespaces; this only acts when a run was killed
        for (String ns : exec(List.of("ip", "netns", "list")).split("\n")) {
            String name = ns.strip().split(" ")[0];
            if (name.startsWith(prefix)) {
                for (String pid : exec(List.of("ip", "netns", "pids", name)).split("\n")) {
                    if (!pid.isBlank()) {
                        exec(List.of("kill", "-KILL", pid.strip()));
                    }
                }
                exec(List.of("ip", "netns", "del", name));
            }
        }
    }

    static void assumeLab() throws Exception {
        Assumptions.assumeTrue("0".equals(exec(List.of("id", "-u")).strip()), "the lab needs root (network namespaces)");
        for (String tool : List.of("ip", "tcpdump", "tshark", "capinfos", "socat", "iperf3", "ethtool", "iptables",
                "jq", "ping", "bridge", "ss")) {
            Assumptions.assumeTrue(onPath(tool), tool + " not installed (samples/lab/README.md)");
        }
    }

    @Test
    void threeHostsGiveTheLabsOwnReportWithDevicesStateAndConfirmedSnat() throws Exception {
        assumeLab();
        Path collected = collectDuringLab("vxlan-3host");
        for (String host : List.of("host1", "host2", "host3")) {
            int n = host.charAt(4) - '0';
            for (String device : List.of("vethd0c0" + n + "1", "docker0", "flannel.1", "enp0s8")) {
                assertTrue(Files.size(collected.resolve(host).resolve(device + ".pcapng")) > 100, host + " " + device);
            }
            for (String state : List.of("ip-link.json", "ip-addr.json", "ip-route.json", "ip-neigh.json",
                    "bridge-fdb.json", "iptables-save.txt", "nft-ruleset.json", "ethtool-k.txt", "proc-sys.txt",
                    "conntrack-end.txt", "index.json")) {
                assertTrue(Files.isRegularFile(collected.resolve(host).resolve("state").resolve(state)), host + " " + state);
            }
        }
        JsonNode manifest = JSON.readTree(collected.resolve("collect.json").toFile());
        assertEquals("interrupted", manifest.get("reason").asText(), "ended by Ctrl-C");
        for (JsonNode node : manifest.get("nodes")) {
            assertTrue(node.get("error").isNull(), node.toString());
            for (JsonNode device : node.get("devices")) {
                assertTrue(device.get("error").isNull(), device.toString());
                assertEquals(0, device.get("dropped").asInt(), device.toString());
            }
        }

        JsonNode lab = report(labCaptures("vxlan-3host"));
        JsonNode ours = report(collected.toString());
        // the lab's pod captures are inside the pods (eth0), collect's on the hosts' veths: same packets
        Map<String, String> rename = Map.of("host1-pod", "host1-vethd0c011", "host2-pod", "host2-vethd0c021",
                "host3-pod", "host3-vethd0c031");
        assertEquals(paths(lab, rename), paths(ours, Map.of()));
        assertEquals(set(lab.get("nat"), "kind", "original", "translated", "from", "to", "packets", "replyPackets"),
                set(ours.get("nat"), "kind", "original", "translated", "from", "to", "packets", "replyPackets"));
        assertEquals(set(lab.get("tunnels"), "encap", "vni", "outerSrc", "outerDst", "packets"),
                set(ours.get("tunnels"), "encap", "vni", "outerSrc", "outerDst", "packets"));
        assertEquals(set(lab.get("findings"), "kind", "severity", "summary"),
                set(ours.get("findings"), "kind", "severity", "summary"));
        assertFalse(set(ours.get("nat"), "kind").isEmpty(), "the pod-to-host masquerade");

        JsonNode snat = only(ours.get("findings"), "SNAT");
        JsonNode state = snat.get("state");
        assertEquals("packets and state", state.get("basis").asText(), state.toString());
        assertEquals("confirmed", snat.get("basis").asText(), "the state confirms it");
        assertEquals("high", snat.get("confidence").asText());
        assertTrue(state.get("quotes").toString().contains("host1 iptables-save.txt: iptables -t nat -A FLANNEL-POSTRTG "
                + "-s 10.254.0.0/16 ! -d 224.0.0.0/4 -m comment --comment \\\"flanneld masq\\\" -j MASQUERADE "
                + "--random-fully"), state.toString());
        assertEquals("node", ours.get("nat").get(0).get("translatedName").get("kind").asText());
        assertEquals("host1", ours.get("nat").get(0).get("translatedName").get("name").asText());
    }

    @Test
    void mtuScenarioFindingsQuoteTheConfiguredMtus() throws Exception {
        assumeLab();
        Path collected = collectDuringLab("mtu-trouble");
        JsonNode ours = report(collected.toString());
        JsonNode lab = report(labCaptures("mtu-trouble"));
        Set<String> labKinds = set(lab.get("findings"), "kind");
        Set<String> packetKinds = new HashSet<>();
        for (JsonNode f : ours.get("findings")) {
            if (!f.get("state").get("basis").asText().equals("state")) {
                packetKinds.add("[" + f.get("kind").asText() + "]");
            }
        }
        assertEquals(labKinds, packetKinds, "the same findings from packets");
        JsonNode mismatch = null;
        for (JsonNode f : ours.get("findings")) {
            if (f.get("kind").asText().equals("MTU_MISMATCH") && f.get("summary").asText().contains("underlay")) {
                mismatch = f;
            }
        }
        assertTrue(mismatch != null, ours.get("findings").toString());
        assertEquals("packets and state", mismatch.get("state").get("basis").asText());
        assertEquals("confirmed", mismatch.get("basis").asText());
        String quotes = mismatch.get("state").get("quotes").toString();
        assertTrue(quotes.contains("host1 flannel.1 (overlay-vxlan) mtu 1450") && quotes.contains(
                "host1 ens33 (underlay) mtu 1400") && quotes.contains("host2 docker0 (bridge) mtu 1500"), quotes);
        List<String> config = new ArrayList<>();
        for (JsonNode f : ours.get("findings")) {
            if (f.get("kind").asText().equals("MTU_CONFIG")) {
                assertEquals("state", f.get("state").get("basis").asText());
                assertEquals("confirmed", f.get("basis").asText());
                config.add(f.get("summary").asText());
            }
        }
        assertEquals(4, config.size(), config.toString());
        assertTrue(config.contains("On host2 flannel.1 has MTU 1450, which with 50 bytes of vxlan overhead needs 1500 "
                + "on ens33, whose MTU is 1400: full-size tunnel packets are fragmented or dropped."), config.toString());
    }

    // ------------------------------------------------------------------------------ the lab

    /** Runs the lab scenario with collect capturing alongside; returns collect's directory. */
    private Path collectDuringLab(String scenario) throws Exception {
        Path root = Path.of(System.getProperty("tunnelscope.root", "..")).toAbsolutePath();
        Path runSh = root.resolve("samples/lab/run.sh");
        Path collected = dir.resolve("collected-" + scenario);
        Path log = dir.resolve("collect-" + scenario + ".err");
        Path out = dir.resolve("collect-" + scenario + ".out");
        Path pid = dir.resolve("collect.pid");
        List<String> java = CliProcess.command(List.of(), List.of());
        StringBuilder before = new StringBuilder("set -m\nargs=()\nfor h in $TSL_HOSTS; do "
                + "args+=(--node \"$h=exec:ip netns exec ${TSL_PREFIX}$h\"); done\n");
        before.append(String.join(" ", java.stream().map(ShellWords::quote).toList()))
                .append(" collect \"${args[@]}\" --pods --summary-every 2 --out ").append(ShellWords.quote(collected.toString()))
                .append(" >").append(ShellWords.quote(out.toString())).append(" 2>").append(ShellWords.quote(log.toString()))
                .append(" &\necho $! >").append(ShellWords.quote(pid.toString())).append('\n')
                .append("for i in $(seq 1200); do grep -q 'capturing on' ").append(ShellWords.quote(log.toString()))
                .append(" && exit 0; kill -0 $(cat ").append(ShellWords.quote(pid.toString()))
                .append(") || exit 1; sleep 0.1; done\nexit 1\n");
        String after = "p=$(cat " + ShellWords.quote(pid.toString()) + ")\nkill -INT $p\n"
                + "for i in $(seq 1200); do kill -0 $p 2>/dev/null || exit 0; sleep 0.1; done\nkill -KILL $p\nexit 1\n";
        Path beforeSh = Files.writeString(dir.resolve("before.sh"), before.toString());
        Path afterSh = Files.writeString(dir.resolve("after.sh"), after);
        String runLog = "";
        for (int attempt = 1; attempt <= 2; attempt++) {
            deleteTree(collected);
            Path labOut = dir.resolve("lab-" + scenario);
            ProcessBuilder builder = new ProcessBuilder("bash", runSh.toString(), scenario, "--out", labOut.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("run.log").toFile());
            builder.environment().put("TSL_PREFIX", prefix);
            builder.environment().put("TSL_BEFORE_TRAFFIC", "bash " + ShellWords.quote(beforeSh.toString()));
            builder.environment().put("TSL_AFTER_TRAFFIC", "bash " + ShellWords.quote(afterSh.toString()));
            Process lab = builder.start();
            if (!lab.waitFor(RUN_GUARD_MINUTES, TimeUnit.MINUTES)) {
                lab.descendants().forEach(ProcessHandle::destroyForcibly);
                lab.destroyForcibly();
            }
            runLog = Files.readString(dir.resolve("run.log"));
            if (lab.exitValue() == 0) {
                String end = Files.readString(out);
                assertTrue(end.contains("Collection ended: interrupted"), end + Files.readString(log));
                assertTrue(end.contains("; new since the last summary:") && end.contains("--   path   "),
                        "the running correlation printed what it found while collect ran:\n" + end);
                return collected;
            }
            if (!runLog.contains("captures dropped packets")) {
                break; // only the lab's refusal of a capture that dropped packets (a busy machine) is retried
            }
        }
        throw new AssertionError("run.sh " + scenario + " failed:\n" + runLog + "\ncollect:\n"
                + (Files.exists(log) ? Files.readString(log) : "") + (Files.exists(out) ? Files.readString(out) : ""));
    }

    /** The lab's per-hop captures (its 'any' and multi-interface captures left out). */
    private String labCaptures(String scenario) throws IOException {
        Path hops = Files.createDirectories(dir.resolve("lab-hops-" + scenario));
        try (Stream<Path> files = Files.list(dir.resolve("lab-" + scenario))) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if ((name.endsWith(".pcap") || name.endsWith(".pcapng")) && !name.contains("-any.")
                        && !name.contains("-multi.")) {
                    Files.copy(f, hops.resolve(name));
                }
            }
        }
        return hops.toString();
    }

    private static JsonNode report(String input) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(new String[] {"report", "--json", "-",
                    "--fail-on", "never", input});
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        return JSON.readTree(out.toByteArray());
    }

    private static Map<String, Long> paths(JsonNode report, Map<String, String> rename) {
        Map<String, Long> paths = new TreeMap<>();
        for (JsonNode p : report.get("paths")) {
            List<String> points = new ArrayList<>();
            p.get("points").forEach(n -> points.add(rename.getOrDefault(n.asText(), n.asText())));
            paths.merge(String.join(" -> ", points), p.get("packets").asLong(), Long::sum);
        }
        return paths;
    }

    private static Set<String> set(JsonNode array, String... keys) {
        Set<String> out = new HashSet<>();
        for (JsonNode item : array) {
            List<String> values = new ArrayList<>();
            for (String key : keys) {
                values.add(item.path(key).asText());
            }
            out.add(values.toString());
        }
        return out;
    }

    private static JsonNode only(JsonNode findings, String kind) {
        JsonNode found = null;
        for (JsonNode f : findings) {
            if (f.get("kind").asText().equals(kind)) {
                assertTrue(found == null, "one " + kind + " finding: " + findings);
                found = f;
            }
        }
        assertTrue(found != null, "no " + kind + " finding: " + findings);
        return found;
    }

    private static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static boolean onPath(String tool) {
        for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    static String exec(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
