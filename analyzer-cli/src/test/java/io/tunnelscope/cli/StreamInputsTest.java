package io.tunnelscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Captures from standard input, pipes and FIFOs ({@code ssh node tcpdump -U -w - | tunnelscope
 * ...}) give what the file gives; directory entries that cannot be read are named; unsigned
 * fields show as such on the command line. The stream cases run the command in a child JVM fed
 * by bash, as a user's pipeline does.
 */
class StreamInputsTest {
    private static final Path SAMPLE = Path.of(ReportCommandTest.scenario("mtu-trouble"));
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    /** Runs {@code script} in bash with {@code $TS} the command line tool (a child JVM). */
    private Result shell(String script, String... args) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of("/bin/bash", "-c",
                "set -o pipefail; TS=\"$0 -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp $1 " + Main.class.getName() + "\"; "
                        + "shift; " + script, java, classpath));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "pipeline did not end: " + script);
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static boolean has(String tool) {
        return Files.isExecutable(Path.of("/usr/bin", tool)) || Files.isExecutable(Path.of("/usr/sbin", tool));
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    @Test
    void tcpdumpIntoDecodeGivesWhatTheFileGives() throws Exception {
        Assumptions.assumeTrue(has("tcpdump"), "tcpdump is not installed");
        Path file = SAMPLE.resolve("host1-ens33.pcap");
        Result fromFile = shell("$TS decode \"$@\"", file.toString());
        assertEquals(0, fromFile.code, fromFile.err);
        assertTrue(fromFile.out.lines().count() > 50);
        Result piped = shell("tcpdump -r \"$1\" -U -w - 2>/dev/null | $TS decode -", file.toString());
        assertEquals(0, piped.code, piped.err);
        assertEquals(fromFile.out, piped.out);
        Result devStdin = shell("cat \"$1\" | $TS decode /dev/stdin", file.toString());
        assertEquals(fromFile.out, devStdin.out, devStdin.err);
        Result substituted = shell("$TS decode <(gzip -c < \"$1\")", file.toString());
        assertEquals(fromFile.out, substituted.out, substituted.err);
        Path pcapng = SAMPLE.resolve("host2-multi.pcapng");
        Result ngFile = shell("$TS decode \"$@\"", pcapng.toString());
        Result ngPiped = shell("cat \"$1\" | $TS decode -", pcapng.toString());
        assertEquals(0, ngPiped.code, ngPiped.err);
        assertEquals(ngFile.out, ngPiped.out, "a pcapng on standard input");
        Result json = shell("tcpdump -r \"$1\" -w - 2>/dev/null | $TS decode --json -", file.toString());
        JsonNode first = JSON.readTree(json.out.lines().findFirst().orElseThrow());
        assertEquals("-", first.get("file").asText());
    }

    @Test
    void reportOfAStreamIsTheReportOfTheFile() throws Exception {
        Assumptions.assumeTrue(has("tcpdump"), "tcpdump is not installed");
        // Named stdin.pcap, its point is called what standard input's point is called.
        Path file = Files.copy(SAMPLE.resolve("host1-ens33.pcap"), dir.resolve("stdin.pcap"));
        Result fromFile = shell("$TS report --fail-on warning --json - \"$@\"", file.toString());
        Result piped = shell("tcpdump -r \"$1\" -U -w - 2>/dev/null | $TS report --fail-on warning --json - -",
                file.toString());
        assertEquals(1, fromFile.code, fromFile.err);
        assertEquals(fromFile.code, piped.code, piped.err);
        JsonNode expected = withoutFiles(JSON.readTree(fromFile.out));
        JsonNode actual = withoutFiles(JSON.readTree(piped.out));
        assertTrue(expected.get("findings").size() > 0);
        assertEquals(expected, actual);
        assertEquals("-", JSON.readTree(piped.out).get("captures").get(0).get("file").asText());
    }

    /** The report with every "file" key removed: a stream is named "-", a file by its path. */
    private static JsonNode withoutFiles(JsonNode node) {
        if (node.isObject()) {
            ((ObjectNode) node).remove("file");
        }
        for (Iterator<JsonNode> children = node.elements(); children.hasNext(); ) {
            withoutFiles(children.next());
        }
        return node;
    }

    @Test
    void correlateReadsAFifoAndStandardInputAsOnePointEach() throws Exception {
        Assumptions.assumeTrue(has("mkfifo"), "mkfifo is not installed");
        Path fifo = dir.resolve("host1-pod.pcap");
        Result made = shell("mkfifo \"$1\"", fifo.toString());
        assertEquals(0, made.code, made.err);
        Result result = shell("cat \"$2\" > \"$1\" & cat \"$3\" | $TS correlate --json \"$1\" -", fifo.toString(),
                SAMPLE.resolve("host1-pod.pcap").toString(), SAMPLE.resolve("host1-docker0.pcap").toString());
        assertEquals(0, result.code, result.err);
        JsonNode report = JSON.readTree(result.out);
        List<String> points = new ArrayList<>();
        report.get("points").forEach(p -> points.add(p.get("name").asText() + " " + p.get("file").asText()));
        assertEquals(List.of("host1-pod " + fifo, "stdin -"), points.stream().sorted().toList());
        Result files = shell("$TS correlate --json \"$1\" \"$2\"", SAMPLE.resolve("host1-pod.pcap").toString(),
                SAMPLE.resolve("host1-docker0.pcap").toString());
        JsonNode expected = JSON.readTree(files.out);
        assertEquals(expected.get("paths").size(), report.get("paths").size());
        assertEquals(expected.get("paths").get(0).get("packets"), report.get("paths").get(0).get("packets"));
    }

    @Test
    void aBrokenStreamNamesItselfAndKeepsWhatCameBefore() throws Exception {
        Result cut = shell("head -c 3000 \"$1\" | $TS decode -", SAMPLE.resolve("host1-ens33.pcap").toString());
        assertEquals(2, cut.code);
        assertTrue(cut.err.startsWith("-: offset "), cut.err);
        assertTrue(cut.out.lines().count() > 5, cut.out);
        Result text = shell("echo 'not a capture' | $TS report -");
        assertEquals(2, text.code);
        assertTrue(text.err.contains("-: offset 0: not a capture file"), text.err);
        Result empty = shell("$TS decode - < /dev/null");
        assertEquals(2, empty.code);
        assertTrue(empty.err.contains("-: offset 0: empty stream"), empty.err);
    }

    @Test
    void directoryEntriesThatCannotBeReadAreNamed() throws Exception {
        Path captures = Files.createDirectories(dir.resolve("captures"));
        Files.copy(SAMPLE.resolve("host1-pod.pcap"), captures.resolve("a.pcap"));
        Files.createSymbolicLink(captures.resolve("dangling.pcap"), dir.resolve("nowhere.pcap"));
        Files.createDirectories(captures.resolve("sub.pcap"));
        Files.writeString(captures.resolve("notes.txt"), "not a capture name: not read, not named");
        boolean fifo = has("mkfifo") && shell("mkfifo \"$1\"", captures.resolve("pipe.pcapng").toString()).code == 0;
        assertEquals(2, run("decode", captures.toString()));
        String problems = err.toString(StandardCharsets.UTF_8);
        assertTrue(problems.contains("dangling.pcap: dangling symbolic link (to " + dir.resolve("nowhere.pcap") + "), skipped"),
                problems);
        assertTrue(problems.contains("sub.pcap: a directory, skipped"), problems);
        assertFalse(problems.contains("notes.txt"), problems);
        if (fifo) {
            assertTrue(problems.contains("pipe.pcapng: a FIFO (named pipe), skipped: name it on its own"), problems);
        }
        assertTrue(out.toString(StandardCharsets.UTF_8).lines().count() > 10, "a.pcap is still decoded");
        assertEquals(2, run("report", "--fail-on", "never", captures.toString()));
    }

    @Test
    void unsignedWireLengthAndTimestampShowAsTheFileHasThem() throws Exception {
        // An IPv4 header cut by the snaplen on a packet whose wire length field is 0xffffffff, and
        // a packet whose timestamp fields are all ones.
        byte[] frame = TestPcaps.ethernetUdp(1, 2, new byte[40]);
        ByteBuffer b = ByteBuffer.allocate(24 + 16 + 30 + 16 + frame.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(30).putInt(1);
        b.putInt(1_700_000_000).putInt(0).putInt(30).putInt(-1).put(frame, 0, 30);
        b.putInt(-1).putInt(-1).putInt(frame.length).putInt(frame.length).put(frame);
        Path file = Files.write(dir.resolve("unsigned.pcap"), b.array());
        assertEquals(0, run("decode", "--json", file.toString()));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        JsonNode huge = JSON.readTree(lines.get(0));
        assertEquals(4_294_967_295L, huge.get("wireLen").asLong());
        assertTrue(huge.get("notes").toString().contains("wire length 4294967295 implausible"), huge.toString());
        JsonNode late = JSON.readTree(lines.get(1));
        assertEquals(4_294_967_295L * 1_000_000_000L + 4_294_967_295L * 1000L, late.get("tsNanos").asLong());
        assertTrue(late.get("notes").toString().contains("timestamp fraction"), late.toString());
        Path json = dir.resolve("unsigned.json");
        run("report", "--fail-on", "never", "--json", json.toString(), file.toString());
        assertTrue(Files.readString(json).contains("TRUNCATED_CAPTURE"), Files.readString(json));
    }

    @Test
    void liveWithAnEmptyInterfaceNameIsAUsageError() throws IOException {
        assertEquals(2, run("live", "-i", "", "--count", "1"));
        String said = err.toString(StandardCharsets.UTF_8);
        assertEquals("tunnelscope live: an interface name is empty (tunnelscope live --list shows them)\n", said);
        assertEquals(2, run("live", "-i", "eth0", "--buffer-size", "1k"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--buffer-size must be between 64 KiB and 2 GiB"));
    }
}
