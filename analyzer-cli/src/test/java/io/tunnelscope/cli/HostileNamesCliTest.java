package io.tunnelscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunnelscope.capture.CaptureInterface;
import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.escape.Escape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No name or comment from a capture or the file system can break a report or a terminal: the
 * mtu-trouble captures under hostile file names (spaces, quotes, markup, {@code ]]>}, ESC, BEL,
 * the 8-bit CSI, CR/LF that forge lines, U+FFFE, invalid UTF-8) and a multi-interface pcapng with
 * hostile interface names, descriptions and comments, against the same captures under plain names.
 * Every output parses (JSON, XML with the JDK parser and xmllint, HTML in headless Chromium with no
 * injected element), no text output holds a raw control character, and {@code report} finds the
 * same and exits as it does for the plain names.
 */
class HostileNamesCliTest {
    /** Everything a file name can hold that a terminal, JSON, XML or HTML could trip over. */
    static final String HOSTILE = "my \"q\" 'a' <script>alert(1)<script> ]]> &amp; \u001b[31mred\u0007\u009b2J"
            + "\u001b]0;title\u0007\r\nx.pcap: offset 0: spoofed line\ufffe\u202e ";
    /** An interface name as the probe had it, and worse. */
    static final String HOSTILE_IF = "docker0-a b<img src=x onerror=alert(1)>\u001b[2J\u0085\r\nz\uffff";
    static final String PLAIN_IF = "docker0-a_b";
    static final String HOSTILE_COMMENT = "comment ]]></system-out><x>\u001b[5m\u0000\ufffe\r\n<script>x()</script>";
    private static final Path SAMPLE = Path.of(ReportCommandTest.scenario("mtu-trouble"));

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;
    private Path hostile;
    private Path plain;

    private int run(String... args) {
        out.reset();
        err.reset();
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    @BeforeEach
    void captures() throws IOException, InterruptedException {
        hostile = Files.createDirectories(dir.resolve("hostile"));
        plain = Files.createDirectories(dir.resolve("plain"));
        try (Stream<Path> files = Files.list(SAMPLE)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (!CaptureInputs.looksLikeCapture(file)) {
                    continue;
                }
                if (name.equals("host2-multi.pcapng")) {
                    Files.write(hostile.resolve(HOSTILE + name), rewrite(file, HOSTILE_IF, "flannel.1 " + HOSTILE,
                            HOSTILE_COMMENT));
                    Files.write(plain.resolve("p_" + name), rewrite(file, PLAIN_IF, "flannel.1_p", "plain comment"));
                } else if (name.equals("host1-ens33.pcap")) {
                    // Invalid UTF-8 (0xFF 0xFE) in the name: only a shell can make such a name.
                    Process cp = new ProcessBuilder("/bin/bash", "-c", "cp \"$0\" \"$1/bad$(printf '\\377\\376') $2\"",
                            file.toString(), hostile.toString(), name).inheritIO().start();
                    assertTrue(cp.waitFor(30, TimeUnit.SECONDS) && cp.exitValue() == 0, "cp with invalid UTF-8");
                    // A prefix of its own on both sides: its name makes it a host of its own.
                    Files.copy(file, plain.resolve("bad_" + name));
                } else {
                    Files.copy(file, hostile.resolve(HOSTILE + name));
                    Files.copy(file, plain.resolve("p_" + name));
                }
            }
        }
    }

