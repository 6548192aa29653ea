package io.tunnelscope.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.Encapsulation;
import io.tunnelscope.decode.IpProtocols;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.report.FlowSummary;
import io.tunnelscope.testing.Corpus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The flow table against a string-keyed model of what it must count, on third-party captures with
 * plain, VXLAN and Geneve traffic; and merging tables filled separately against one table filled
 * with everything.
 */
class FlowTableTest {
    private static final List<String> FILES = List.of("vxlan.pcap", "vxlan_port_8472.pcap", "geneve.pcap",
            "geneve-gcp.pcap", "gso-ipv4-vxlan-ipv4.pcap", "bigtcp-ipv6-geneve-ipv6.pcap", "LINKTYPE_RAW_ipv4.pcap",
            "tcp-handshake-nano.pcap", "LINKTYPE_RAW_ipv6.pcap", "gso-ipv6-vxlan-ipv4.pcap", "bigtcp-ipv4-geneve-ipv4.pcap");

    /** Every packet of {@link #FILES}, each file seen at two points, as (point, timestamp, view). */
    private static void packets(TriConsumer sink) throws IOException {
        PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
        PacketView view = new PacketView();
        PacketRecord record = new PacketRecord();
        for (String point : List.of("host1-eth0", "host2-eth0")) {
            for (String file : FILES) {
                try (CaptureReader reader = CaptureReaders.open(Corpus.tcpdump(file))) {
                    while (reader.next(record)) {
                        view.wrap(decoder.decode(record));
                        // Each point sees a subset, so per-point counts differ.
                        if (point.equals("host2-eth0") && record.frameNumber() % 3 == 0) {
                            continue;
                        }
                        sink.accept(point, record.timestampNanos(), record.originalLength(), view);
                    }
                }
            }
        }
    }

    private interface TriConsumer {
        void accept(String point, long nanos, long length, PacketView view);
    }

    /** The model: flows by their texts, per-point [packets, bytes], tunnels by text in first-seen order. */
    private static final class Model {
        final Map<String, long[]> times = new LinkedHashMap<>();
        final Map<String, Map<String, long[]>> counts = new LinkedHashMap<>();
        final Map<String, List<String>> tunnels = new LinkedHashMap<>();

        void packet(String point, long nanos, PacketView view) {
            int ip = view.innerIpLayer();
            if (ip < 0) {
                return;
            }
            int transport = view.transportLayer(ip);
            StringBuilder src = new StringBuilder();
            StringBuilder dst = new StringBuilder();
            view.appendSource(ip, src);
            view.appendDestination(ip, dst);
            boolean v6 = view.ipVersion(ip) == 6;
            int sport = transport < 0 ? -1 : view.sourcePort(transport);
            int dport = transport < 0 ? -1 : view.destinationPort(transport);
            if (sport >= 0) {
                src = new StringBuilder(v6 ? "[" + src + "]:" : src + ":").append(sport);
            }
            if (dport >= 0) {
                dst = new StringBuilder(v6 ? "[" + dst + "]:" : dst + ":").append(dport);
            }
            String key = IpProtocols.nameOrNumber(view.ipProtocol(ip)) + " " + src + " " + dst;
            long[] t = times.computeIfAbsent(key, k -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
            t[0] = Math.min(t[0], nanos);
            t[1] = Math.max(t[1], nanos);
            long[] c = counts.computeIfAbsent(key, k -> new LinkedHashMap<>()).computeIfAbsent(point, k -> new long[2]);
            c[0]++;
            c[1] += view.ipTotalLength(ip);
            List<String> known = tunnels.computeIfAbsent(key, k -> new ArrayList<>());
            if (view.encapsulationCount() > 0 && known.size() < 4) {
                int outer = view.outerIpLayer();
                StringBuilder text = new StringBuilder(Encapsulation.name(view.encapsulation(0)));
                if (view.vni() >= 0) {
                    text.append(" vni ").append(view.vni());
                }
                text.append(' ');
                view.appendSource(outer, text);
                text.append(" > ");
                view.appendDestination(outer, text);
                if (!known.contains(text.toString())) {
                    known.add(text.toString());
                }
            }
        }

        List<String> summaries() {
            List<String> out = new ArrayList<>();
            for (String key : counts.keySet()) {
                long packets = 0;
                long bytes = 0;
                for (long[] c : counts.get(key).values()) {
                    if (c[1] > bytes) {
                        packets = c[0];
                        bytes = c[1];
                    }
                }
                out.add(key + " " + packets + "/" + bytes + " " + times.get(key)[0] + "-" + times.get(key)[1]
                        + " " + tunnels.get(key) + " " + List.copyOf(counts.get(key).keySet()));
            }
            out.sort(Comparator.naturalOrder());
            return out;
        }
    }

