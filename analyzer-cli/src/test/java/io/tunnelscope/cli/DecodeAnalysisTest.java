package io.tunnelscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code decode} with the frame analysis: TCP analysis on the line and in JSON, the analysis
 * fields in {@code --filter}, and outer fragments reassembled (the completing frame shows the
 * tunnel, the others their fragment data).
 */
class DecodeAnalysisTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    private List<String> lines() {
        String text = out.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\n"));
    }

    private static String root() {
        return System.getProperty("tunnelscope.root", "..");
    }

    /** The scripted capture raising every TCP analysis flag (analyzer-core's test resources). */
    private static String tcpCapture() {
        return Path.of(root(), "analyzer-core", "src", "test", "resources", "io", "tunnelscope", "flow",
                "tcp-analysis.pcap").toString();
    }

    private static String sample(String scenario, String file) {
        return Path.of(root(), "samples", "captures", scenario, file).toString();
    }

    @Test
    void linesCarryWiresharksAnalysisLabels() {
        assertEquals(0, run("decode", "--utc", tcpCapture()));
        List<String> lines = lines();
        // tshark: frames 11-13 [TCP Dup ACK 10#1..3], 14 [TCP Fast Retransmission], 17 [TCP Out-Of-Order].
        assertTrue(lines.get(10).endsWith("[TCP Dup ACK #1]"), lines.get(10));
        assertTrue(lines.get(12).endsWith("[TCP Dup ACK #3]"), lines.get(12));
        assertTrue(lines.get(13).endsWith("[TCP Fast Retransmission]"), lines.get(13));
        assertTrue(lines.get(15).endsWith("[TCP Previous segment not captured]"), lines.get(15));
        assertTrue(lines.get(16).endsWith("[TCP Out-Of-Order]"), lines.get(16));
        assertTrue(lines.get(18).endsWith("[TCP Spurious Retransmission]"), lines.get(18));
        assertTrue(lines.get(26).contains("[TCP ZeroWindowProbeAck] [TCP ZeroWindow]"), lines.get(26));
        // Frame 6 acknowledges frame 4 exactly, 3.1 ms later.
        assertTrue(lines.get(5).endsWith("[ack rtt 3100.000 µs for frame 4]"), lines.get(5));
    }

    @Test
    void jsonHasTheTcpObjectAndFiltersUseTheAnalysis() throws Exception {
        assertEquals(0, run("decode", "--json", "--filter", "tcp.analysis.retransmission && vxlan", tcpCapture()));
        List<JsonNode> objects = new ArrayList<>();
        ObjectMapper mapper = new ObjectMapper();
        for (String line : lines()) {
            objects.add(mapper.readTree(line));
        }
        // tshark -Y 'tcp.analysis.retransmission && vxlan': frames 50, 55, 58 (fast, spurious, plain).
        assertEquals(List.of(50L, 55L, 58L), objects.stream().map(o -> o.get("frame").asLong()).toList());
        JsonNode tcp = objects.get(0).get("tcp");
        assertEquals(2, tcp.get("stream").asInt());
        assertEquals("[\"fast_retransmission\",\"retransmission\"]", tcp.get("analysis").toString());
        assertTrue(objects.get(0).get("reassembledFrom").isNull());
        out.reset();
        assertEquals(0, run("decode", "--json", "--filter", "tcp.analysis.ack_rtt > 0.003", tcpCapture()));
        for (String line : lines()) {
            assertTrue(mapper.readTree(line).get("tcp").get("ackRttNanos").asLong() > 3_000_000L, line);
        }
        // tshark -Y 'tcp.analysis.ack_rtt > 0.003': frames 6, 10, 23, 42, 46, 59.
        assertEquals(6, lines().size(), String.join("\n", lines()));
    }

    @Test
    void outerFragmentsReassembled() throws Exception {
        assertEquals(0, run("decode", "--utc", sample("mtu-trouble", "host1-ens33.pcap")));
        List<String> lines = lines();
        // tshark (ip.defragment on): frame 7 "Fragmented IP protocol", frame 8 the VXLAN packet whole.
        assertTrue(lines.get(6).contains("172.16.112.133 > 172.16.112.130: fragment of udp"), lines.get(6));
        assertTrue(!lines.get(6).contains("VXLAN"), lines.get(6));
        assertTrue(lines.get(7).contains(".8472: VXLAN vni 1 | 10.102.20.2 > 10.102.19.2: fragment of icmp"),
                lines.get(7));
        assertTrue(lines.get(7).endsWith("[reassembled from frames 7, 8]"), lines.get(7));
        // The pod's own packet was fragmented too: it is whole in frame 9, made of frames 8 and 9.
        assertTrue(lines.get(8).contains("ICMP echo request, id 7267, seq 1, length 1480"), lines.get(8));
        assertTrue(lines.get(8).endsWith("[reassembled from frames 8, 9]"), lines.get(8));
        out.reset();
        assertEquals(0, run("decode", "--json", "--filter", "vxlan && ip.frag_offset > 0",
                sample("mtu-trouble", "host1-ens33.pcap")));
        // tshark -o ip.defragment:TRUE -Y 'vxlan && ip.frag_offset > 0' | wc -l
        assertEquals(23, lines().size());
        JsonNode first = new ObjectMapper().readTree(lines().get(0));
        assertEquals("[7,8]", first.get("reassembledFrom").toString());
        assertEquals("[\"vxlan\"]", first.get("encap").toString());
    }
}