    /**
     * {@code source} (a two-interface pcapng) written again with other interface names, a
     * description, and comments on the section, the interfaces and the first packet.
     */
    static byte[] rewrite(Path source, String firstInterface, String secondInterface, String comment)
            throws IOException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        block(file, 0x0A0D0D0A, concat(le(16).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0)
                .putLong(-1).array(), options(1, comment)));
        try (CaptureReader reader = CaptureReaders.open(source)) {
            PacketRecord record = new PacketRecord();
            boolean described = false;
            int packets = 0;
            while (reader.next(record)) {
                if (!described) {
                    List<CaptureInterface> interfaces = reader.interfaces();
                    assertEquals(2, interfaces.size(), "host2-multi has two interfaces");
                    for (int i = 0; i < interfaces.size(); i++) {
                        CaptureInterface iface = interfaces.get(i);
                        block(file, 1, concat(le(8).putShort((short) iface.linkType()).putShort((short) 0)
                                .putInt(iface.snapLength()).array(),
                                options(2, i == 0 ? firstInterface : secondInterface, 3, comment, 1, comment,
                                        9, new byte[] {9})));
                    }
                    described = true;
                }
                byte[] data = record.copyBytes();
                long ticks = record.timestampNanos();
                byte[] head = le(20).putInt(record.interfaceId()).putInt((int) (ticks >>> 32)).putInt((int) ticks)
                        .putInt(data.length).putInt((int) record.originalLength()).array();
                block(file, 6, concat(head, padded(data), packets++ == 0 ? options(1, comment) : new byte[0]));
            }
        }
        return file.toByteArray();
    }

    private static byte[] options(Object... pairs) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (int i = 0; i < pairs.length; i += 2) {
            byte[] value = pairs[i + 1] instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) pairs[i + 1];
            o.writeBytes(le(4).putShort((short) (int) (Integer) pairs[i]).putShort((short) value.length).array());
            o.writeBytes(padded(value));
        }
        o.writeBytes(new byte[4]);
        return o.toByteArray();
    }

    private static void block(ByteArrayOutputStream file, int type, byte[] body) {
        byte[] p = padded(body);
        file.writeBytes(le(8).putInt(type).putInt(12 + p.length).array());
        file.writeBytes(p);
        file.writeBytes(le(4).putInt(12 + p.length).array());
    }

    private static byte[] padded(byte[] data) {
        return java.util.Arrays.copyOf(data, (data.length + 3) & ~3);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Fails on any character a terminal acts on; {@code newlines} allows line ends. */
    static void assertTerminalSafe(String what, String text, boolean newlines) {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (!(newlines && c == '\n') && Escape.isUnsafe(c)) {
                int from = Math.max(0, text.lastIndexOf('\n', i) + 1);
                throw new AssertionError(what + ": raw U+" + Integer.toHexString(c) + " in line: "
                        + Escape.terminal(text.substring(from, Math.min(text.length(), i + 40))));
            }
            i += Character.charCount(c);
        }
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Finding kind to count, and the captures' roles by packet count, from a JSON report. */
    private static Map<String, Long> findingCounts(JsonNode report) {
        Map<String, Long> kinds = new TreeMap<>();
        for (JsonNode f : report.get("findings")) {
            kinds.merge(f.get("kind").asText() + "/" + f.get("severity").asText(), f.get("count").asLong(), Long::sum);
        }
        return kinds;
    }

    private static List<String> roles(JsonNode report) {
        List<String> roles = new ArrayList<>();
        for (JsonNode c : report.get("captures")) {
            roles.add(c.get("role").asText() + " " + c.get("packets").asLong());
        }
        roles.sort(null);
        return roles;
    }

    @Test
    void reportWritesEveryFormatParseableAndFindsWhatItFindsForPlainNames() throws Exception {
        Path json = dir.resolve("r.json");
        Path junit = dir.resolve("r.xml");
        Path html = dir.resolve("r.html");
        int code = run("report", "--json", json.toString(), "--junit", junit.toString(), "--html", html.toString(),
                hostile.toString());
        String text = stdout();
        assertTerminalSafe("report text", text, true);
        assertTerminalSafe("report stderr", stderr(), true);
        Path plainJson = dir.resolve("p.json");
        Path plainHtml = dir.resolve("p.html");
        int plainCode = run("report", "--json", plainJson.toString(), "--html", plainHtml.toString(), plain.toString());
        assertEquals(plainCode, code, "exit status as for plain names\n" + text);
        assertEquals(0, code);
        assertEquals(run("report", "--fail-on", "warning", plain.toString()),
                run("report", "--fail-on", "warning", hostile.toString()));
        assertEquals(1, run("report", "--fail-on", "warning", hostile.toString()));
        assertEquals(0, run("report", "--fail-on", "never", hostile.toString()));

        ObjectMapper mapper = new ObjectMapper();
        String jsonText = Files.readString(json, StandardCharsets.UTF_8);
        assertTerminalSafe("report JSON", jsonText, true);
        JsonNode report = mapper.readTree(jsonText);
        JsonNode plainReport = mapper.readTree(plainJson.toFile());
        assertEquals(findingCounts(plainReport), findingCounts(report));
        assertEquals(roles(plainReport), roles(report));
        assertTrue(findingCounts(report).containsKey("OVERSIZE_FOR_OVERLAY/warning"), findingCounts(report).toString());
        // Names come back exactly from the JSON: escaped on the way out, not altered.
        List<String> names = new ArrayList<>();
        report.get("captures").forEach(c -> names.add(c.get("name").asText()));
        assertTrue(names.contains(HOSTILE + "host1-pod"), names.toString());
        assertTrue(names.contains(HOSTILE + "host2-multi:" + HOSTILE_IF), names.toString());
        assertTrue(names.contains("bad\ufffd\ufffd host1-ens33"), names.toString());

        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
        if (new File("/usr/bin/xmllint").canExecute()) {
            Process lint = new ProcessBuilder("xmllint", "--noout", junit.toString()).redirectErrorStream(true).start();
            String said = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(lint.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, lint.exitValue(), "xmllint: " + said);
        }
        String junitText = Files.readString(junit, StandardCharsets.UTF_8);
        assertFalse(junitText.contains("\ufffe") || junitText.contains("\uffff"), "U+FFFE/U+FFFF are not XML 1.0");

        String page = Files.readString(html, StandardCharsets.UTF_8);
        assertFalse(page.contains("<script>alert") || page.contains("<img src=x"), "markup from names escaped");
        String chromium = ReportCommandTest.findChromium();
        Assumptions.assumeTrue(chromium != null, "chromium is not installed (apt-get install chromium); browser check skipped");
        assertEquals(elements(plainHtml, chromium), elements(html, chromium), "no element injected by a name");
    }

    /** The elements of a page as headless Chromium builds its DOM: tag names with their counts. */
    private Map<String, Integer> elements(Path page, String chromium) throws Exception {
        Path profile = Files.createTempDirectory(dir, "profile");
        List<String> flags = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile);
        String dom = ReportCommandTest.runBrowser(chromium, flags, "--dump-dom", page.toUri().toString());
        assertTrue(dom.contains("<table id=\"findings\">"), "the page rendered");
        Map<String, Integer> tags = new TreeMap<>();
        Matcher m = Pattern.compile("<([a-zA-Z][a-zA-Z0-9-]*)").matcher(dom);
        while (m.find()) {
            tags.merge(m.group(1).toLowerCase(java.util.Locale.ROOT), 1, Integer::sum);
        }
        return tags;
    }

    @Test
    void correlateAndDecodeTextAndJsonHoldNoRawControlCharacter() throws Exception {
        assertEquals(0, run("correlate", hostile.toString()), stderr());
        assertTerminalSafe("correlate text", stdout(), true);
        assertTrue(stdout().contains(Escape.terminal(HOSTILE + "host2-multi:" + HOSTILE_IF)), stdout());
        assertEquals(0, run("correlate", "--json", hostile.toString()));
        assertTerminalSafe("correlate JSON", stdout(), true);
        JsonNode correlation = new ObjectMapper().readTree(stdout());
        assertNotNull(correlation.get("points"));

        assertEquals(0, run("decode", hostile.toString()), stderr());
        assertTerminalSafe("decode text", stdout(), true);
        long headers = stdout().lines().filter(l -> l.startsWith("==> ")).count();
        assertEquals(10, headers, "one header line per file, whatever the name holds");
        assertEquals(0, run("decode", "--json", hostile.toString()));
        String lines = stdout();
        assertTerminalSafe("decode JSON", lines, true);
        Iterator<String> each = lines.lines().iterator();
        int objects = 0;
        while (each.hasNext()) {
            JsonNode packet = new ObjectMapper().readTree(each.next());
            assertNotNull(packet.get("frame"));
            objects++;
        }
        assertEquals(objects, run("decode", "--json", plain.toString()) == 0 ? stdout().lines().count() : -1);
    }

    @Test
    void aFileNameWithANewlineCannotForgeAnErrorLine() throws IOException {
        byte[] pcap = TestPcaps.pcap(1, TestPcaps.ethernetUdp(1, 2, new byte[20]), TestPcaps.ethernetUdp(1, 2, new byte[20]));
        Path cut = Files.write(dir.resolve("x\n.pcap: offset 0: spoofed line\n\u001b[1Ay.pcap"),
                java.util.Arrays.copyOf(pcap, pcap.length - 5));
        assertEquals(2, run("decode", cut.toString()));
        List<String> lines = stderr().lines().toList();
        assertEquals(1, lines.size(), stderr());
        assertTrue(lines.get(0).endsWith("y.pcap: offset 102: record length 62 exceeds the file (57 bytes left)"),
                lines.get(0));
        assertTrue(lines.get(0).contains("x\\x0a.pcap: offset 0: spoofed line\\x0a\\x1b[1A"), lines.get(0));
        assertTerminalSafe("decode stderr", stderr(), true);
        assertEquals(2, run("report", "--fail-on", "never", cut.toString()));
        assertEquals(1, stderr().lines().count(), stderr());
        assertTerminalSafe("report stderr", stderr(), true);
        assertEquals(2, run("decode", dir.resolve("missing\r\n\u009b.pcap").toString()));
        assertEquals(1, stderr().lines().count(), stderr());
        assertTerminalSafe("missing file", stderr(), true);
    }

    @Test
    void aSpaceInAPointNameNoLongerBreaksReport() throws IOException {
        // The probe: a file called "my host1-any.pcap" and an interface "docker0-a b".
        Path probe = Files.createDirectories(dir.resolve("probe"));
        try (Stream<Path> files = Files.list(SAMPLE)) {
            for (Path file : files.filter(CaptureInputs::looksLikeCapture).toList()) {
                String name = file.getFileName().toString();
                if (name.equals("host2-multi.pcapng")) {
                    Files.write(probe.resolve(name), rewrite(file, "docker0-a b", "flannel.1", "c"));
                } else {
                    Files.copy(file, probe.resolve(name.startsWith("host1-any") ? "my " + name : name));
                }
            }
        }
        Path json = dir.resolve("probe.json");
        Path junit = dir.resolve("probe.xml");
        Path html = dir.resolve("probe.html");
        assertEquals(0, run("report", "--fail-on", "never", "--json", json.toString(), "--junit", junit.toString(),
                "--html", html.toString(), probe.toString()), stderr());
        assertTrue(Files.size(json) > 0 && Files.size(junit) > 0 && Files.size(html) > 0);
        assertTrue(Files.readString(json).contains("OVERSIZE_FOR_OVERLAY"));
        assertTrue(Files.readString(json).contains("host2-multi:docker0-a b"));
    }

    @Test
    void escapeReadsBackFromJsonExactly() throws IOException {
        // The JSON writers escape, the parsers restore: names survive a round trip unchanged.
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        Escape.jsonMapper().writeValue(json, Map.of("name", HOSTILE + HOSTILE_IF + HOSTILE_COMMENT));
        JsonNode back = new ObjectMapper().readTree(new ByteArrayInputStream(json.toByteArray()));
        assertEquals(HOSTILE + HOSTILE_IF + HOSTILE_COMMENT, back.get("name").asText());
    }
}
