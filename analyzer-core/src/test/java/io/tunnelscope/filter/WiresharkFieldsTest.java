package io.tunnelscope.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.IpReassembler;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.flow.TcpAnalysis;
import io.tunnelscope.flow.TcpFacts;
import io.tunnelscope.proto.flannel.FlannelUdp;
import io.tunnelscope.testing.RecordedSamples;
import io.tunnelscope.testing.Tshark;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Filter fields with Wireshark's names, counted against {@code tshark -Y}'s counts (one
 * {@code -z io,stat} run per file gives every expression's count) on samples with tunnels,
 * fragments, TCP, ICMP errors and ARP, and on the scripted TCP capture.
 */
class WiresharkFieldsTest {
    /** Expressions written as a Wireshark user writes them. */
    static final List<String> EXPRESSIONS = List.of(
            "udp.port == 8472", "udp.dstport == 8472", "udp.srcport == 8472", "udp.length > 100",
            "tcp.flags.syn == 1", "tcp.flags.syn == 1 && tcp.flags.ack == 0", "tcp.flags.reset == 1",
            "tcp.flags.fin == 1", "tcp.flags.push == 1", "tcp.flags == 0x012", "tcp.port == 5201",
            "tcp.srcport == 5201", "tcp.len > 1000", "tcp.len == 0", "tcp.hdr_len > 20",
            "tcp.analysis.retransmission", "tcp.analysis.fast_retransmission", "tcp.analysis.duplicate_ack",
            "tcp.analysis.lost_segment", "tcp.analysis.ack_lost_segment", "tcp.analysis.out_of_order",
            "tcp.analysis.zero_window", "tcp.analysis.window_full", "tcp.analysis.window_update",
            "tcp.analysis.keep_alive", "tcp.analysis.flags", "tcp.analysis.ack_rtt > 0.0005",
            "tcp.analysis.ack_rtt", "tcp.analysis.duplicate_ack_num == 2", "tcp.stream == 1", "tcp.seq == 1",
            "tcp.ack == 1", "tcp.window_size > 60000", "tcp.window_size_value < 600",
            "ip.flags.df == 1", "ip.flags.mf == 1", "ip.frag_offset > 0", "ip.len > 1400", "ip.hdr_len == 20",
            "ip.version == 4", "ip.dsfield == 0", "ip.id == 1", "ip.src == 10.102.20.2", "ip.addr == 172.16.112.130",
            "icmp.type == 8", "icmp.seq == 1", "icmp.ident", "icmp.mtu == 1450", "icmp.mtu",
            "vxlan.vni == 1", "vxlan", "eth.type == 0x0806", "eth.type == 0x0800",
            "eth.src == 00:0c:29:3e:71:85", "eth.addr == ff:ff:ff:ff:ff:ff", "arp.opcode == 1",
            "arp.src.proto_ipv4 == 172.16.112.133", "arp.dst.proto_ipv4 == 172.16.112.0/24",
            "frame.len > 1000", "frame.cap_len < 100", "ipv6", "udp && !vxlan", "tcp.port == 5201 && ip.flags.df == 0", "ip.flags.mf == 1 || ip.frag_offset > 0", "icmp.type == 3");

    /** How many packets of a file each expression keeps, reassembling and analysing TCP as the viewer does. */
    static List<Long> ourCounts(Path file) throws Exception {
        DecodeTables tables = DecodeTables.builder().decodeAs(8285, FlannelUdp.DESCRIPTOR).heuristicVxlan(false)
                .build();
        List<PacketFilter> filters = EXPRESSIONS.stream().map(Filter::compile).toList();
        long[] counts = new long[filters.size()];
        PacketDecoder decoder = new PacketDecoder(tables);
        IpReassembler reassembler = new IpReassembler(tables);
        TcpAnalysis analysis = new TcpAnalysis();
        TcpFacts facts = new TcpFacts();
        PacketView view = new PacketView();
        PacketRecord record = new PacketRecord();
        FilterInput input = new FilterInput();
        try (CaptureReader reader = CaptureReaders.open(file)) {
            while (reader.next(record)) {
                view.wrap(reassembler.offer(0, decoder.decode(record), record.frameNumber(), record.timestampNanos()));
                analysis.analyze(0, view, record.frameNumber(), record.timestampNanos(), facts);
                input.frame(record.frameNumber(), record.timestampNanos(), record.originalLength(),
                        record.capturedLength()).point("p").tcp(facts).reassembled(reassembler);
                for (int k = 0; k < counts.length; k++) {
                    if (filters.get(k).matches(view, input)) {
                        counts[k]++;
                    }
                }
            }
        }
        List<Long> out = new ArrayList<>();
        for (long c : counts) {
            out.add(c);
        }
        return out;
    }

    /** tshark's count of each expression, in one {@code -z io,stat,0,...} run. */
    static List<Long> tsharkCounts(Path file) throws Exception {
        List<String> command = List.of("tshark", "-n", "-q", "-r", file.toString(),
                "-d", "udp.port==8472,vxlan", "-d", "udp.port==8285,ip",
                "-z", "io,stat,0," + String.join(",", EXPRESSIONS));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<Long> counts = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.contains("<>")) {
                    String[] cells = line.split("\\|");
                    for (int k = 2; k < cells.length; k += 2) {
                        counts.add(Long.parseLong(cells[k].trim()));
                    }
                }
            }
        }
        assertEquals(0, p.waitFor());
        return counts;
    }

    @Test
    void countsAsTsharkOnSamples() throws Exception {
        assumeTrue(Tshark.available(), "tshark not installed");
        List<Path> files = new ArrayList<>();
        for (Path scenario : RecordedSamples.scenarios()) {
            String name = scenario.getFileName().toString();
            if (List.of("mtu-trouble", "vxlan-masq", "pmtu-blackhole", "k8s-vxlan", "udp-masq").contains(name)) {
                for (Path f : RecordedSamples.captures(scenario)) {
                    String file = f.getFileName().toString();
                    if (file.contains("ens33") || file.contains("eth0") || file.contains("-pod")) {
                        files.add(f);
                    }
                }
            }
        }
        files.add(Path.of(WiresharkFieldsTest.class.getResource("/io/tunnelscope/flow/tcp-analysis.pcap").toURI()));
        List<String> differences = new ArrayList<>();
        long matched = 0;
        for (Path file : files) {
            List<Long> theirs = tsharkCounts(file);
            List<Long> ours = ourCounts(file);
            assertEquals(EXPRESSIONS.size(), theirs.size(), "tshark's columns for " + file);
            for (int k = 0; k < EXPRESSIONS.size(); k++) {
                matched += theirs.get(k);
                if (!theirs.get(k).equals(ours.get(k))) {
                    differences.add(file.getParent().getFileName() + "/" + file.getFileName() + ": " + EXPRESSIONS.get(k)
                            + ": tshark " + theirs.get(k) + ", ours " + ours.get(k));
                }
            }
        }
        assertEquals(List.of(), differences);
        assertTrue(matched > 5000, matched + " matches in all");
    }

    @Test
    void wrongValuesAreSyntaxErrors() {
        assertEquals("'ipv6.src' is an IPv6 address, not '10.0.0.1' at position 12",
                assertThrows(FilterSyntaxException.class, () -> Filter.compile("ipv6.src == 10.0.0.1")).getMessage());
        assertEquals("'00:11' is not a MAC address (aa:bb:cc:dd:ee:ff) at position 11",
                assertThrows(FilterSyntaxException.class, () -> Filter.compile("eth.src == 00:11")).getMessage());
        assertEquals("'x' is not a number of seconds for 'tcp.analysis.ack_rtt' at position 23",
                assertThrows(FilterSyntaxException.class, () -> Filter.compile("tcp.analysis.ack_rtt > x")).getMessage());
        assertTrue(Filter.fieldNames().containsAll(List.of("udp.port", "tcp.flags.syn", "tcp.analysis.retransmission",
                "vxlan.vni", "geneve.vni", "eth.addr", "frame.len", "icmp.type", "ipv6.addr", "inner.src", "point")));
    }
}