    private static List<String> summaries(FlowTable table) {
        List<String> out = new ArrayList<>();
        for (FlowSummary f : table.top(Integer.MAX_VALUE)) {
            out.add(f.protocol() + " " + f.source() + " " + f.destination() + " " + f.packets() + "/" + f.bytes()
                    + " " + f.firstNanos() + "-" + f.lastNanos() + " " + f.tunnels() + " " + f.points());
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    @Test
    void countsWhatTheModelCounts() throws IOException {
        Model model = new Model();
        FlowTable table = new FlowTable(10_000);
        packets((point, nanos, length, view) -> {
            model.packet(point, nanos, view);
            table.packet(point, nanos, length, view);
        });
        List<String> expected = model.summaries();
        assertTrue(expected.size() > 15, "corpus flows: " + expected.size());
        assertTrue(expected.stream().anyMatch(s -> s.contains("[vxlan vni")), "a VXLAN tunnel among " + expected);
        assertTrue(expected.stream().anyMatch(s -> s.contains("[geneve vni")), "a Geneve tunnel among " + expected);
        assertTrue(expected.stream().anyMatch(s -> s.contains("host1-eth0, host2-eth0")), "two-point flows");
        assertEquals(expected, summaries(table));
        assertEquals(expected.size(), table.size());
        assertEquals(0, table.untrackedPackets());
    }

    @Test
    void mergedTablesEqualOneTable() throws IOException {
        FlowTable whole = new FlowTable(10_000);
        FlowTable[] shards = {new FlowTable(10_000), new FlowTable(10_000), new FlowTable(10_000)};
        long[] n = {0};
        packets((point, nanos, length, view) -> {
            long order = n[0]++;
            whole.packet(point, nanos, length, view, order, 0);
            // Points split across shards, and one point's packets spread over two shards.
            int shard = point.equals("host1-eth0") ? 0 : 1 + (int) (order / 7) % 2;
            shards[shard].packet(point, nanos, length, view, order, 0);
        });
        FlowTable merged = new FlowTable(10_000);
        for (int s = shards.length - 1; s >= 0; s--) {
            merged.mergeFrom(shards[s]);
        }
        // Also each flow's points in the order of their first packets, whatever the merge order.
        assertEquals(summaries(whole), summaries(merged));
        // Merging into a non-empty table adds to what it holds.
        shards[1].mergeFrom(shards[2]);
        shards[0].mergeFrom(shards[1]);
        assertEquals(summaries(whole), summaries(shards[0]));
    }

    @Test
    void boundedTablesCountTheRestAsUntracked() throws IOException {
        long[] ipPackets = {0};
        FlowTable small = new FlowTable(5);
        FlowTable a = new FlowTable(5);
        FlowTable b = new FlowTable(5);
        packets((point, nanos, length, view) -> {
            if (!point.equals("host1-eth0") || view.innerIpLayer() < 0) {
                return;
            }
            small.packet(point, nanos, length, view);
            (ipPackets[0]++ % 2 == 0 ? a : b).packet(point, nanos, length, view);
        });
        assertEquals(5, small.size());
        assertTrue(small.untrackedPackets() > 0, "untracked " + small.untrackedPackets());
        // One point: every packet is either in a tracked flow's count or untracked.
        assertEquals(ipPackets[0], packets(small) + small.untrackedPackets());
        a.mergeFrom(b);
        assertEquals(5, a.size());
        assertEquals(ipPackets[0], packets(a) + a.untrackedPackets());
    }

    private static long packets(FlowTable table) {
        return table.top(Integer.MAX_VALUE).stream().mapToLong(FlowSummary::packets).sum();
    }
}
