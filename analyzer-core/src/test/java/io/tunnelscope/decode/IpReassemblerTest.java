package io.tunnelscope.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.testing.RecordedSamples;
import io.tunnelscope.testing.Tshark;
import io.tunnelscope.testing.TsharkOracle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link IpReassembler} against tshark's {@code ip.defragment}/{@code ipv6.defragment}: the same
 * layers, addresses, ports and VNIs on every frame of a scripted capture (in order, out of order,
 * a duplicate, IPv6, an inner datagram split inside the tunnel, one never completed) and of every
 * recorded sample with fragments; and what each fragment shows.
 */
class IpReassemblerTest {

    private static Path scripted() throws Exception {
        return Path.of(IpReassemblerTest.class.getResource("fragments.pcap").toURI());
    }

    /** What each frame shows after the reassembler: the one-line summary, and the fragments of completed datagrams. */
    private static Map<Long, String> lines(Path file) throws Exception {
        Map<Long, String> out = new TreeMap<>();
        DecodeTables tables = DecodeTables.defaults();
        PacketDecoder decoder = new PacketDecoder(tables);
        IpReassembler reassembler = new IpReassembler(tables);
        PacketLineFormatter formatter = new PacketLineFormatter(java.time.ZoneOffset.UTC, false);
        PacketRecord record = new PacketRecord();
        try (CaptureReader reader = CaptureReaders.open(file)) {
            while (reader.next(record)) {
                LayerStack stack = reassembler.offer(0, decoder.decode(record), record.frameNumber(),
                        record.timestampNanos());
                StringBuilder line = new StringBuilder();
                formatter.appendSummary(stack, line);
                if (reassembler.lastFragmentCount() > 0) {
                    line.append(" [fragments");
                    for (int k = 0; k < reassembler.lastFragmentCount(); k++) {
                        line.append(' ').append(reassembler.lastFragmentFrame(k));
                    }
                    line.append(']');
                }
                out.put(record.frameNumber(), line.toString());
            }
        }
        return out;
    }

    @Test
    void scriptedFragmentsAsTshark() throws Exception {
        assumeTrue(Tshark.available(), "tshark not installed");
        assertEquals(List.of(), TsharkOracle.disagreements(scripted(), 20, true));
    }

    @Test
    void completingFragmentShowsTheTunnelAndTheOthersTheirFragmentData() throws Exception {
        Map<Long, String> lines = lines(scripted());
        assertEquals("192.168.1.1 > 192.168.1.2: fragment of udp, length 1376 (frag 4097:1376@0+)", lines.get(1L));
        assertTrue(lines.get(2L).startsWith("192.168.1.1.40100 > 192.168.1.2.8472: VXLAN vni 1 | 10.244.1.2 > "
                + "10.244.2.3: ICMP echo request, id 7, seq 1, length 1408"), lines.get(2L));
        assertTrue(lines.get(2L).endsWith("[fragments 1 2]"), lines.get(2L));
        // Out of order with a duplicate: the middle fragment completes it, after the first one twice.
        assertTrue(lines.get(6L).contains("VXLAN vni 1 | 10.244.1.2 > 10.244.2.3: ICMP echo request, id 7, seq 2"),
                lines.get(6L));
        assertTrue(lines.get(6L).endsWith("[fragments 3 4 5 6]"), lines.get(6L));
        assertTrue(lines.get(8L).contains("fd00::1.40101 > fd00::2.8472: VXLAN vni 2 | 10.244.1.2 > 10.244.2.3: ICMP"),
                lines.get(8L));
        // The inner datagram: the tunnel is shown on both, the TCP segment once, whole.
        assertTrue(lines.get(9L).contains("VXLAN vni 1 | 10.244.1.2 > 10.244.2.3: fragment of tcp"), lines.get(9L));
        assertTrue(lines.get(10L).contains("VXLAN vni 1 | 10.244.1.2.40000 > 10.244.2.3.80: Flags [P.]"),
                lines.get(10L));
        assertTrue(lines.get(10L).contains("length 1800"), lines.get(10L));
        // Never completed: both stay fragments.
        assertTrue(lines.get(11L).contains("fragment of udp"), lines.get(11L));
        assertTrue(lines.get(12L).contains("fragment of udp"), lines.get(12L));
        assertTrue(lines.get(13L).contains("seq 6"), lines.get(13L));
    }

    @Test
    void everySampleWithFragmentsAsTshark() throws Exception {
        assumeTrue(Tshark.available(), "tshark not installed");
        List<String> problems = new ArrayList<>();
        int files = 0;
        for (Path scenario : RecordedSamples.scenarios()) {
            for (Path file : RecordedSamples.captures(scenario)) {
                String name = file.getFileName().toString();
                if (name.contains("-any.") || name.contains("-multi.") || !hasFragments(file)) {
                    continue; // tshark reassembles across the points of a file; we do not
                }
                files++;
                for (String p : TsharkOracle.disagreements(file, 5, true)) {
                    problems.add(scenario.getFileName() + "/" + name + ": " + p);
                }
            }
        }
        assertTrue(files >= 5, files + " sample files with fragments");
        assertEquals(List.of(), problems);
    }

    private static boolean hasFragments(Path file) throws Exception {
        PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
        PacketView view = new PacketView();
        PacketRecord record = new PacketRecord();
        try (CaptureReader reader = CaptureReaders.open(file)) {
            while (reader.next(record)) {
                if (IpReassembler.fragmentedIpLayer(view.wrap(decoder.decode(record))) >= 0) {
                    return true;
                }
            }
        }
        return false;
    }
}
