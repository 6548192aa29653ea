package io.tunnelscope.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunnelscope.correlate.Correlator;
import io.tunnelscope.report.CorrelationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The recorded scenarios made harder the way users' captures are: one host's clock off (its files
 * shifted with {@code editcap -t}, as two machines NTP keeps only roughly together), every capture
 * cut short ({@code editcap -s}), and the {@code any} and multi-interface captures taken beside the
 * per-device ones. The analysis must hold: the same paths, NAT and losses as the lab's own
 * captures, the clock offset found, every device one hop, every pod-to-pod packet in the order it
 * crossed the devices.
 */
class DerivedCasesTest {
    /** The skews of the issue: less than a hop, seconds either way, and longer than the match window. */
    static Stream<Arguments> skews() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        for (Path scenario : SampleCaptures.scenarios()) {
            for (double seconds : new double[] {0.0005, 1.5, -4.2, 25}) {
                cases.add(Arguments.of(scenario.getFileName().toString(), seconds));
            }
        }
        return cases.stream();
    }

    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0} shifted {1} s")
    @MethodSource("skews")
    void aHostsSkewedClockIsFoundAndChangesNothing(String name, double seconds) throws Exception {
        Path scenario = SampleCaptures.root().resolve(name);
        CorrelationReport baseline = correlate(SampleCaptures.capturesOf(scenario));
        List<String> hosts = new ArrayList<>(new TreeSet<>(hostsOf(scenario).values()));
        String shifted = hosts.get(1);
        List<Path> files = derive(scenario, file -> shifted.equals(hostsOf(scenario).get(file))
                ? List.of("-t", String.format(Locale.ROOT, "%.6f", seconds)) : null);
        CorrelationReport skewed = correlate(files);

        long expected = Math.round(seconds * 1e9) + offset(baseline, shifted);
        long found = offset(skewed, shifted);
        assertTrue(Math.abs(found - expected) <= 100_000, name + ": " + shifted + "'s clock is "
                + expected + " ns ahead, found " + found + " ns");
        assertEquals(paths(baseline), paths(skewed), name + " paths");
        assertEquals(nat(baseline), nat(skewed), name + " NAT");
        // editcap drops pcapng statistics blocks, and with them when a capture stopped: a packet
        // lost after a capture's last packet is then only known to be missing, not by whom.
        assertEquals(losses(baseline), losses(skewed), name + " packets missing");
    }

    /**
     * Skew and captures that only partly overlap in time, together: one host's clock 1.5 s ahead
     * and its captures started late (the first third of each of its files gone). The offset is
     * still found from the packets the captures share, and the packets sent before that host's
     * captures started are missing only from a capture, never lost in the network.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"k8s-vxlan", "vxlan-3host", "hostgw-masq"})
    void aSkewedHostWhoseCapturesStartedLate(String name) throws Exception {
        Path scenario = SampleCaptures.root().resolve(name);
        CorrelationReport baseline = correlate(SampleCaptures.capturesOf(scenario));
        List<String> hosts = new ArrayList<>(new TreeSet<>(hostsOf(scenario).values()));
        String late = hosts.get(1);
        List<Path> files = derive(scenario, file -> {
            if (!late.equals(hostsOf(scenario).get(file))) {
                return null;
            }
            long packets = countPackets(scenario.resolve(file));
            List<String> options = new ArrayList<>(List.of("-t", "1.5"));
            if (packets >= 3) {
                options.add("-r"); // keep the packets listed: the last two thirds
                options.add("--");
                options.add(String.format(Locale.ROOT, "%d-%d", packets / 3 + 1, packets));
            }
            return options;
        });
        CorrelationReport skewed = correlate(files);
        long expected = 1_500_000_000L + offset(baseline, late);
        long found = offset(skewed, late);
        assertTrue(Math.abs(found - expected) <= 100_000, name + ": " + late + "'s clock is "
                + expected + " ns ahead, found " + found + " ns");
        Map<String, Long> baselineNetwork = networkLosses(baseline);
        for (Map.Entry<String, Long> loss : networkLosses(skewed).entrySet()) {
            assertTrue(loss.getValue() <= baselineNetwork.getOrDefault(loss.getKey(), 0L),
                    name + ": a capture that started late taken for network loss: " + loss + " (baseline "
                            + baselineNetwork + ")");
        }
        Set<String> skewedPaths = paths(skewed).keySet();
        String mostTaken = paths(baseline).entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        assertTrue(skewedPaths.contains(mostTaken), name + ": " + mostTaken + " not among " + skewedPaths);
    }

    private static Map<String, Long> networkLosses(CorrelationReport report) {
        Map<String, Long> out = new TreeMap<>();
        for (CorrelationReport.Loss loss : report.losses()) {
            if (loss.kind().equals("network")) {
                out.merge(loss.lastSeen() + " -> " + loss.firstMissing(), loss.missing(), Long::sum);
            }
        }
        return out;
    }

    private static long countPackets(Path file) throws IOException {
        long n = 0;
        try (io.tunnelscope.capture.CaptureReader reader = io.tunnelscope.capture.CaptureReaders.open(file)) {
            io.tunnelscope.capture.PacketRecord record = new io.tunnelscope.capture.PacketRecord();
            while (reader.next(record)) {
                n++;
            }
        }
        return n;
    }

    @ParameterizedTest
    @ValueSource(ints = {96, 128})
    void capturesCutShortMatchAsTheWholePacketsDo(int snaplen) throws Exception {
        for (Path scenario : SampleCaptures.scenarios()) {
            String scenarioName = scenario.getFileName().toString();
            if (scenarioName.equals("short-snaplen")) {
                continue; // its underlay captures are already cut to 64 bytes, below any identity
            }
            if (scenarioName.startsWith("bad-checksum") && snaplen < 128) {
                // The switch flips a bit 58 bytes into the inner payload, which 96 bytes of a
                // VXLAN packet do not hold: as far as such captures show, the damaged packet is
                // the packet itself (one journey where the whole packets show two).
                continue;
            }
            if ((scenarioName.equals("vxlan-v6") || scenarioName.equals("dual-stack")) && snaplen < 132) {
                // VXLAN over IPv6 carrying IPv6: outer Ethernet, IPv6, UDP, VXLAN and inner
                // Ethernet take 84 bytes, the inner IPv6 header ends at 124 (130 behind the any
                // capture's 20-byte cooked header), and IPv6 has no identification: below 132
                // bytes (the TCP sequence) the underlay sightings hold nothing that names the
                // packet, as short-snaplen's at 64 for IPv4.
                continue;
            }
            CorrelationReport whole = correlate(SampleCaptures.capturesOf(scenario));
            List<Path> cut = derive(scenario, file -> List.of("-s", Integer.toString(snaplen)));
            CorrelationReport report = correlate(cut);
            String name = scenario.getFileName() + " cut to " + snaplen;
            assertEquals(paths(whole), paths(report), name + " paths");
            assertEquals(nat(whole), nat(report), name + " NAT");
        }
    }

    /**
     * With every capture of a scenario — the {@code any} capture of one host and the
     * multi-interface pcapng of another beside the per-device files — every path lists each device
     * once, and the interfaces of the {@code any} capture are named devices.
     */
    @ParameterizedTest
    @MethodSource("io.tunnelscope.samples.SampleCaptures#scenarios")
    void everyDeviceIsOneHopHoweverManyCapturesSawIt(Path scenario) throws Exception {
        CorrelationReport report = correlate(SampleCaptures.capturesOf(scenario));
        for (CorrelationReport.Path path : report.paths()) {
            Set<String> devices = new TreeSet<>();
            for (CorrelationReport.PathHop hop : path.hops()) {
                assertTrue(devices.add(hop.host() + " " + hop.device()), scenario.getFileName() + ": "
                        + hop.host() + " " + hop.device() + " twice in " + path.hops());
            }
        }
        Map<String, String> captured = new HashMap<>();
        for (JsonNode capture : SampleCaptures.scenario(scenario).get("captures")) {
            captured.put(capture.get("host").asText() + " " + capture.get("device").asText(), capture.get("role").asText());
        }
        for (CorrelationReport.Point point : report.points()) {
            assertFalse(point.device().startsWith("ifindex"), scenario.getFileName() + ": " + point);
            if (point.name().contains("-any:")) {
                // An interface of the any capture is a device some capture of its host saw, or
                // (not captured on its own: the pod's host-side veth) named after its role.
                boolean named = captured.containsKey(point.host() + " " + point.device())
                        || point.device().startsWith(point.role().replace("underlay", "nic") + "@if");
                assertTrue(named, scenario.getFileName() + ": " + point);
            }
        }
    }

    /**
     * Every packet between pods of two hosts crossed the devices in the order the path goes: the
     * sender's pod side, bridge, overlay device and NIC, then the receiver's NIC, overlay device,
     * bridge and pod side — with all captures in, and with one host's clock two seconds off.
     */
    @ParameterizedTest
    @ValueSource(strings = {"k8s-vxlan", "vxlan-3host", "calico-vxlan", "ipip"})
    void podToPodJourneysAreInCausalOrder(String name) throws Exception {
        Path scenario = SampleCaptures.root().resolve(name);
        Map<String, String> podHost = new HashMap<>();
        for (JsonNode host : SampleCaptures.scenario(scenario).get("hosts")) {
            podHost.put(host.get("pod").get("address").asText().replaceAll("/.*", ""), host.get("name").asText());
        }
        List<String> hosts = new ArrayList<>(new TreeSet<>(hostsOf(scenario).values()));
        for (List<Path> files : List.of(SampleCaptures.capturesOf(scenario),
                derive(scenario, file -> hosts.get(1).equals(hostsOf(scenario).get(file)) ? List.of("-t", "-2.0") : null))) {
            Correlator.Options options = new Correlator.Options();
            options.keepJourneys = true;
            CorrelationReport report = Correlator.correlate(files, options);
            Map<String, String> roles = new HashMap<>();
            report.hosts().forEach(h -> h.devices().forEach(d -> roles.put(h.name() + " " + d.name(), d.role())));
            int checked = 0;
            for (CorrelationReport.Journey journey : report.journeys()) {
                CorrelationReport.Hop first = journey.hops().get(0);
                String from = podHost.get(bare(first.src()));
                String to = podHost.get(bare(journey.hops().get(journey.hops().size() - 1).dst()));
                if (from == null || to == null || from.equals(to)) {
                    continue;
                }
                List<Integer> keys = new ArrayList<>();
                for (CorrelationReport.Hop hop : journey.hops()) {
                    int rank = rank(roles.get(hop.host() + " " + hop.device()));
                    assertTrue(rank >= 0, name + ": unknown role of " + hop);
                    keys.add(hop.host().equals(from) ? rank : hop.host().equals(to) ? 20 - rank : -100);
                }
                for (int i = 1; i < keys.size(); i++) {
                    assertTrue(keys.get(i) >= keys.get(i - 1), name + ": out of order " + journey.hops());
                }
                checked++;
            }
            assertTrue(checked >= 50, name + ": only " + checked + " pod-to-pod journeys");
        }
    }

    /**
     * Captures renamed so nothing in their names tells the host or the device (capture-1.pcap
     * ...): the packets put them back together — the devices of a host with an {@code any} capture
     * by the instants that capture saw them at, a pod capture with the NIC whose VTEP sends its
     * subnet — and never put two machines' captures on one host. (A capture of the VXLAN device
     * alone, with neither name nor any capture beside it, stays a host of its own.)
     */
    @ParameterizedTest
    @MethodSource("io.tunnelscope.samples.SampleCaptures#scenarios")
    void renamedCapturesFindTheirHostsAgain(Path scenario) throws Exception {
        Map<String, String> truth = hostsOf(scenario);
        Path dir = Files.createTempDirectory(temp, scenario.getFileName().toString());
        Map<String, String> renamed = new HashMap<>();
        List<Path> files = new ArrayList<>();
        int n = 0;
        for (Path file : SampleCaptures.capturesOf(scenario)) {
            String name = file.getFileName().toString();
            String copy = "capture-" + (++n) + name.substring(name.lastIndexOf('.'));
            Files.copy(file, dir.resolve(copy));
            files.add(dir.resolve(copy));
            renamed.put(copy.substring(0, copy.lastIndexOf('.')), truth.get(name));
        }
        CorrelationReport report = correlate(files);
        Map<String, Set<String>> found = new TreeMap<>();
        for (CorrelationReport.CaptureHost host : report.hosts()) {
            Set<String> real = new TreeSet<>();
            host.points().forEach(point -> real.add(renamed.get(point.replaceAll(":.*", ""))));
            assertEquals(1, real.size(), scenario.getFileName() + ": host " + host.name() + " holds captures of " + real);
            found.computeIfAbsent(real.iterator().next(), k -> new TreeSet<>()).add(host.name());
        }
        assertEquals(new TreeSet<>(truth.values()), found.keySet(), scenario.getFileName() + " hosts");
        if (scenario.getFileName().toString().equals("short-snaplen")) {
            return; // its NIC captures are cut before the inner packet: nothing ties them to their host
        }
        // The host with the any capture: all its captures are one host again.
        String first = truth.get(SampleCaptures.capturesOf(scenario).stream().map(p -> p.getFileName().toString())
                .filter(f -> f.contains("-any.")).findFirst().orElseThrow());
        assertEquals(1, found.get(first).size(), scenario.getFileName() + ": " + first + " found as " + found.get(first));
        CorrelationReport named = correlate(SampleCaptures.capturesOf(scenario));
        assertEquals(named.paths().stream().mapToLong(CorrelationReport.Path::packets).sum(),
                report.paths().stream().mapToLong(CorrelationReport.Path::packets).sum(),
                scenario.getFileName() + " packets followed");
    }

    /** Outbound position of a role (pod 0 ... NIC 4), -1 when unknown. */
    private static int rank(String role) {
        return role == null ? -1 : List.of("pod", "veth", "bridge", "overlay", "underlay")
                .indexOf(role.startsWith("overlay") ? "overlay" : role);
    }

    private static String bare(String address) {
        int colon = address.indexOf(':');
        return colon >= 0 && address.indexOf(':', colon + 1) < 0 ? address.substring(0, colon) : address;
    }

    /** The host of each capture file of a scenario, as the lab recorded it. */
    private static Map<String, String> hostsOf(Path scenario) throws IOException {
        Map<String, String> hosts = new HashMap<>();
        for (JsonNode capture : SampleCaptures.scenario(scenario).get("captures")) {
            hosts.put(capture.get("file").asText(), capture.get("host").asText());
        }
        return hosts;
    }

    /** Which editcap options to apply to a file of the scenario (null: copy it as it is). */
    private interface Edit {
        List<String> of(String file) throws IOException;
    }

    /** Copies of a scenario's captures (same names, in a directory of their own) edited with editcap. */
    private List<Path> derive(Path scenario, Edit edit) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(temp, scenario.getFileName().toString());
        List<Path> out = new ArrayList<>();
        for (Path file : SampleCaptures.capturesOf(scenario)) {
            Path copy = dir.resolve(file.getFileName());
            List<String> options = edit.of(file.getFileName().toString());
            if (options == null) {
                Files.copy(file, copy);
            } else {
                editcap(options, file, copy);
            }
            out.add(copy);
        }
        return out;
    }

    private static void editcap(List<String> options, Path in, Path out) throws IOException, InterruptedException {
        // Options before the files; packet ranges (after a "--" in the list) after them.
        List<String> command = new ArrayList<>(List.of("editcap"));
        int ranges = options.indexOf("--");
        command.addAll(ranges < 0 ? options : options.subList(0, ranges));
        command.add(in.toString());
        command.add(out.toString());
        if (ranges >= 0) {
            command.addAll(options.subList(ranges + 1, options.size()));
        }
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "editcap (Debian wireshark-common) is not installed");
            return;
        }
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "editcap hung");
        assertEquals(0, process.exitValue(), "editcap " + command + ": " + output);
    }

    private static CorrelationReport correlate(List<Path> files) throws IOException {
        return Correlator.correlate(files, new Correlator.Options());
    }

    private static long offset(CorrelationReport report, String host) {
        return report.hosts().stream().filter(h -> h.name().equals(host)).findFirst().orElseThrow()
                .clockOffsetNanos();
    }

    /** Paths as their devices in order, with their packets. */
    private static Map<String, Long> paths(CorrelationReport report) {
        Map<String, Long> out = new TreeMap<>();
        for (CorrelationReport.Path path : report.paths()) {
            StringBuilder key = new StringBuilder();
            path.hops().forEach(h -> key.append(h.host()).append(' ').append(h.device()).append(" > "));
            out.merge(key.toString(), path.packets(), Long::sum);
        }
        return out;
    }

    private static Set<String> nat(CorrelationReport report) {
        Set<String> out = new TreeSet<>();
        for (CorrelationReport.Nat nat : report.nat()) {
            out.add(nat.kind() + " " + nat.original() + " -> " + nat.translated() + " " + nat.from() + " > "
                    + nat.to() + ": " + nat.packets() + "/" + nat.replyPackets());
        }
        return out;
    }

    /** Packets missing between two devices, whether the network or a capture lost them. */
    private static Map<String, Long> losses(CorrelationReport report) {
        Map<String, Long> out = new TreeMap<>();
        for (CorrelationReport.Loss loss : report.losses()) {
            out.merge(loss.lastSeen() + " -> " + loss.firstMissing(), loss.missing(), Long::sum);
        }
        return out;
    }
}
