package io.tunnelscope.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the lab for real: {@code samples/lab/run.sh k8s-vxlan} in network namespaces, then checks the
 * captures it recorded. Needs root and working network namespaces; skipped otherwise. The run's
 * namespaces carry a prefix of their own (the caller's {@code TSL_PREFIX}, default {@code tsl-},
 * with {@code lab<pid>-}), so that only they are looked for and removed, whatever other lab runs
 * and tests share the machine.
 */
class LabRunTest {
    static final String SCENARIO = "k8s-vxlan";
    static final long RUN_TIMEOUT_MINUTES = 5;
    static final String PREFIX = System.getenv().getOrDefault("TSL_PREFIX", "tsl-") + "lab"
            + ProcessHandle.current().pid() + "-";

    @TempDir
    Path out;

    @Test
    void k8sVxlanScenarioRecordsEveryHop() throws Exception {
        Path root = ProjectRoot.find();
        Path runSh = root.resolve("samples/lab/run.sh");
        assertTrue(Files.isRegularFile(runSh), "missing " + runSh);
        assumeLabCanRun();

        Path log = out.resolve("run.log");
        Path captures = out.resolve(SCENARIO);
        long start = System.nanoTime();
        ProcessBuilder lab = new ProcessBuilder("bash", runSh.toString(), SCENARIO, "--out", captures.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        lab.environment().put("TSL_PREFIX", PREFIX);
        Process p = lab.start();
        boolean finished = p.waitFor(RUN_TIMEOUT_MINUTES, TimeUnit.MINUTES);
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        String logText = Files.readString(log, StandardCharsets.UTF_8);
        List<String> leftovers = labNamespaces();
        if (!leftovers.isEmpty()) {
            for (String ns : leftovers) {
                exec(List.of("ip", "netns", "del", ns), 20);
            }
        }
        assertTrue(finished, "run.sh did not finish within " + RUN_TIMEOUT_MINUTES + " min:\n" + logText);
        assertEquals(0, p.exitValue(), "run.sh failed:\n" + logText);
        assertTrue(leftovers.isEmpty(), "run.sh left namespaces behind: " + leftovers);
        System.out.println("[LabRunTest] " + SCENARIO + " recorded in " + seconds + " s");

        List<String> expected = new ArrayList<>();
        for (String w : List.of("worker1", "worker2", "worker3")) {
            expected.add(w + "-pod.pcap");
            expected.add(w + "-cni0.pcap");
            expected.add(w + "-flannel.1.pcap");
        }
        expected.addAll(List.of("worker1-eth0.pcap", "worker2-eth0.pcap", "worker3-eth0.pcapng",
                "worker1-any.pcap", "worker3-multi.pcapng", "scenario.json"));
        for (String f : expected) {
            Path file = captures.resolve(f);
            assertTrue(Files.isRegularFile(file), "missing " + f + "\n" + logText);
            assertTrue(Files.size(file) > 32, f + " is empty");
            if (f.endsWith(".pcap")) {
                assertTrue(isPcap(file), f + " is not a pcap file");
            } else if (f.endsWith(".pcapng")) {
                assertTrue(isPcapng(file), f + " is not a pcapng file");
            }
        }

        if (!onPath("tshark")) {
            System.out.println("[LabRunTest] tshark not installed: skipping the decode checks");
            return;
        }
        // VXLAN on 8472 with VNI 1 carrying ICMP between the two pods, on both underlay captures
        String filter = "udp.dstport==8472 && vxlan.vni==1 && icmp.type==8"
                + " && ip.src==10.244.1.2 && ip.dst==10.244.2.2";
        for (String f : List.of("worker1-eth0.pcap", "worker2-eth0.pcap")) {
            String frames = run(List.of("tshark", "-n", "-r", captures.resolve(f).toString(),
                    "-d", "udp.port==8472,vxlan", "-Y", filter, "-T", "fields", "-e", "frame.number"), 60);
            assertFalse(frames.isBlank(), f + ": no VXLAN (8472, VNI 1) echo request 10.244.1.2 -> 10.244.2.2");
        }
        // and the replies back, pod to pod without NAT
        String replies = run(List.of("tshark", "-n", "-r", captures.resolve("worker1-eth0.pcap").toString(),
                "-d", "udp.port==8472,vxlan", "-Y",
                "vxlan.vni==1 && icmp.type==0 && ip.src==10.244.2.2 && ip.dst==10.244.1.2",
                "-T", "fields", "-e", "frame.number"), 60);
        assertFalse(replies.isBlank(), "no VXLAN echo reply 10.244.2.2 -> 10.244.1.2 on worker1-eth0");
    }

    /** Skips unless running as root with usable network namespaces. */
    private static void assumeLabCanRun() throws Exception {
        String uid;
        try {
            uid = run(List.of("id", "-u"), 10).trim();
        } catch (IOException e) {
            Assumptions.abort("cannot run 'id -u': " + e.getMessage());
            return;
        }
        Assumptions.assumeTrue("0".equals(uid), "not running as root (uid " + uid + "): the lab needs network namespaces");
        Assumptions.assumeTrue(onPath("ip"), "iproute2 (ip) not installed");
        ProcessResult add = exec(List.of("ip", "netns", "add", PREFIX + "probe"), 20);
        try {
            Assumptions.assumeTrue(add.exit == 0, "network namespaces unavailable: ip netns add failed: " + add.output);
        } finally {
            exec(List.of("ip", "netns", "del", PREFIX + "probe"), 20);
        }
        for (String tool : List.of("tcpdump", "socat", "iperf3", "ethtool", "iptables", "jq", "ping", "capinfos")) {
            Assumptions.assumeTrue(onPath(tool), tool + " not installed (see samples/lab/README.md)");
        }
    }

    private static List<String> labNamespaces() throws Exception {
        return Arrays.stream(run(List.of("ip", "netns", "list"), 20).split("\n"))
                .map(l -> l.trim().split(" ")[0]).filter(l -> l.startsWith(PREFIX)).toList();
    }

    private static boolean isPcap(Path f) throws IOException {
        byte[] m = head(f);
        int le = (m[0] & 0xff) | (m[1] & 0xff) << 8 | (m[2] & 0xff) << 16 | (m[3] & 0xff) << 24;
        int be = (m[3] & 0xff) | (m[2] & 0xff) << 8 | (m[1] & 0xff) << 16 | (m[0] & 0xff) << 24;
        for (int magic : new int[] {0xa1b2c3d4, 0xa1b23c4d}) {
            if (le == magic || be == magic) {
                return true;
            }
        }
        return false;
    }

    private static boolean isPcapng(Path f) throws IOException {
        byte[] m = head(f);
        return m[0] == 0x0a && m[1] == 0x0d && m[2] == 0x0d && m[3] == 0x0a;
    }

    private static byte[] head(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            byte[] b = in.readNBytes(4);
            return b.length == 4 ? b : new byte[4];
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    record ProcessResult(int exit, String output) {
    }

    private static ProcessResult exec(List<String> cmd, long timeoutSeconds) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] bytes = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + cmd);
        }
        return new ProcessResult(p.exitValue(), new String(bytes, StandardCharsets.UTF_8));
    }

    private static String run(List<String> cmd, long timeoutSeconds) throws Exception {
        ProcessResult r = exec(cmd, timeoutSeconds);
        if (r.exit != 0) {
            throw new IOException(cmd + " exited " + r.exit + ": " + r.output);
        }
        return r.output;
    }
}
