package io.tunnelscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunnelscope.testing.Corpus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code report} on every capture of the shared corpus and on the regression captures, one by one
 * and all together: exit 0, 1 or 2 as documented (2 only with an error said), one JSON document,
 * never a stack trace; and {@code decode --json} ends every line, the last one too.
 */
class ReportOnAnyCaptureTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(List<String> args) {
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args.toArray(String[]::new));
    }

    /**
     * The regression captures, from the source tree (the test jar of analyzer-core, which
     * {@code mvn verify} puts on the class path, holds them only as jar entries).
     */
    private static Path fixture(String name) {
        return Path.of(System.getProperty("tunnelscope.root", ".."), "analyzer-core", "src", "test", "resources",
                "captures", name);
    }

    static Stream<Path> captures() throws IOException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(Corpus.root().resolve("tcpdump"))) {
            files.filter(p -> p.toString().matches(".*\\.pcap(ng)?$")).forEach(all::add);
        }
        try (Stream<Path> files = Files.list(fixture(""))) {
            files.filter(p -> p.toString().matches(".*\\.pcap(ng)?$")).forEach(all::add);
        }
        return all.stream().sorted();
    }

    /** Runs {@code report --json -} on the files and checks what any run must hold; the JSON. */
    private JsonNode report(List<Path> files) throws IOException {
        List<String> args = new ArrayList<>(List.of("report", "--no-progress", "--json", "-"));
        files.forEach(f -> args.add(f.toString()));
        int code = run(args);
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertTrue(Set.of(0, 1, 2).contains(code), files + ": exit " + code);
        assertFalse(stderr.contains("Exception") || stderr.contains("\tat "), files + ": " + stderr);
        JsonNode json = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        boolean errors = json.get("errors").size() > 0;
        assertEquals(errors, code == 2, files + ": exit 2 exactly when the report says an input or the analysis "
                + "was incomplete: " + json.get("errors"));
        boolean error = false;
        for (JsonNode finding : json.get("findings")) {
            error |= finding.get("severity").asText().equals("error");
        }
        if (!errors) {
            assertEquals(error ? 1 : 0, code, files + ": exit 1 exactly for a finding at error level");
        }
        return json;
    }

    @ParameterizedTest
    @MethodSource("captures")
    void eachCaptureAlone(Path capture) throws IOException {
        JsonNode json = report(List.of(capture));
        assertEquals(0, json.get("errors").size(), capture + ": " + json.get("errors"));
    }

    @Test
    void allCapturesTogether() throws IOException {
        JsonNode json = report(captures().toList());
        assertEquals(0, json.get("errors").size(), json.get("errors").toString());
        assertTrue(json.get("findings").size() > 0);
    }

    @Test
    void aTcpHeaderCutByTheSnaplenIsReportedNotACrash() throws IOException {
        JsonNode json = report(List.of(fixture("tcp-header-12-bytes.pcap"), fixture("tcp-header-cut.pcapng"),
                fixture("tcpdump-tcp_header_heapoverflow.pcap")));
        List<String> kinds = new ArrayList<>();
        json.get("findings").forEach(f -> kinds.add(f.get("kind").asText()));
        assertTrue(kinds.contains("TRUNCATED_CAPTURE"), json.toString());
        assertFalse(kinds.contains("MSS_MISMATCH"), json.toString());
    }

    @Test
    void decodeJsonEndsEveryLineSoThatTwoRunsConcatenateIntoJsonLines() throws IOException {
        for (int i = 0; i < 2; i++) {
            assertEquals(0, run(List.of("decode", "--json", fixture("checksum-final-destination.pcap").toString())));
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.endsWith("}\n"), text);
        String[] lines = text.split("\n");
        assertEquals(18, lines.length);
        ObjectMapper mapper = new ObjectMapper();
        for (String line : lines) {
            assertEquals("checksum-final-destination.pcap", mapper.readTree(line).get("file").asText());
        }
    }

    @Test
    void decodeJsonInnerIsNullWhenTheInnermostTunnelCarriesNoIp() throws IOException {
        assertEquals(0, run(List.of("decode", "--json", fixture("ipip-gre-ppp.pcap").toString())));
        JsonNode packet = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertEquals("[\"ipip\",\"gre\"]", packet.get("encap").toString());
        assertEquals("192.0.2.10", packet.get("outer").get("src").asText());
        assertTrue(packet.get("inner").isNull(), packet.toString());
    }
}
