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
import io.tunnelscope.testing.RecordedSamples;
import io.tunnelscope.testing.Tshark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link TcpAnalysis} against tshark's {@code tcp.analysis.*} (both reassembling IP fragments, so
 * the TCP segments in tunnel packets the underlay split are analysed) on every recorded sample capture
 * that is one capture point (tshark analyses a file as one point, so an {@code any} capture or a
 * multi-interface pcapng would show every packet seen twice as a retransmission): the same flags
 * on every TCP frame, the same ACK RTTs, duplicate-ACK numbers and stream numbers.
 */
class TcpAnalysisTsharkTest {

    /** Our analysis of one file, by frame number (TCP frames only). */
    static Map<Long, Tshark.TcpFrame> analyse(Path file) throws Exception {
        Map<Long, Tshark.TcpFrame> out = new TreeMap<>();
        PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
        PacketView view = new PacketView();
        PacketRecord record = new PacketRecord();
        TcpAnalysis analysis = new TcpAnalysis();
        TcpFacts facts = new TcpFacts();
        IpReassembler reassembler = new IpReassembler(DecodeTables.defaults());
        try (CaptureReader reader = CaptureReaders.open(file)) {
            while (reader.next(record)) {
                view.wrap(reassembler.offer(0, decoder.decode(record), record.frameNumber(), record.timestampNanos()));
                if (analysis.analyze(0, view, record.frameNumber(), record.timestampNanos(), facts)) {
                    Set<String> flags = new TreeSet<>();
                    for (TcpAnalysis.Flag f : TcpAnalysis.FLAGS) {
                        if (facts.has(f.bit())) {
                            flags.add(f.field());
                        }
                    }
                    out.put(record.frameNumber(), new Tshark.TcpFrame(record.frameNumber(), flags,
                            facts.ackRttNanos(), facts.duplicateAckNumber(), facts.stream()));
                }
            }
        }
        return out;
    }

    static List<Path> singlePointCaptures() throws Exception {
        List<Path> files = new ArrayList<>();
        for (Path scenario : RecordedSamples.scenarios()) {
            for (Path f : RecordedSamples.captures(scenario)) {
                // One interface that is not an any capture (Linux cooked): one capture point.
                try (io.tunnelscope.capture.CaptureReader reader = io.tunnelscope.capture.CaptureReaders.open(f)) {
                    io.tunnelscope.capture.PacketRecord record = new io.tunnelscope.capture.PacketRecord();
                    reader.next(record);
                    int linkType = record.linkType();
                    if (reader.interfaces().size() == 1 && linkType != io.tunnelscope.capture.LinkType.LINUX_SLL
                            && linkType != io.tunnelscope.capture.LinkType.LINUX_SLL2) {
                        files.add(f);
                    }
                }
            }
        }
        return files;
    }

    /** Differences between tshark and us on one file, one line per frame. */
    private static List<String> differences(Path file) throws Exception {
        return differences(file, Tshark.tcpAnalysis(file, true));
    }

    private static List<String> differences(Path file, Map<Long, Tshark.TcpFrame> expected) throws Exception {
        Map<Long, Tshark.TcpFrame> actual = analyse(file);
        Set<Long> numbers = new TreeSet<>(expected.keySet());
        numbers.addAll(actual.keySet());
        List<String> out = new ArrayList<>();
        for (long n : numbers) {
            Tshark.TcpFrame e = expected.get(n);
            Tshark.TcpFrame a = actual.get(n);
            if (e == null || !e.equals(a)) {
                out.add(file.getParent().getFileName() + "/" + file.getFileName() + " frame " + n
                        + ": tshark " + e + ", ours " + a);
            }
        }
        return out;
    }

    /**
     * Every flag on a scripted capture ({@code make-tcp-analysis.py}: the same two conversations
     * in plain IPv4 and inside VXLAN, the second with sequence numbers that wrap).
     */
    @Test
    void everyFlagAsTsharkOnAScriptedCapture() throws Exception {
        assumeTrue(Tshark.available(), "tshark not installed");
        Path file = Path.of(TcpAnalysisTsharkTest.class.getResource("tcp-analysis.pcap").toURI());
        List<String> differences = differences(file);
        assertTrue(differences.isEmpty(), String.join("\n", differences));
        Map<Long, Tshark.TcpFrame> ours = analyse(file);
        Set<String> seen = new TreeSet<>();
        ours.values().forEach(f -> seen.addAll(f.flags()));
        for (TcpAnalysis.Flag f : TcpAnalysis.FLAGS) {
            assertTrue(seen.contains(f.field()), f.field() + " never raised: " + seen);
        }
        assertEquals(4, ours.values().stream().mapToInt(Tshark.TcpFrame::stream).max().orElse(-1) + 1,
                "two conversations, each with its ports reused once");
    }

