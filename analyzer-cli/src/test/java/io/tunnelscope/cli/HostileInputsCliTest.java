package io.tunnelscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line against hostile input: hundreds of files of which some are broken (each
 * failure one line, the run goes on, exit 2) for {@code decode} and {@code correlate}; payload
 * privacy; interface names from the capture are only ever printed.
 */
class HostileInputsCliTest {
    private static final Pattern ERROR_LINE = Pattern.compile("^(.+): offset (\\d+): (\\S.*)$");
    private static final String MARKER = "SECRET-MARKER-4242";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    private int run(String... args) {
        out.reset();
        err.reset();
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private List<String> stderrLines() {
        String e = err.toString(StandardCharsets.UTF_8);
        return e.isEmpty() ? List.of() : Arrays.asList(e.split("\n"));
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(data);
        }
        return bytes.toByteArray();
    }

    private static byte[] packet(int i, int k) {
        return TestPcaps.ethernetUdp(10_000 + i, 20_000 + k, ("file " + i + " packet " + k).getBytes());
    }

    /**
     * 300 small captures; every seventh broken in one of six ways. Returns the file name and the
     * packets decodable before the break (or in all), in name order; {@code broken} gets the
     * broken ones.
     */
    private Map<Path, Integer> manyFiles(List<Path> broken) throws IOException {
        Map<Path, Integer> files = new LinkedHashMap<>();
        for (int i = 0; i < 300; i++) {
            byte[][] packets = {packet(i, 1), packet(i, 2), packet(i, 3)};
            byte[] pcap = TestPcaps.pcap(1, packets);
            String name = String.format(Locale.ROOT, "cap-%03d", i);
            Path file;
            int readable;
            if (i % 7 != 3) {
                boolean ng = i % 2 == 0;
                file = dir.resolve(name + (ng ? ".pcapng" : ".pcap"));
                Files.write(file, ng ? TestPcaps.pcapng(1, "eth" + i, packets) : pcap);
                readable = 3;
            } else {
                switch (i / 7 % 6) {
                    case 0 -> { // last record cut short
                        file = dir.resolve(name + ".pcap");
                        Files.write(file, Arrays.copyOf(pcap, pcap.length - 5));
                        readable = 2;
                    }
                    case 1 -> { // not a capture
                        file = dir.resolve(name + ".pcap");
                        Files.writeString(file, "GET / HTTP/1.1\r\nHost: example\r\n\r\n");
                        readable = 0;
                    }
                    case 2 -> { // empty
                        file = dir.resolve(name + ".cap");
                        Files.write(file, new byte[0]);
                        readable = 0;
                    }
                    case 3 -> { // file header cut short
                        file = dir.resolve(name + ".pcap");
                        Files.write(file, Arrays.copyOf(pcap, 10));
                        readable = 0;
                    }
                    case 4 -> { // pcapng whose last block lies about its length
                        byte[] ng = TestPcaps.pcapng(1, "eth" + i, packets);
                        int last = ng.length - (12 + 20 + ((packets[2].length + 3) & ~3));
                        ng[last + 4] = (byte) 0xF0;
                        file = dir.resolve(name + ".pcapng");
                        Files.write(file, ng);
                        readable = 2;
                    }
                    default -> { // gzip stream cut short: the last record is lost
                        byte[] gz = gzip(pcap);
                        file = dir.resolve(name + ".pcap.gz");
                        Files.write(file, Arrays.copyOf(gz, gz.length - 12));
                        readable = -1; // depends on where deflate blocks end
                    }
                }
                broken.add(file);
            }
            files.put(file, readable);
        }
        return files;
    }

    /** Checks stderr: exactly one well-formed line per broken file, in order. */
    private void assertOneLinePerBrokenFile(List<Path> broken) {
        List<String> lines = stderrLines();
        List<String> named = new ArrayList<>();
        for (String line : lines) {
            var m = ERROR_LINE.matcher(line);
            assertTrue(m.matches(), "not 'file: offset N: what': " + line);
            named.add(m.group(1));
        }
        assertEquals(broken.stream().map(Path::toString).toList(), named);
    }

