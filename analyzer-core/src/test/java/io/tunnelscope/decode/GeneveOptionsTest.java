package io.tunnelscope.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.proto.geneve.GeneveHeader;
import io.tunnelscope.testing.Corpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Geneve's option TLVs (Cilium, OVN and cloud load balancers carry them) in the one-line output, as
 * tcpdump {@code -vv} prints them (class holder and number, type with its critical bit, length),
 * checked option by option against tcpdump's own expected output; the data words tcpdump adds at
 * {@code -vv} are left out of the line.
 */
class GeneveOptionsTest {
    private static final Pattern TCPDUMP = Pattern.compile("Geneve, Flags \\[[^\\]]*\\], vni 0x[0-9a-f]+(?:, options \\[([^\\]]*)\\])?");

    @ParameterizedTest(name = "{0} vs {1}")
    @CsvSource({"geneve.pcap, geneve-vv.out", "geneve-gcp.pcap, geneve-gcp.out"})
    void optionsAsTcpdumpPrintsThem(String capture, String expected) throws Exception {
        Path dir = Corpus.root().resolve("tcpdump");
        List<String> tcpdump = new ArrayList<>();
        Matcher m = TCPDUMP.matcher(Files.readString(dir.resolve(expected)));
        while (m.find()) {
            tcpdump.add(m.group(1) == null ? "" : m.group(1).replaceAll(" data( [0-9a-f]{8})+", ""));
        }
        List<String> ours = new ArrayList<>();
        PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
        PacketLineFormatter formatter = new PacketLineFormatter(ZoneOffset.UTC, false);
        PacketRecord record = new PacketRecord();
        Pattern line = Pattern.compile("Geneve vni \\d+(?:, options \\[([^\\]]*)\\])?");
        try (CaptureReader reader = CaptureReaders.open(dir.resolve(capture))) {
            while (reader.next(record)) {
                StringBuilder out = new StringBuilder();
                formatter.format(record.timestampNanos(), decoder.decode(record), out);
                Matcher g = line.matcher(out);
                while (g.find()) {
                    ours.add(g.group(1) == null ? "" : g.group(1));
                }
            }
        }
        assertTrue(tcpdump.stream().anyMatch(s -> !s.isEmpty()), "the capture has options");
        assertEquals(tcpdump, ours);
    }

    @org.junit.jupiter.api.Test
    void optionClassHolders() {
        assertEquals("Standard", GeneveHeader.optionClassName(0x0000));
        assertEquals("Linux", GeneveHeader.optionClassName(0x0100));
        assertEquals("Google", GeneveHeader.optionClassName(0x0132));
        assertEquals("Ericsson", GeneveHeader.optionClassName(0x0120));
        assertEquals("Unknown", GeneveHeader.optionClassName(0x0200));
        assertEquals("Experimental", GeneveHeader.optionClassName(0xfff3));
    }
}
