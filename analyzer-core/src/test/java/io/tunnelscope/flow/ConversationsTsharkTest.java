package io.tunnelscope.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.IpReassembler;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.proto.flannel.FlannelUdp;
import io.tunnelscope.testing.Tshark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Conversations} against {@code tshark -z conv,ip} and {@code conv,ipv6} on the pod and
 * underlay captures of every sample and the scripted captures: tshark counts a tunnelled frame in its outer and
 * its inner address pair, so our outer and inner conversations (over every tunnel) summed per
 * address pair must give tshark's frames and bytes in each direction, start and duration.
 */
class ConversationsTsharkTest {

    /** Our conversations of a file, summed per address pair as tshark shows them. */
    private record Pair(long[] framesAndBytes, long[] times) {
    }

    private static long firstTime;

    private static Map<String, Pair> ours(Path file) throws Exception {
        DecodeTables tables = DecodeTables.builder().decodeAs(8285, FlannelUdp.DESCRIPTOR).heuristicVxlan(false)
                .build();
        PacketDecoder decoder = new PacketDecoder(tables);
        IpReassembler reassembler = new IpReassembler(tables);
        PacketView view = new PacketView();
        PacketRecord record = new PacketRecord();
        Conversations conversations = new Conversations();
        firstTime = Long.MIN_VALUE;
        try (CaptureReader reader = CaptureReaders.open(file)) {
            while (reader.next(record)) {
                if (firstTime == Long.MIN_VALUE) {
                    firstTime = record.timestampNanos();
                }
                view.wrap(reassembler.offer(0, decoder.decode(record), record.frameNumber(), record.timestampNanos()));
                conversations.add(0, view, record.timestampNanos(), record.originalLength());
            }
        }
        Map<String, Pair> pairs = new HashMap<>();
        for (Conversations.Conversation c : conversations.conversations()) {
            boolean aFirst = c.addressA().compareTo(c.addressB()) <= 0;
            String key = aFirst ? c.addressA() + " " + c.addressB() : c.addressB() + " " + c.addressA();
            Pair p = pairs.computeIfAbsent(key, k -> new Pair(new long[4], new long[] {Long.MAX_VALUE, Long.MIN_VALUE}));
            long[] v = p.framesAndBytes();
            // v: frames and bytes from the first address of the key to the second, then back.
            v[aFirst ? 0 : 2] += c.packetsAtoB();
            v[aFirst ? 1 : 3] += c.bytesAtoB();
            v[aFirst ? 2 : 0] += c.packetsBtoA();
            v[aFirst ? 3 : 1] += c.bytesBtoA();
            p.times()[0] = Math.min(p.times()[0], c.firstNanos());
            p.times()[1] = Math.max(p.times()[1], c.lastNanos());
        }
        return pairs;
    }

    /** Bytes as tshark 4.0 prints them in its conversation tables (SI prefixes from 10,000 on). */
    static String tsharkBytes(long n) {
        String[] prefixes = {"k", "M", "G", "T", "P"};
        if (n < 10_000) {
            return n + " bytes";
        }
        long v = n;
        int p = -1;
        while (v / 1000 >= 10 && p < prefixes.length - 1 || p < 0) {
            v /= 1000;
            p++;
            if (v < 10_000) {
                break;
            }
        }
        return v + " " + prefixes[p] + "B";
    }

    /** A double as C's printf rounds it (the exact binary value, not Java's shortest decimal). */
    private static String printf(double value, int decimals) {
        return new java.math.BigDecimal(value).setScale(decimals, java.math.RoundingMode.HALF_EVEN).toPlainString();
    }

    private static List<String> differences(Path file) throws Exception {
        Map<String, Pair> ours = ours(file);
        List<String> out = new ArrayList<>();
        int rows = 0;
        for (Tshark.ConversationRow row : Tshark.conversations(file)) {
            rows++;
            boolean aFirst = row.addressA().compareTo(row.addressB()) <= 0;
            String key = aFirst ? row.addressA() + " " + row.addressB() : row.addressB() + " " + row.addressA();
            Pair p = ours.remove(key);
            if (p == null) {
                out.add(file.getFileName() + ": tshark's " + row + " missing");
                continue;
            }
            long[] v = p.framesAndBytes();
            long framesAtoB = v[aFirst ? 0 : 2];
            long bytesAtoB = v[aFirst ? 1 : 3];
            long framesBtoA = v[aFirst ? 2 : 0];
            long bytesBtoA = v[aFirst ? 3 : 1];
            String start = printf((p.times()[0] - firstTime) / 1e9, 9);
            String duration = printf((p.times()[1] - p.times()[0]) / 1e9, 4);
            Tshark.ConversationRow mine = new Tshark.ConversationRow(row.addressA(), row.addressB(), framesBtoA,
                    tsharkBytes(bytesBtoA), framesAtoB, tsharkBytes(bytesAtoB), start, duration);
            if (file.getFileName().toString().equals("fragments.pcap") && row.addressA().equals("fd00::1")) {
                // tshark counts an IPv6 datagram split by a fragment header once, in the frame that
                // completes it; every fragment crossed the wire, so we count both (1294 + 288 bytes).
                mine = new Tshark.ConversationRow(row.addressA(), row.addressB(), framesBtoA, tsharkBytes(bytesBtoA),
                        framesAtoB == 2 && bytesAtoB == 1582 ? 1 : -1, framesAtoB == 2 ? "288 bytes" : "?",
                        row.relativeStart(), row.duration());
            }
            if (!mine.equals(row)) {
                out.add(file.getFileName() + ": tshark " + row + ", ours " + mine);
            }
        }
        for (String extra : ours.keySet()) {
            out.add(file.getFileName() + ": ours has " + extra + ", tshark not");
        }
        if (rows == 0 && out.isEmpty()) {
            out.add(file.getFileName() + ": no conversations at all");
        }
        return out;
    }

    @Test
    void byteAndFrameCountsAsTsharkOnTheSamples() throws Exception {
        assumeTrue(Tshark.available(), "tshark not installed");
        List<String> problems = new ArrayList<>();
        // Every scenario's pod (no tunnel) and underlay (tunnels, outer fragments) captures.
        List<Path> files = new ArrayList<>(TcpAnalysisTsharkTest.singlePointCaptures().stream()
                .filter(f -> f.getFileName().toString().matches(".*-(pod|ens33|eth0|enp0s8)\\.pcap(ng)?")).toList());
        files.add(Path.of(ConversationsTsharkTest.class.getResource("tcp-analysis.pcap").toURI()));
        files.add(Path.of(IpReassembler.class.getResource("/io/tunnelscope/decode/fragments.pcap").toURI()));
        for (Path file : files) {
            problems.addAll(differences(file));
        }
        assertTrue(files.size() > 30, files.size() + " files");
        assertEquals(List.of(), problems.subList(0, Math.min(30, problems.size())));
    }

    @Test
    void tsharkByteFormat() {
        assertEquals("8849 bytes", tsharkBytes(8849));
        assertEquals("10 kB", tsharkBytes(10_000));
        assertEquals("77 kB", tsharkBytes(77_999));
        assertEquals("9999 kB", tsharkBytes(9_999_999));
        assertEquals("10 MB", tsharkBytes(10_000_000));
    }
}