    @Test
    void decodeGoesOnPastHundredsOfFilesSomeBroken() throws IOException {
        List<Path> broken = new ArrayList<>();
        Map<Path, Integer> files = manyFiles(broken);
        for (List<String> args : List.of(List.of("decode", "--json", dir.toString()),
                Stream.concat(Stream.of("decode", "--json"), files.keySet().stream().map(Path::toString)).toList())) {
            assertEquals(2, run(args.toArray(new String[0])));
            assertOneLinePerBrokenFile(broken);
            Map<String, Integer> perFile = new LinkedHashMap<>();
            ObjectMapper mapper = new ObjectMapper();
            for (String line : stdout().split("\n")) {
                JsonNode packet = mapper.readTree(line);
                perFile.merge(packet.get("file").asText(), 1, Integer::sum);
                assertEquals("10.0.0.1", packet.get("outer").get("src").asText());
            }
            files.forEach((file, readable) -> {
                int got = perFile.getOrDefault(file.getFileName().toString(), 0);
                if (readable >= 0) {
                    assertEquals(readable, got, file.toString());
                } else {
                    assertTrue(got < 3, file + ": " + got);
                }
            });
        }
        // The text output too: every packet before a break is printed, then the error line.
        assertEquals(2, run("decode", dir.toString()));
        assertOneLinePerBrokenFile(broken);
        assertEquals(files.size(), stdout().lines().filter(l -> l.startsWith("==> ")).count());
    }

    @Test
    void correlateGoesOnPastHundredsOfFilesSomeBroken() throws IOException {
        List<Path> broken = new ArrayList<>();
        Map<Path, Integer> files = manyFiles(broken);
        assertEquals(2, run("correlate", dir.toString()));
        List<String> errors = stderrLines();
        assertEquals(broken.size(), errors.size(), String.join("\n", errors));
        for (Path file : broken) {
            assertEquals(1, errors.stream().filter(l -> l.startsWith(file + ": offset ")
                    && ERROR_LINE.matcher(l).matches()).count(), file + " in\n" + String.join("\n", errors));
        }
        assertTrue(stdout().startsWith("Hosts"), stdout());

        assertEquals(2, run("correlate", "--json", dir.toString()));
        JsonNode report = new ObjectMapper().readTree(stdout());
        assertEquals(broken.size(), report.get("errors").size());
        assertEquals(broken.size(), stderrLines().size());
        // Every readable file is a capture point (pcapng: its one interface).
        int points = report.get("points").size();
        assertTrue(points >= files.values().stream().filter(n -> n > 0).count(), "points: " + points);
    }

    // ------------------------------------------------------------------ payload privacy

    private byte[] markerCapture() {
        byte[] marker = MARKER.getBytes(StandardCharsets.US_ASCII);
        byte[] inner = TestPcaps.concat(TestPcaps.ethernet(0x0800),
                TestPcaps.ipv4(17, "192.168.1.2", "192.168.1.3", TestPcaps.udp(3333, 4444, marker)));
        return TestPcaps.pcap(1,
                TestPcaps.ethernetUdp(40000, 5555, marker),
                TestPcaps.concat(TestPcaps.ethernet(0x0800), TestPcaps.ipv4(6, "10.0.0.1", "10.0.0.2",
                        TestPcaps.tcp(40001, 80, marker))),
                TestPcaps.ethernetUdp(40002, 8472, TestPcaps.vxlan(42, inner)),
                TestPcaps.concat(TestPcaps.ethernet(0x86DD), TestPcaps.ipv6(17, TestPcaps.udp(40003, 53, marker))),
                TestPcaps.concat(TestPcaps.ethernet(0x0800), TestPcaps.ipv4(1, "10.0.0.1", "10.0.0.2",
                        TestPcaps.concat(new byte[] {8, 0, 0, 0, 0, 1, 0, 1}, marker))));
    }

    /** The marker in the forms a report could leak it: text, hex either case, Base64. */
    private static List<String> leaks() {
        byte[] m = MARKER.getBytes(StandardCharsets.US_ASCII);
        String hex = HexFormat.of().formatHex(m);
        return List.of(MARKER, hex, hex.toUpperCase(Locale.ROOT),
                java.util.Base64.getEncoder().encodeToString(m).substring(0, 20),
                MARKER.substring(0, 8));
    }

