package io.tunnelscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunnelscope.capture.CaptureInterface;
import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.LiveCapture;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.correlate.Correlator;
import io.tunnelscope.report.CorrelationReport;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tunnelscope live} in a namespace lab of its own (live-lab.sh): two hosts joined by a veth
 * underlay, flannel.1 VXLAN devices on both as flanneld programs them. Every capturing JVM runs
 * inside host 1's namespace ({@code ip netns exec}); traffic only goes to addresses of the lab.
 * Skipped, saying why, when not root, without {@code ip netns}, or without libpcap. The waits
 * below are only guards against a hang, never assertions on timing.
 */
class LiveCommandLabTest {
    private static final long GUARD_SECONDS = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String prefix;
    private static Path script;
    private static String h1;

    @TempDir
    Path dir;

    @BeforeAll
    static void buildLab() throws Exception {
        Assumptions.assumeTrue(isRoot(), "live capture lab needs root (network namespaces, raw sockets); not root");
        Assumptions.assumeTrue(succeeds("ip", "netns", "list"), "live capture lab needs 'ip netns' (iproute2)");
        Assumptions.assumeTrue(LiveCapture.libpcapVersion() != null,
                "live capture lab needs libpcap (Debian: libpcap0.8)");
        script = resource("live-lab.sh");
        prefix = "tsl-live-" + ProcessHandle.current().pid();
        h1 = prefix + "-h1";
        Result up = exec(List.of("bash", script.toString(), "up", prefix));
        if (up.code != 0) {
            exec(List.of("bash", script.toString(), "down", prefix));
            fail("cannot build the namespace lab: " + up.err);
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (prefix != null) {
            exec(List.of("bash", script.toString(), "down", prefix));
        }
    }

    @Test
    void capturesOverlayAndUnderlayAtOnceAndCorrelatesThem() throws Exception {
        int pings = 3;
        Path out = dir.resolve("out.pcapng");
        Live live = startLive("-i", "flannel.1", "-i", "ul0", "--count", String.valueOf(4 * pings),
                "--write", out.toString(), "--json");
        ping("10.77.2.0", pings);
        Result result = live.await();
        assertEquals(0, result.code, result.err);

        List<JsonNode> packets = new ArrayList<>();
        JsonNode end = null;
        for (String line : result.out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = JSON.readTree(line);
            if (node.has("frame")) {
                packets.add(node);
            } else if ("end".equals(node.path("event").asText())) {
                end = node;
            }
        }
        assertEquals(4 * pings, packets.size(), result.out);
        int vxlan = 0;
        int overlay = 0;
        Map<String, Integer> innerIds = new HashMap<>();
        for (JsonNode p : packets) {
            assertEquals("out.pcapng", p.get("file").asText());
            JsonNode inner = p.get("inner");
            assertEquals("icmp", inner.get("proto").asText(), p.toString());
            assertEquals("ok", p.get("status").asText(), p.toString());
            if (p.get("iface").asText().equals("ul0")) {
                assertEquals("[\"vxlan\"]", p.get("encap").toString(), p.toString());
                assertEquals(1, p.get("vni").asInt());
                assertEquals(8472, p.get("outer").get("dport").asInt());
                assertTrue(Set.of("192.168.77.1", "192.168.77.2").contains(p.get("outer").get("src").asText()));
                vxlan++;
            } else {
                assertEquals("flannel.1", p.get("iface").asText());
                assertEquals("[]", p.get("encap").toString(), p.toString());
                overlay++;
            }
            assertTrue(Set.of("10.77.1.0", "10.77.2.0").contains(inner.get("src").asText()), p.toString());
            // The same inner packet (by IP id and direction) on both interfaces.
            innerIds.merge(inner.get("src").asText() + "/" + inner.get("ipId").asText(), 1, Integer::sum);
        }
        assertEquals(2 * pings, vxlan);
        assertEquals(2 * pings, overlay);
        assertEquals(2 * pings, innerIds.size(), innerIds.toString());
        innerIds.forEach((id, n) -> assertEquals(2, n, "inner packet " + id + " seen on both interfaces"));

        assertNotNull(end, "closing report\n" + result.out);
        assertEquals("count reached", end.get("reason").asText());
        for (JsonNode iface : end.get("interfaces")) {
            assertEquals(2 * pings, iface.get("packets").asInt(), iface.toString());
            assertTrue(iface.get("error").isNull(), iface.toString());
        }

        // The written pcapng reopens with both interface names and every packet.
        try (CaptureReader reader = CaptureReaders.open(out)) {
            PacketRecord record = new PacketRecord();
            int n = 0;
            while (reader.next(record)) {
                n++;
            }
            assertEquals(4 * pings, n);
            List<String> names = reader.interfaces().stream().map(CaptureInterface::name).toList();
            assertEquals(List.of("flannel.1", "ul0"), names);
        }

        // Correlating it matches each ICMP packet between flannel.1 and the underlay.
        CorrelationReport report = Correlator.correlate(List.of(out), new Correlator.Options());
        long matched = 0;
        boolean overlayThenUnderlay = false;
        for (CorrelationReport.Path path : report.paths()) {
            if (Set.copyOf(path.points()).equals(Set.of("out:flannel.1", "out:ul0"))) {
                matched += path.packets();
                overlayThenUnderlay |= path.points().equals(List.of("out:flannel.1", "out:ul0"));
            }
        }
        assertEquals(2 * pings, matched, report.paths().toString());
        assertTrue(overlayThenUnderlay, report.paths().toString());
        assertTrue(report.tunnels().stream().anyMatch(t -> "vxlan".equals(t.encap()) && Long.valueOf(1).equals(t.vni())
                && t.outerPorts().contains(8472) && t.packets() == pings), report.tunnels().toString());
    }

    @Test
    void listShowsTheNamespaceInterfacesWithAddressesAndLinkType() throws Exception {
        Result result = exec(inH1(javaCommand("live", "--list")));
        assertEquals(0, result.code, result.err);
        String flannel = lineStarting(result.out, "flannel.1 ");
        assertTrue(flannel.contains("EN10MB") && flannel.contains("10.77.1.0/32") && flannel.contains(" up "), flannel);
        String underlay = lineStarting(result.out, "ul0 ");
        assertTrue(underlay.contains("192.168.77.1/24"), underlay);
    }

    @Test
    void anInterfaceThatGoesAwayIsReportedOnceAndTheOthersGoOn() throws Exception {
        Live live = startLive("-i", "gone0", "-i", "lo", "--json");
        // Traffic on gone0 before it goes: ARP requests for an address nobody has.
        exec(inH1(List.of("ping", "-c", "3", "-i", "0.2", "-W", "1", "-I", "gone0", "10.99.1.2")));
        assertEquals(0, exec(List.of("ip", "-n", h1, "link", "del", "gone0")).code);
        live.awaitErr("gone0: ");
        assertEquals(0, exec(inH1(List.of("ping", "-c", "2", "-i", "0.2", "-W", "2", "127.0.0.1"))).code);
        Thread.sleep(300);
        live.process.destroy();
        Result result = live.await();
        assertEquals(0, result.code, result.err);
        long reports = result.err.lines().filter(l -> l.contains("gone0: ")).count();
        assertEquals(1, reports, result.err);
        assertTrue(result.err.contains("capture goes on without it"), result.err);
        JsonNode end = null;
        for (String line : result.out.split("\n")) {
            if (line.contains("\"event\":\"end\"")) {
                end = JSON.readTree(line);
            }
        }
        assertNotNull(end, result.out);
        JsonNode gone = end.get("interfaces").get(0);
        assertEquals("gone0", gone.get("iface").asText());
        assertFalse(gone.get("error").isNull(), gone.toString());
        // Counted at the end, after the interface went: they add up (the probe saw read > received).
        assertTrue(gone.get("captured").asLong() > 0, gone.toString());
        assertCountsAddUp(gone);
        JsonNode lo = end.get("interfaces").get(1);
        assertEquals(4, lo.get("packets").asInt(), lo.toString());
        assertTrue(lo.get("error").isNull(), lo.toString());
        // Loopback: the kernel counts the outgoing copies libpcap skips; they add up all the same.
        assertCountsAddUp(lo);
    }

    @Test
    void withoutCapabilitiesTheMessageSaysWhatToDo() throws Exception {
        Assumptions.assumeTrue(succeeds("capsh", "--print"), "capsh (libcap2-bin) needed to drop capabilities");
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", h1, "capsh",
                "--drop=cap_net_raw,cap_net_admin", "--", "-c", "exec \"$0\" \"$@\""));
        command.addAll(javaCommand("live", "-i", "lo", "--count", "1"));
        Result result = exec(command);
        assertEquals(2, result.code, result.out + result.err);
        assertTrue(result.err.contains("cannot capture on lo: permission denied"), result.err);
        assertTrue(result.err.contains("sudo setcap cap_net_raw,cap_net_admin=eip $(readlink -f $(which java))"),
                result.err);
    }

    @Test
    void aBadFilterOrAnUnknownInterfaceIsAUsageError() throws Exception {
        Result filter = exec(inH1(javaCommand("live", "-i", "lo", "--filter", "udp port", "--count", "1")));
        assertEquals(2, filter.code, filter.err);
        assertTrue(filter.err.contains("bad filter 'udp port' on lo: "), filter.err);
        Result unknown = exec(inH1(javaCommand("live", "-i", "lo", "-i", "nosuch0", "--count", "1")));
        assertEquals(2, unknown.code, unknown.err);
        assertTrue(unknown.err.contains("cannot capture on nosuch0: no such interface"), unknown.err);
    }

    /**
     * The probe of issue 19: {@code ping -f -c 20000} into each of two veths while tcpdump -w
     * records each of them. {@code live -i fl1 -i fl2 --write} (packet lines printed, as a user
     * runs it) must capture at least 99.9% of what tcpdump captured on each, and its counters
     * must add up. Run with the JVM options the tunnelscope launcher gives live (none).
     */
    @Test
    void aPingFloodIntoTwoVethsIsCapturedAsTcpdumpCapturesIt() throws Exception {
        Assumptions.assumeTrue(succeeds("tcpdump", "--version"), "tcpdump needed as the reference");
        Path ours = dir.resolve("flood.pcapng");
        List<Process> tcpdumps = new ArrayList<>();
        List<Path> theirs = new ArrayList<>();
        try {
            for (String iface : List.of("fl1", "fl2")) {
                Path file = dir.resolve("tcpdump-" + iface + ".pcap");
                Path said = dir.resolve("tcpdump-" + iface + ".err");
                theirs.add(file);
                tcpdumps.add(new ProcessBuilder(inH1(List.of("tcpdump", "-i", iface, "-s", "262144", "-w",
                        file.toString()))).redirectError(said.toFile()).start());
                awaitText(said, "listening on");
            }
            Live live = startLive(List.of(), "-i", "fl1", "-i", "fl2", "--write", ours.toString(), "--summary-every", "0");
            List<Process> pings = new ArrayList<>();
            for (String address : List.of("10.78.1.2", "10.78.2.2")) {
                pings.add(new ProcessBuilder(inH1(List.of("ping", "-f", "-q", "-c", "20000", address)))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
            for (Process ping : pings) {
                assertTrue(ping.waitFor(120, TimeUnit.SECONDS), "ping -f ended");
            }
            // tcpdump's kernel blocks time out after a second: let it read its last one.
            Thread.sleep(2500);
            for (Process tcpdump : tcpdumps) {
                tcpdump.destroy();
                assertTrue(tcpdump.waitFor(GUARD_SECONDS, TimeUnit.SECONDS));
            }
            live.process.destroy();
            Result result = live.await();
            assertEquals(0, result.code, result.err);

            long[] captured = countByInterface(ours, 2);
            for (int i = 0; i < 2; i++) {
                long reference = count(theirs.get(i));
                assertTrue(captured[i] * 1000 >= reference * 999, "fl" + (i + 1) + ": live captured " + captured[i]
                        + " of the " + reference + " tcpdump captured\n" + closing(result.out));
            }
            Matcher row = Pattern.compile("(?m)^  (fl[12]) +EN10MB +(\\d+) captured .*libpcap: (\\d+) received = "
                    + "(\\d+) captured \\+ (\\d+) dropped by the kernel \\+ (\\d+) dropped by tunnelscope;")
                    .matcher(result.out);
            int rows = 0;
            while (row.find()) {
                int i = row.group(1).equals("fl1") ? 0 : 1;
                long received = Long.parseLong(row.group(3));
                long inFile = Long.parseLong(row.group(4));
                long kernel = Long.parseLong(row.group(5));
                long queue = Long.parseLong(row.group(6));
                assertEquals(received, inFile + kernel + queue, row.group());
                assertEquals(captured[i], inFile, "every captured packet is in the file: " + row.group());
                // The flood reached the interface (ping -f may lose a few): the comparison means something.
                assertTrue(received >= 39_000, "the flood on " + row.group());
                rows++;
            }
            assertEquals(2, rows, closing(result.out));
        } finally {
            tcpdumps.forEach(Process::destroyForcibly);
        }
    }

    /** The other half of the probe: stopping during a flood leaves no packet unaccounted for. */
    @Test
    void stoppingDuringAFloodLeavesCountersThatAddUp() throws Exception {
        Path file = dir.resolve("stopped.pcapng");
        Live live = startLive(List.of(), "-i", "fl1", "--write", file.toString(), "--quiet", "--json",
                "--summary-every", "0");
        Process ping = new ProcessBuilder(inH1(List.of("ping", "-f", "-q", "-c", "2000000", "10.78.1.2")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Thread.sleep(1500);
            live.process.destroy();
            Result result = live.await();
            assertEquals(0, result.code, result.err);
            JsonNode end = endEvent(result.out);
            JsonNode fl1 = end.get("interfaces").get(0);
            assertTrue(fl1.get("captured").asLong() > 1000, fl1.toString());
            assertCountsAddUp(fl1);
            assertEquals(0, fl1.get("unread").asLong(), fl1.toString());
            assertEquals(fl1.get("captured").asLong(), countByInterface(file, 1)[0]);
            assertEquals(fl1.get("captured").asLong(), end.get("writtenPackets").asLong());
        } finally {
            ping.destroyForcibly();
        }
    }

    /** A 1 MiB tmpfs as the --write target: the file ends at its last whole block, tshark reads it. */
    @Test
    void aFullDiskEndsTheFileAtItsLastWholeBlock() throws Exception {
        Path small = Files.createDirectories(dir.resolve("small"));
        Assumptions.assumeTrue(exec(List.of("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small.toString())).code == 0,
                "cannot mount a tmpfs");
        try {
            Path file = small.resolve("full.pcapng");
            Live live = startLive(List.of(), "-i", "fl2", "--write", file.toString(), "--json", "--quiet",
                    "--summary-every", "0");
            Result ping = exec(inH1(List.of("ping", "-f", "-q", "-c", "6000", "-s", "300", "10.78.2.2")));
            assertEquals(0, ping.code, ping.err);
            live.process.destroy();
            Result result = live.await();
            assertEquals(0, result.code, result.err);
            assertTrue(result.err.contains("No space left on device"), result.err);
            assertTrue(result.err.contains("ends at the last whole block"), result.err);
            JsonNode end = endEvent(result.out);
            long kept = end.get("writtenPackets").asLong();
            long lost = end.get("lostPackets").asLong();
            long captured = end.get("interfaces").get(0).get("captured").asLong();
            assertTrue(kept > 1000 && lost > 1000, end.toString());
            assertEquals(captured, kept + lost, end.toString());
            assertEquals("No space left on device", end.get("writeError").asText());
            assertTrue(end.get("report").get("points").get(0).get("packets").asLong() > 0,
                    "the closing correlation counts what the file kept, not 'nothing captured'");
            assertEquals(kept, countByInterface(file, 1)[0], "the file reads cleanly to its last packet");
            if (succeeds("tshark", "--version")) {
                Result tshark = exec(List.of("tshark", "-r", file.toString(), "-T", "fields", "-e", "frame.number"));
                assertEquals(0, tshark.code, tshark.err);
                assertFalse(tshark.err.contains("cut short"), tshark.err);
                assertEquals(kept, tshark.out.lines().filter(l -> !l.isBlank()).count());
            }
        } finally {
            exec(List.of("umount", "-l", small.toString()));
        }
    }

    /** An interface whose name holds ESC, BEL and the 8-bit CSI: every line shows it escaped. */
    @Test
    void interfaceNamesWithControlCharactersAreEscapedEverywhere() throws Exception {
        String evil = "t\u001b[1m\u0007\u009b";
        Live live = startLive("-i", evil, "--duration", "1", "--summary-every", "0");
        exec(inH1(List.of("ping", "-c", "2", "-i", "0.2", "-W", "1", "-I", evil, "10.99.2.2")));
        Result result = live.await();
        assertEquals(0, result.code, result.err);
        HostileNamesCliTest.assertTerminalSafe("live stdout", result.out, true);
        HostileNamesCliTest.assertTerminalSafe("live stderr", result.err, true);
        assertTrue(result.err.contains("capturing on t\\x1b[1m\\x07\\x9b (EN10MB)"), result.err);
        assertTrue(result.out.contains("\n  t\\x1b[1m\\x07\\x9b  EN10MB"), result.out);
        assertTrue(result.out.lines().anyMatch(l -> l.startsWith("t\\x1b[1m\\x07\\x9b ") && l.contains("ARP")),
                result.out);
        Result list = exec(inH1(javaCommand("live", "--list")));
        assertEquals(0, list.code, list.err);
        HostileNamesCliTest.assertTerminalSafe("live --list", list.out, true);
        assertTrue(list.out.contains("t\\x1b[1m\\x07\\x9b "), list.out);
    }

    // ------------------------------------------------------------------------------ helpers ----

    /** received = captured + dropped by the kernel + dropped by the queue + not read out. */
    private static void assertCountsAddUp(JsonNode iface) {
        long received = iface.get("received").asLong();
        long sum = iface.get("captured").asLong() + iface.get("dropped").asLong()
                + iface.get("droppedByQueue").asLong() + iface.get("unread").asLong();
        assertEquals(received, sum, iface.toString());
        assertEquals(iface.get("read").asLong(), iface.get("captured").asLong() + iface.get("droppedByQueue").asLong(),
                iface.toString());
    }

    private static JsonNode endEvent(String out) throws IOException {
        JsonNode end = null;
        for (String line : out.split("\n")) {
            if (line.contains("\"event\":\"end\"")) {
                end = JSON.readTree(line);
            }
        }
        assertNotNull(end, out);
        return end;
    }

    private static String closing(String out) {
        int at = out.indexOf("Capture ended");
        return at < 0 ? "(no closing report)" : out.substring(at, Math.min(out.length(), at + 2000));
    }

    private static long count(Path file) throws IOException {
        return countByInterface(file, 1)[0];
    }

    /** Packets per interface id of a capture (pcap: all under 0). */
    private static long[] countByInterface(Path file, int interfaces) throws IOException {
        long[] counts = new long[interfaces];
        try (CaptureReader reader = CaptureReaders.open(file)) {
            PacketRecord record = new PacketRecord();
            while (reader.next(record)) {
                counts[Math.max(0, record.interfaceId())]++;
            }
        }
        return counts;
    }

    private static void awaitText(Path file, String text) throws Exception {
        long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
        while (!Files.readString(file).contains(text)) {
            if (System.nanoTime() - guard > 0) {
                fail("no '" + text + "' in " + file + ": " + Files.readString(file));
            }
            Thread.sleep(20);
        }
    }

    private static String lineStarting(String text, String start) {
        return text.lines().filter(l -> l.startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with '" + start + "' in\n" + text));
    }

    private void ping(String address, int count) throws Exception {
        Result ping = exec(inH1(List.of("ping", "-c", String.valueOf(count), "-i", "0.2", "-W", "2", address)));
        assertEquals(0, ping.code, "ping " + address + ": " + ping.out + ping.err);
    }

    private static List<String> inH1(List<String> command) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", h1));
        all.addAll(command);
        return all;
    }

    /** Quick-starting JVM options for short runs. */
    private static final List<String> QUICK_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m");

    private static List<String> javaCommand(String... args) {
        return javaCommand(QUICK_JVM, args);
    }

    private static List<String> javaCommand(List<String> jvm, String... args) {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvm);
        command.addAll(List.of("-cp", classpath, Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** A running {@code tunnelscope live} inside host 1, ready (its handles open) when returned. */
    private Live startLive(String... args) throws Exception {
        return startLive(QUICK_JVM, args);
    }

    private Live startLive(List<String> jvm, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("live"));
        command.addAll(List.of(args));
        Path stdout = Files.createTempFile(dir, "live", ".out");
        Path stderr = Files.createTempFile(dir, "live", ".err");
        Process process = new ProcessBuilder(inH1(javaCommand(jvm, command.toArray(String[]::new))))
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        Live live = new Live(process, stdout, stderr);
        live.awaitErr("capturing on");
        return live;
    }

    private static final class Live {
        final Process process;
        final Path stdout;
        final Path stderr;

        Live(Process process, Path stdout, Path stderr) {
            this.process = process;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        /** Waits (guarded) for {@code text} on stderr; fails if the process ends first. */
        void awaitErr(String text) throws Exception {
            long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
            while (!Files.readString(stderr).contains(text)) {
                if (!process.isAlive() && !Files.readString(stderr).contains(text)) {
                    fail("live ended (" + process.exitValue() + ") before '" + text + "':\n"
                            + Files.readString(stderr) + Files.readString(stdout));
                }
                if (System.nanoTime() - guard > 0) {
                    process.destroyForcibly();
                    fail("no '" + text + "' from live:\n" + Files.readString(stderr));
                }
                Thread.sleep(20);
            }
        }

        Result await() throws Exception {
            if (!process.waitFor(GUARD_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                fail("live did not end:\n" + Files.readString(stderr) + Files.readString(stdout));
            }
            return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8));
        }
    }

    private record Result(int code, String out, String err) {
    }

    private static Result exec(List<String> command) throws IOException, InterruptedException {
        File stdout = File.createTempFile("tsl-live", ".out");
        File stderr = File.createTempFile("tsl-live", ".err");
        try {
            Process process = new ProcessBuilder(command).redirectOutput(stdout).redirectError(stderr).start();
            if (!process.waitFor(GUARD_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                return new Result(-1, "", "timed out: " + command);
            }
            return new Result(process.exitValue(), Files.readString(stdout.toPath()), Files.readString(stderr.toPath()));
        } finally {
            stdout.delete();
            stderr.delete();
        }
    }

    private static boolean succeeds(String... command) {
        try {
            return exec(List.of(command)).code == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static boolean isRoot() {
        try {
            return exec(List.of("id", "-u")).out.trim().equals("0");
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(LiveCommandLabTest.class.getResource(name).toURI());
    }
}