    /**
     * tcpdump's pptp.pcap holds every segment of one side twice, a SYN-ACK and a FIN among them:
     * a SYN or FIN takes a sequence number, so its copy is a retransmission, as tshark has it, not
     * out of order.
     */
    @Test
    void repeatedSynAndFinAreRetransmissionsAsTsharkHasThem() throws Exception {
        assumeTrue(Tshark.available(), "tshark not installed");
        Path pptp = io.tunnelscope.testing.Corpus.fixture("third-party/pptp.pcap");
        Map<Long, Tshark.TcpFrame> expected = Tshark.tcpAnalysis(pptp, true);
        assertEquals(List.of(3L, 9L, 14L, 20L), expected.values().stream()
                .filter(f -> f.flags().contains("tcp.analysis.retransmission")).map(Tshark.TcpFrame::number).toList());
        assertEquals(List.of(), differences(pptp, expected));
    }

    @Test
    void flagsRttAndStreamsAsTsharkOnEverySinglePointSample() throws Exception {
        assumeTrue(Tshark.available(), "tshark not installed");
        int frames = 0;
        int flagged = 0;
        int rtts = 0;
        List<String> differences = new ArrayList<>();
        for (Path file : singlePointCaptures()) {
            if (analyse(file).isEmpty()) {
                continue; // no TCP (the decode oracle tests hold the decoder to tshark's layers)
            }
            Map<Long, Tshark.TcpFrame> expected = Tshark.tcpAnalysis(file, true);
            differences.addAll(differences(file, expected));
            for (Tshark.TcpFrame e : expected.values()) {
                frames++;
                flagged += !e.flags().isEmpty() ? 1 : 0;
                rtts += e.ackRttNanos() > 0 ? 1 : 0;
            }
        }
        assertTrue(differences.isEmpty(), differences.size() + " differences:\n"
                + String.join("\n", differences.subList(0, Math.min(40, differences.size()))));
        assertTrue(frames > 1000, frames + " TCP frames compared");
        assertTrue(flagged > 50, flagged + " frames with analysis flags");
        assertTrue(rtts > 500, rtts + " frames with an ACK RTT");
    }

    /**
     * An {@code any} capture sees each packet at several devices: tshark, analysing the file as
     * one point, calls the copies retransmissions; analysed per capture point they are none, and
     * each point agrees with the file recorded on that device alone.
     */
    @Test
    void anyCapturesAnalysedPerPointHaveNoCopiesTakenForRetransmissions() throws Exception {
        assumeTrue(Tshark.available(), "tshark not installed");
        Path scenario = RecordedSamples.scenarios().stream()
                .filter(p -> p.getFileName().toString().equals("vxlan-masq")).findFirst().orElseThrow();
        Path any = scenario.resolve("host1-any.pcap");
        long tsharkRetransmissions = Tshark.tcpAnalysis(any, false).values().stream()
                .filter(f -> f.flags().contains("tcp.analysis.retransmission")).count();
        assertTrue(tsharkRetransmissions > 20, tsharkRetransmissions + " copies tshark calls retransmissions");

        PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
        PacketView view = new PacketView();
        PacketRecord record = new PacketRecord();
        TcpAnalysis perPoint = new TcpAnalysis();
        TcpFacts facts = new TcpFacts();
        io.tunnelscope.collect.NameIds points = new io.tunnelscope.collect.NameIds();
        Map<String, Integer> retransmissionsByPoint = new TreeMap<>();
        try (CaptureReader reader = CaptureReaders.open(any)) {
            while (reader.next(record)) {
                io.tunnelscope.decode.LayerStack stack = decoder.decode(record);
                view.wrap(stack);
                String point = io.tunnelscope.decode.PointNames.of("host1-any", reader.interfaces(),
                        record.interfaceId(), stack);
                if (perPoint.analyze(points.id(point), view, record.frameNumber(), record.timestampNanos(), facts)
                        && facts.has(TcpAnalysis.RETRANSMISSION)) {
                    retransmissionsByPoint.merge(point, 1, Integer::sum);
                }
            }
        }
        long dedicated = Tshark.tcpAnalysis(scenario.resolve("host1-pod.pcap"), false).values().stream()
                .filter(f -> f.flags().contains("tcp.analysis.retransmission")).count();
        for (Map.Entry<String, Integer> e : retransmissionsByPoint.entrySet()) {
            assertTrue(e.getValue() <= dedicated, e + ": more than the pod's own capture (" + dedicated + ")");
        }
        int ours = retransmissionsByPoint.values().stream().mapToInt(Integer::intValue).sum();
        assertTrue(ours * 4 < tsharkRetransmissions, ours + " retransmissions per point, tshark " + tsharkRetransmissions
                + " in the whole file");
    }
}