    @Test
    void noPayloadByteInAnyReportUnlessAsked() throws IOException {
        Path file = Files.write(dir.resolve("marker.pcap"), markerCapture());
        List<String[]> commands = List.of(
                new String[] {"decode", "--json", file.toString()},
                new String[] {"decode", file.toString()},
                new String[] {"decode", "--nano", "--utc", file.toString()},
                new String[] {"correlate", file.toString()},
                new String[] {"correlate", "--json", "--journeys", file.toString()});
        for (String[] command : commands) {
            assertEquals(0, run(command), String.join(" ", command) + ": " + err);
            String all = stdout() + err.toString(StandardCharsets.UTF_8);
            assertFalse(all.isBlank());
            for (String leak : leaks()) {
                assertFalse(all.contains(leak), String.join(" ", command) + " printed " + leak + ":\n" + all);
            }
        }
        assertEquals(0, run("decode", "--json", file.toString()));
        assertEquals(5, stdout().lines().count());
    }

    @Test
    void includePayloadAddsTheInnermostPayloadAsBoundedHex() throws IOException {
        Path file = Files.write(dir.resolve("marker.pcap"), markerCapture());
        assertEquals(0, run("decode", "--json", "--include-payload", file.toString()));
        String hex = HexFormat.of().formatHex(MARKER.getBytes(StandardCharsets.US_ASCII));
        ObjectMapper mapper = new ObjectMapper();
        List<String> lines = stdout().lines().toList();
        assertEquals(5, lines.size());
        for (String line : lines) {
            String payload = mapper.readTree(line).get("payload").asText();
            assertTrue(payload.contains(hex), line);
        }
        // UDP, TCP and inner (VXLAN) UDP payloads are exactly the marker.
        assertEquals(hex, mapper.readTree(lines.get(0)).get("payload").asText());
        assertEquals(hex, mapper.readTree(lines.get(1)).get("payload").asText());
        assertEquals(hex, mapper.readTree(lines.get(2)).get("payload").asText());

        byte[] big = new byte[2000];
        Arrays.fill(big, (byte) 0x5A);
        Path large = Files.write(dir.resolve("large.pcap"), TestPcaps.pcap(1, TestPcaps.ethernetUdp(1, 2, big)));
        assertEquals(0, run("decode", "--json", "--include-payload", large.toString()));
        assertEquals("5a".repeat(DecodeJsonWriter.MAX_PAYLOAD),
                mapper.readTree(stdout().trim()).get("payload").asText());

        assertEquals(2, run("decode", "--include-payload", file.toString()));
        assertEquals(List.of("tunnelscope decode: --include-payload needs --json"), stderrLines());
    }

    // ------------------------------------------------------------------ names from the capture

    @Test
    void interfaceNamesAreOnlyPrintedNeverUsed() throws IOException {
        Path canary = dir.resolve("PWNED");
        String hostile = "../../" + dir.getFileName() + "/x\"$(touch " + canary + ")`touch " + canary
                + "`;\n\u001b[31mred\\\u0000tail";
        Path file = Files.write(dir.resolve("names.pcapng"), TestPcaps.pcapng(1, hostile,
                TestPcaps.ethernetUdp(1000, 2000, new byte[4]), TestPcaps.ethernetUdp(1001, 2000, new byte[4])));
        List<Path> before;
        try (Stream<Path> listing = Files.list(dir)) {
            before = listing.sorted().toList();
        }

        assertEquals(0, run("decode", "--json", file.toString()));
        List<String> lines = stdout().lines().toList();
        assertEquals(2, lines.size(), "a name with a newline must not break the JSON Lines");
        for (String line : lines) {
            assertEquals(hostile, new ObjectMapper().readTree(line).get("iface").asText());
            assertFalse(line.contains("\u001b"), "control characters are escaped: " + line);
        }
        assertEquals(0, run("decode", file.toString()));
        assertEquals(0, run("correlate", file.toString()));
        assertEquals(0, run("correlate", "--json", file.toString()));
        new ObjectMapper().readTree(stdout());

        assertFalse(Files.exists(canary));
        try (Stream<Path> listing = Files.list(dir)) {
            assertEquals(before, listing.sorted().toList());
        }
        assertFalse(Files.exists(Path.of("PWNED")));
    }
}
