package io.tunnelscope.testing;

import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.IpReassembler;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.LayerType;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.proto.flannel.FlannelUdp;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares the fast path's decode of every packet of a capture with tshark's: the layer chain,
 * every IPv4/IPv6 source and destination, UDP/TCP ports and VXLAN/Geneve VNIs (quoted headers of
 * ICMP errors included, as tshark dissects them too), and the checksum verdicts (see
 * {@link #checksumDisagreements}). Decodes with flannel UDP on 8285 as tshark's
 * {@code -d udp.port==8285,ip} does.
 */
public final class TsharkOracle {
    private TsharkOracle() {
    }

    /** Compares one packet as tshark and the fast path decoded it, adding what differs. */
    private interface PacketComparison {
        void compare(List<String> problems, Tshark.Frame frame, LayerStack stack);
    }

    /**
     * Decodes every packet of the capture (flannel UDP on 8285, no VXLAN heuristic, as tshark is
     * told) and compares it with tshark's frame; stops at {@code limit} problems.
     */
    private static List<String> compareAll(Path capture, int limit, boolean sameFrameCount, boolean reassemble,
                                           PacketComparison comparison) throws IOException, InterruptedException {
        List<Tshark.Frame> frames = Tshark.frames(capture, reassemble);
        DecodeTables tables = DecodeTables.builder()
                .decodeAs(8285, FlannelUdp.DESCRIPTOR).heuristicVxlan(false).build();
        PacketDecoder decoder = new PacketDecoder(tables);
        IpReassembler reassembler = reassemble ? new IpReassembler(tables) : null;
        PacketRecord record = new PacketRecord();
        List<String> problems = new ArrayList<>();
        int index = 0;
        try (CaptureReader reader = CaptureReaders.open(capture)) {
            while (problems.size() < limit && reader.next(record)) {
                if (index >= frames.size()) {
                    if (sameFrameCount) {
                        problems.add("frame " + record.frameNumber() + ": tshark has no such frame");
                    }
                    break;
                }
                LayerStack stack = decoder.decode(record);
                if (reassembler != null) {
                    stack = reassembler.offer(0, stack, record.frameNumber(), record.timestampNanos());
                }
                comparison.compare(problems, frames.get(index++), stack);
            }
        }
        if (sameFrameCount && problems.size() < limit && index < frames.size()) {
            problems.add("tshark has " + frames.size() + " frames, the reader returned " + index);
        }
        return problems;
    }

    /** The disagreements, one line each, at most {@code limit} of them; empty when they agree. */
    public static List<String> disagreements(Path capture, int limit) throws IOException, InterruptedException {
        return disagreements(capture, limit, false);
    }

    /**
     * As {@link #disagreements(Path, int)}; with {@code reassemble} tshark reassembles IP fragments
     * and the fast path puts each packet through an {@link IpReassembler} (one capture point); the
     * checksum verdicts are then left out (tshark judges the reassembled datagram's).
     */
    public static List<String> disagreements(Path capture, int limit, boolean reassemble)
            throws IOException, InterruptedException {
        return compareAll(capture, limit, true, reassemble, (problems, frame, stack) -> {
            compare(problems, frame, "protocols", DecodedFacts.tsharkProtocols(stack),
                    DecodedFacts.comparableTsharkProtocols(frame.protocols()));
            compare(problems, frame, "ip.src", DecodedFacts.addresses(stack, LayerType.IPV4, true), frame.ipSrc());
            compare(problems, frame, "ip.dst", DecodedFacts.addresses(stack, LayerType.IPV4, false), frame.ipDst());
            compare(problems, frame, "ipv6.src", DecodedFacts.addresses(stack, LayerType.IPV6, true), frame.ipv6Src());
            compare(problems, frame, "ipv6.dst", DecodedFacts.addresses(stack, LayerType.IPV6, false), frame.ipv6Dst());
            compare(problems, frame, "udp.srcport", DecodedFacts.ports(stack, LayerType.UDP, true), frame.udpSrcPort());
            compare(problems, frame, "udp.dstport", DecodedFacts.ports(stack, LayerType.UDP, false), frame.udpDstPort());
            compare(problems, frame, "tcp.srcport", DecodedFacts.ports(stack, LayerType.TCP, true), frame.tcpSrcPort());
            compare(problems, frame, "tcp.dstport", DecodedFacts.ports(stack, LayerType.TCP, false), frame.tcpDstPort());
            List<String> tsharkVnis = new ArrayList<>();
            frame.vxlanVni().forEach(tsharkVnis::add);
            frame.geneveVni().forEach(v -> tsharkVnis.add(Long.toString(Long.decode(v))));
            List<String> ours = new ArrayList<>();
            DecodedFacts.vnis(stack).forEach(v -> ours.add(Long.toString(v)));
            if (frame.vxlanVni().isEmpty() || frame.geneveVni().isEmpty()) {
                compare(problems, frame, "vni", ours, tsharkVnis);
            }
            if (!reassemble) {
                compareChecksums(problems, frame, stack);
            }
        });
    }

    /**
     * Only the checksum verdicts, on captures whose layers tshark may decode differently (a
     * protocol the fast path leaves as payload, a header it refuses): for each of the IPv4 header,
     * TCP, UDP, ICMP and ICMPv6, the fast path's layers of that protocol (quoted IPv4 headers
     * included, as both verify them; quoted transport headers left out, as the fast path does not
     * verify a quote's cut checksum) are paired with tshark's first occurrences, and a checksum the
     * fast path notes as wrong must be one tshark finds bad, and the other way round; transport
     * checksums inside a fragment, which the fast path does not verify, are left out.
     */
    public static List<String> checksumDisagreements(Path capture, int limit) throws IOException, InterruptedException {
        return compareAll(capture, limit, false, false, TsharkOracle::compareChecksums);
    }

    private static void compareChecksums(List<String> problems, Tshark.Frame frame, LayerStack stack) {
        for (Map.Entry<String, List<Boolean>> entry : DecodedFacts.checksumVerdicts(stack).entrySet()) {
            List<Boolean> ours = entry.getValue();
            List<String> theirs = frame.checksums().getOrDefault(entry.getKey(), List.of());
            boolean differ = false;
            for (int i = 0; i < ours.size(); i++) {
                Boolean wrong = ours.get(i);
                // Not verified here (inside a fragment): tshark's verdict on a partial segment says nothing.
                if (wrong != null) {
                    differ |= i < theirs.size() ? wrong != Tshark.CHECKSUM_BAD.equals(theirs.get(i)) : wrong;
                }
            }
            if (differ) {
                problems.add("frame " + frame.number() + " " + entry.getKey() + " checksum wrong: tunnelscope "
                        + ours + ", tshark " + theirs);
            }
        }
    }

    private static void compare(List<String> problems, Tshark.Frame frame, String field,
                                List<String> ours, List<String> theirs) {
        List<String> a = lower(ours);
        List<String> b = lower(theirs);
        if (!a.equals(b)) {
            problems.add("frame " + frame.number() + " " + field + ": tunnelscope " + a + ", tshark " + b);
        }
    }

    private static List<String> lower(List<String> values) {
        List<String> out = new ArrayList<>(values.size());
        for (String v : values) {
            out.add(v.toLowerCase(Locale.ROOT));
        }
        return out;
    }
}
