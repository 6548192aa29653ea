package io.tunnelscope.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every corpus capture opens and yields the packet count the reference tools report. */
class CorpusReadTest {

    /**
     * Packet counts computed once with {@code tshark -r FILE -T fields -e frame.number | wc -l}
     * (identical to {@code capinfos -Mc FILE}). {@code tcpdump -n -r FILE | wc -l} agrees except for
     * the gso-*-vxlan-* and vxlan*.pcap files, where tcpdump prints more than one line per packet.
     */
    static final Map<String, Long> COUNTS = new TreeMap<>(Map.ofEntries(
            Map.entry("LINKTYPE_RAW_ipv4.pcap", 1L),
            Map.entry("LINKTYPE_RAW_ipv6.pcap", 1L),
            Map.entry("bigtcp-ipv4-geneve-ipv4.pcap", 1L),
            Map.entry("bigtcp-ipv4-geneve-ipv6.pcap", 1L),
            Map.entry("bigtcp-ipv4-vxlan-ipv4.pcap", 1L),
            Map.entry("bigtcp-ipv4-vxlan-ipv6.pcap", 1L),
            Map.entry("bigtcp-ipv4.pcap", 1L),
            Map.entry("bigtcp-ipv6-geneve-ipv4.pcap", 1L),
            Map.entry("bigtcp-ipv6-geneve-ipv6.pcap", 1L),
            Map.entry("bigtcp-ipv6-hbh.pcap", 1L),
            Map.entry("bigtcp-ipv6-vxlan-ipv4.pcap", 1L),
            Map.entry("bigtcp-ipv6-vxlan-ipv6.pcap", 1L),
            Map.entry("bigtcp-ipv6.pcap", 1L),
            Map.entry("geneve-gcp.pcap", 1L),
            Map.entry("geneve.pcap", 39L),
            Map.entry("gso-ipv4-geneve-ipv4.pcap", 1L),
            Map.entry("gso-ipv4-geneve-ipv6.pcap", 1L),
            Map.entry("gso-ipv4-vxlan-ipv4.pcap", 1L),
            Map.entry("gso-ipv4-vxlan-ipv6.pcap", 1L),
            Map.entry("gso-ipv4.pcap", 1L),
            Map.entry("gso-ipv6-geneve-ipv4.pcap", 1L),
            Map.entry("gso-ipv6-geneve-ipv6.pcap", 1L),
            Map.entry("gso-ipv6-vxlan-ipv4.pcap", 1L),
            Map.entry("gso-ipv6-vxlan-ipv6.pcap", 1L),
            Map.entry("gso-ipv6.pcap", 1L),
            Map.entry("ip6_frag_asan.pcap", 1L),
            Map.entry("ipv6_frag6_negative_len.pcap", 1L),
            Map.entry("tcp-handshake-nano.pcap", 3L),
            Map.entry("vxlan.pcap", 10L),
            Map.entry("vxlan_port_8472.pcap", 10L),
            Map.entry("empty.pcapng", 0L)));

    @Test
    void everyCorpusFileIsListed() throws IOException {
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(Corpus.root().resolve("tcpdump"))) {
            s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".pcap") || n.endsWith(".pcapng"))
                    .sorted().forEach(files::add);
        }
        assertEquals(new ArrayList<>(COUNTS.keySet()), files);
    }

    @Test
    void countsMatchTshark() throws IOException {
        for (Map.Entry<String, Long> e : COUNTS.entrySet()) {
            Path file = Corpus.tcpdump(e.getKey());
            PacketRecord r = new PacketRecord();
            long n = 0;
            long lastOffset = -1;
            try (CaptureReader reader = CaptureReaders.open(file)) {
                assertEquals(file.toString(), reader.name());
                while (reader.next(r)) {
                    n++;
                    assertEquals(n, r.frameNumber(), e.getKey());
                    assertTrue(r.fileOffset() > lastOffset, e.getKey());
                    lastOffset = r.fileOffset();
                    assertEquals(ByteOrder.BIG_ENDIAN, r.buffer().order());
                    assertTrue(r.capturedLength() <= r.originalLength(), e.getKey());
                }
                assertEquals(1, reader.interfaces().size());
            }
            assertEquals(e.getValue(), n, e.getKey());
        }
    }

    /** {@code tshark -r tcp-handshake-nano.pcap -T fields -e frame.time_epoch -e frame.len -e frame.cap_len}. */
    @Test
    void nanosecondTimestampsMatchTshark() throws IOException {
        long[] expected = {1418145369_924505488L, 1418145370_052027262L, 1418145370_052115157L};
        int[] lengths = {76, 76, 68};
        PacketRecord r = new PacketRecord();
        try (CaptureReader reader = CaptureReaders.open(Corpus.tcpdump("tcp-handshake-nano.pcap"))) {
            assertEquals(CaptureFormat.PCAP, reader.format());
            CaptureInterface itf = reader.interfaces().get(0);
            assertEquals(LinkType.LINUX_SLL, itf.linkType());
            assertEquals(262144, itf.snapLength());
            assertEquals(1_000_000_000L, itf.ticksPerSecond());
            for (int i = 0; i < expected.length; i++) {
                assertTrue(reader.next(r));
                assertEquals(expected[i], r.timestampNanos());
                assertEquals(lengths[i], r.capturedLength());
                assertEquals(lengths[i], r.originalLength());
                assertEquals(LinkType.LINUX_SLL, r.linkType());
                assertEquals(-1, r.interfaceId());
            }
            assertEquals(24, firstOffset());
            assertTrue(!reader.next(r));
        }
    }

    private static long firstOffset() throws IOException {
        try (CaptureReader reader = CaptureReaders.open(Corpus.tcpdump("tcp-handshake-nano.pcap"))) {
            PacketRecord r = new PacketRecord();
            reader.next(r);
            byte[] bytes = Files.readAllBytes(Corpus.tcpdump("tcp-handshake-nano.pcap"));
            byte[] expected = java.util.Arrays.copyOfRange(bytes, 40, 40 + r.capturedLength());
            assertArrayEquals(expected, r.copyBytes());
            return r.fileOffset();
        }
    }
}
