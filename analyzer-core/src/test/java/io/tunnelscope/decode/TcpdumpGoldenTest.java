package io.tunnelscope.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.testing.Corpus;
import io.tunnelscope.testing.DecodedFacts;
import io.tunnelscope.testing.TcpdumpOutput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden tests against tcpdump's own expected output in the shared corpus (its {@code .out} files,
 * made with the options in {@code TESTLIST}): for every packet, the IP levels with their ports,
 * outer to inner, and the VNIs must be what tcpdump printed. Covers VXLAN on 4789 and 8472,
 * Geneve, raw IP, nanosecond pcap and the GSO / BIG TCP super-frames inside VXLAN and Geneve.
 */
class TcpdumpGoldenTest {

    @ParameterizedTest(name = "{0} vs {1}")
    @CsvSource({
        "vxlan.pcap, vxlan.out",
        "vxlan_port_8472.pcap, vxlan_port_8472.out",
        "geneve.pcap, geneve-vv.out",
        "geneve-gcp.pcap, geneve-gcp.out",
        "LINKTYPE_RAW_ipv4.pcap, LINKTYPE_RAW_ipv4.out",
        "LINKTYPE_RAW_ipv6.pcap, LINKTYPE_RAW_ipv6.out",
        "tcp-handshake-nano.pcap, tcp-handshake-nano.out",
        "gso-ipv4.pcap, gso-ipv4.out",
        "gso-ipv6.pcap, gso-ipv6.out",
        "gso-ipv4-vxlan-ipv4.pcap, gso-ipv4-vxlan-ipv4.out",
        "gso-ipv4-vxlan-ipv6.pcap, gso-ipv4-vxlan-ipv6.out",
        "gso-ipv6-vxlan-ipv4.pcap, gso-ipv6-vxlan-ipv4.out",
        "gso-ipv6-vxlan-ipv6.pcap, gso-ipv6-vxlan-ipv6.out",
        "gso-ipv4-geneve-ipv4.pcap, gso-ipv4-geneve-ipv4.out",
        "gso-ipv4-geneve-ipv6.pcap, gso-ipv4-geneve-ipv6.out",
        "gso-ipv6-geneve-ipv4.pcap, gso-ipv6-geneve-ipv4.out",
        "gso-ipv6-geneve-ipv6.pcap, gso-ipv6-geneve-ipv6.out",
        "bigtcp-ipv4.pcap, bigtcp-ipv4.out",
        "bigtcp-ipv6.pcap, bigtcp-ipv6.out",
        "bigtcp-ipv6-hbh.pcap, bigtcp-ipv6-hbh.out",
        "bigtcp-ipv4-vxlan-ipv4.pcap, bigtcp-ipv4-vxlan-ipv4.out",
        "bigtcp-ipv4-vxlan-ipv6.pcap, bigtcp-ipv4-vxlan-ipv6.out",
        "bigtcp-ipv6-vxlan-ipv4.pcap, bigtcp-ipv6-vxlan-ipv4.out",
        "bigtcp-ipv6-vxlan-ipv6.pcap, bigtcp-ipv6-vxlan-ipv6.out",
        "bigtcp-ipv4-geneve-ipv4.pcap, bigtcp-ipv4-geneve-ipv4.out",
        "bigtcp-ipv4-geneve-ipv6.pcap, bigtcp-ipv4-geneve-ipv6.out",
        "bigtcp-ipv6-geneve-ipv4.pcap, bigtcp-ipv6-geneve-ipv4.out",
        "bigtcp-ipv6-geneve-ipv6.pcap, bigtcp-ipv6-geneve-ipv6.out",
    })
    void matchesTcpdump(String capture, String expected) throws Exception {
        Path dir = Corpus.root().resolve("tcpdump");
        List<TcpdumpOutput.Packet> golden = TcpdumpOutput.read(dir.resolve(expected));
        PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
        PacketRecord record = new PacketRecord();
        List<String> problems = new ArrayList<>();
        int n = 0;
        try (CaptureReader reader = CaptureReaders.open(dir.resolve(capture))) {
            while (reader.next(record)) {
                TcpdumpOutput.Packet packet = golden.get(n++);
                assertEquals(packet.number(), record.frameNumber(), "packet numbering");
                LayerStack stack = decoder.decode(record);
                List<String> expectedLevels = new ArrayList<>();
                for (TcpdumpOutput.Endpoint[] pair : packet.pairs()) {
                    expectedLevels.add(pair[0] + " > " + pair[1]);
                }
                List<String> levels = DecodedFacts.ipLevels(stack);
                if (!levels.equals(expectedLevels)) {
                    problems.add("packet " + n + ": " + levels + " but tcpdump printed " + expectedLevels);
                }
                if (!DecodedFacts.vnis(stack).equals(packet.vnis())) {
                    problems.add("packet " + n + ": VNIs " + DecodedFacts.vnis(stack) + " but tcpdump printed "
                            + packet.vnis());
                }
                if (stack.status() == LayerStatus.MALFORMED) {
                    problems.add("packet " + n + " is MALFORMED");
                }
            }
        }
        assertEquals(golden.size(), n, "packets in " + expected);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
}
