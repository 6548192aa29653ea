package io.tunnelscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunnelscope.testing.Corpus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecodeCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    private List<String> lines() {
        return Arrays.asList(out.toString(StandardCharsets.UTF_8).split("\n"));
    }

    private static String corpus(String file) {
        return Corpus.tcpdump(file).toString();
    }

    @Test
    void vxlanOn8472ShowsOuterAndInnerOnOneLine() {
        assertEquals(0, run("decode", "--utc", corpus("vxlan_port_8472.pcap")));
        List<String> lines = lines();
        assertEquals(10, lines.size());
        assertEquals("20:21:44.837063 192.168.203.1.45149 > 192.168.202.1.8472: VXLAN vni 100 | "
                + "192.168.203.3 > 192.168.203.5: ICMP echo request, id 1292, seq 1, length 64", lines.get(0));
        assertEquals("20:21:44.882198 192.168.202.1.42710 > 192.168.202.1.8472: VXLAN vni 100 | "
                .replace("192.168.202.1.8472", "192.168.203.1.8472")
                + "ARP, Request who-has 192.168.203.3 tell 192.168.203.5, length 28", lines.get(1));
    }

    @Test
    void nanosecondCaptureKeepsNanoseconds() {
        assertEquals(0, run("decode", "--utc", "--nano", corpus("tcp-handshake-nano.pcap")));
        assertEquals("17:16:09.924505488 131.155.215.69.46656 > 137.116.81.94.80: Flags [S], seq 797190859, "
                + "win 27200, options [mss 1360], length 0", lines().get(0));
    }

    /**
     * Geneve's option TLVs in JSON, as tcpdump -vv prints them for geneve-gcp.pcap (class Google
     * 0x132, types 1-3, lengths 8/20/12 with the option header, the data words); a Geneve packet
     * without options has no such key.
     */
    @Test
    void geneveOptionsInJson() throws Exception {
        assertEquals(0, run("decode", "--json", corpus("geneve-gcp.pcap")));
        JsonNode options = new ObjectMapper().readTree(lines().get(0)).get("geneveOptions");
        assertEquals(3, options.size(), options.toString());
        assertEquals(0x132, options.get(0).get("class").asInt());
        assertEquals("Google", options.get(0).get("classHolder").asText());
        assertEquals(List.of(1, 2, 3), List.of(options.get(0).get("type").asInt(), options.get(1).get("type").asInt(),
                options.get(2).get("type").asInt()));
        assertEquals(List.of(8, 20, 12), List.of(options.get(0).get("length").asInt(),
                options.get(1).get("length").asInt(), options.get(2).get("length").asInt()));
        assertEquals("800000d1", options.get(0).get("data").asText());
        assertEquals("0800000dc0a864020000000000000000", options.get(1).get("data").asText());
        assertFalse(options.get(0).get("critical").asBoolean());
        out.reset();
        assertEquals(0, run("decode", "--json", "-c", "2", corpus("geneve.pcap")));
        List<String> two = lines();
        JsonNode critical = new ObjectMapper().readTree(two.get(0)).get("geneveOptions");
        assertTrue(critical.get(0).get("critical").asBoolean(), "type 0x80(C) in tcpdump's geneve-vv.out");
        assertTrue(new ObjectMapper().readTree(two.get(1)).get("geneveOptions") == null, "no options, no key");
    }

    @Test
    void jsonLinesKeepTheContract() throws Exception {
        assertEquals(0, run("decode", "--json", corpus("vxlan_port_8472.pcap")));
        ObjectMapper mapper = new ObjectMapper();
        List<String> lines = lines();
        assertEquals(10, lines.size());
        JsonNode first = mapper.readTree(lines.get(0));
        assertEquals("vxlan_port_8472.pcap", first.get("file").asText());
        assertEquals(1, first.get("frame").asInt());
        assertEquals(1368908504837063000L, first.get("tsNanos").asLong());
        assertEquals("EN10MB", first.get("linkType").asText());
        assertTrue(first.get("iface").isNull());
        assertEquals(148, first.get("wireLen").asInt());
        assertEquals(148, first.get("capLen").asInt());
        assertEquals("[\"vxlan\"]", first.get("encap").toString());
        assertEquals(100, first.get("vni").asInt());
        JsonNode outer = first.get("outer");
        assertEquals("192.168.203.1", outer.get("src").asText());
        assertEquals("192.168.202.1", outer.get("dst").asText());
        assertEquals("udp", outer.get("proto").asText());
        assertEquals(45149, outer.get("sport").asInt());
        assertEquals(8472, outer.get("dport").asInt());
        JsonNode inner = first.get("inner");
        assertEquals("192.168.203.3", inner.get("src").asText());
        assertEquals("192.168.203.5", inner.get("dst").asText());
        assertEquals("icmp", inner.get("proto").asText());
        assertTrue(inner.get("sport").isNull());
        assertEquals(64, inner.get("ttl").asInt());
        assertEquals("ok", first.get("status").asText());
        assertEquals(0, first.get("notes").size());

        JsonNode arp = mapper.readTree(lines.get(1));
        assertTrue(arp.get("inner").isNull(), "a VXLAN frame carrying ARP has no inner IP header");
        assertEquals("192.168.202.1", arp.get("outer").get("src").asText());
    }

    @Test
    void rawIpv6CaptureHasNoTunnel() throws Exception {
        assertEquals(0, run("decode", "--json", corpus("LINKTYPE_RAW_ipv6.pcap")));
        JsonNode packet = new ObjectMapper().readTree(lines().get(0));
        assertEquals("RAW", packet.get("linkType").asText());
        assertEquals(0, packet.get("encap").size());
        assertTrue(packet.get("vni").isNull());
        assertEquals(packet.get("outer"), packet.get("inner"));
        assertEquals("2001:db8::1", packet.get("inner").get("src").asText());
        assertEquals(53, packet.get("inner").get("dport").asInt());
    }

    @Test
    void decodeAsNoneTurnsVxlanOff() {
        assertEquals(0, run("decode", "--utc", "--decode-as", "udp.port=8472:none", corpus("vxlan_port_8472.pcap")));
        String first = lines().get(0);
        assertTrue(first.startsWith("20:21:44.837063 192.168.203.1.45149 > 192.168.202.1.8472: "), first);
        assertTrue(!first.contains("VXLAN vni 100 |"), first);
    }

    @Test
    void badDecodeAsIsAUsageError() {
        assertEquals(2, run("decode", "--decode-as", "udp.port=x:vxlan", corpus("vxlan.pcap")));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("tunnelscope decode: "));
    }

    @Test
    void truncatedFileKeepsEveryPacketBeforeTheBreakAndExitsTwo(@TempDir Path dir) throws Exception {
        byte[] whole = Files.readAllBytes(Corpus.tcpdump("vxlan.pcap"));
        Path cut = dir.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(whole, 1500));
        assertEquals(2, run("decode", cut.toString(), corpus("vxlan.pcap")));
        assertEquals(cut + ": offset 1388: record length 148 exceeds the file (96 bytes left)\n",
                err.toString(StandardCharsets.UTF_8));
        List<String> lines = lines();
        assertEquals("==> " + cut + " <==", lines.get(0));
        assertEquals(1 + 9 + 1 + 10, lines.size(), "9 whole packets of the cut file, then all 10 of the other");
    }

    @Test
    void notACaptureNamesTheFile(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("notes.pcap");
        Files.writeString(text, "this is not a capture file");
        assertEquals(2, run("decode", text.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith(text + ": offset 0: not a capture file"),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void directoryStandsForItsCaptures(@TempDir Path dir) throws Exception {
        Files.copy(Corpus.tcpdump("vxlan.pcap"), dir.resolve("a.pcap"));
        Files.copy(Corpus.tcpdump("geneve.pcap"), dir.resolve("b.pcap"));
        Files.writeString(dir.resolve("README.txt"), "not a capture");
        assertEquals(0, run("decode", "-c", "12", dir.toString()));
        List<String> lines = lines();
        assertEquals("==> " + dir.resolve("a.pcap") + " <==", lines.get(0));
        assertEquals("==> " + dir.resolve("b.pcap") + " <==", lines.get(11));
        assertEquals(14, lines.size(), "count stops after 12 packets in all");
    }

    @Test
    void missingInputAndUnknownCommandsAreUsageErrors() {
        assertEquals(2, run("decode", "/no/such/capture.pcap"));
        assertEquals(2, run("decode"));
        assertEquals(2, run("frobnicate"));
        assertEquals(2, run());
    }

    @Test
    void anyCaptureKeepsInterfaceIndexAndDirection() throws Exception {
        String any = Path.of(System.getProperty("tunnelscope.root", ".."), "samples", "captures", "vxlan-masq",
                "host1-any.pcap").toString();
        assertEquals(0, run("decode", "--json", "-c", "40", any));
        ObjectMapper mapper = new ObjectMapper();
        java.util.Set<String> directions = new java.util.TreeSet<>();
        for (String line : lines()) {
            JsonNode packet = mapper.readTree(line);
            assertEquals("LINUX_SLL2", packet.get("linkType").asText());
            assertTrue(packet.get("iface").asText().matches("\\d+"), packet.get("iface").toString());
            directions.add(packet.get("direction").asText());
        }
        assertTrue(directions.contains("outgoing") && directions.contains("host"), directions.toString());
        out.reset();
        assertEquals(0, run("decode", "--json", corpus("vxlan.pcap")));
        assertTrue(new ObjectMapper().readTree(lines().get(0)).get("direction").isNull());
    }

    @Test
    void aMissingFileAmongOthersIsReportedAndTheRestIsRead() {
        assertEquals(2, run("decode", "/no/such/capture.pcap", corpus("vxlan.pcap")));
        assertEquals("/no/such/capture.pcap: no such file or directory\n", err.toString(StandardCharsets.UTF_8));
        assertEquals(10, lines().size(), "every packet of the readable file");
        out.reset();
        err.reset();
        assertEquals(2, run("report", "--fail-on", "never", "/no/such/capture.pcap", corpus("vxlan.pcap")));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("/no/such/capture.pcap: no such file or directory"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("vxlan"), "the readable file is reported");
    }
}
