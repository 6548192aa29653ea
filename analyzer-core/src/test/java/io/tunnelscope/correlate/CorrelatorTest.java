package io.tunnelscope.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.report.CorrelationReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Correlation end to end on two hand-made captures of raw IP (TUN devices): host B's clock runs
 * 3 s ahead of host A's and B's side masquerades A's pod address, as flannel's UDP backend with
 * ip-masq shows it. The recorded samples share one clock; this is where a real offset is proven.
 */
class CorrelatorTest {
    private static final long OFFSET = 3_000_000_000L;

    @Test
    void offsetPathsAndNatAcrossHostsWithSkewedClocks(@TempDir Path dir) throws IOException {
        Pcap a = new Pcap();
        Pcap b = new Pcap();
        long t = 1_700_000_000_000_000_000L;
        for (int seq = 1; seq <= 20; seq++) {
            // request: pod 10.1.0.2 -> 10.2.0.2, seen on A, then on B (SNATed to 10.1.0.0) 120 us later
            a.add(t, echo("10.1.0.2", "10.2.0.2", 8, 100 + seq, seq));
            b.add(t + 120_000 + OFFSET, echo("10.1.0.0", "10.2.0.2", 8, 100 + seq, seq));
            // reply seen on B, then on A (un-SNATed) 140 us later
            b.add(t + 500_000 + OFFSET, echo("10.2.0.2", "10.1.0.0", 0, 900 + seq, seq));
            a.add(t + 640_000, echo("10.2.0.2", "10.1.0.2", 0, 900 + seq, seq));
            t += 1_000_000_000L;
        }
        Path fileA = a.write(dir.resolve("hostA-flannel0.pcap"));
        Path fileB = b.write(dir.resolve("hostB-flannel0.pcap"));

        CorrelationReport report = Correlator.correlate(List.of(fileA, fileB), new Correlator.Options());

        assertEquals(List.of(), report.errors());
        Map<String, Long> offsets = report.clockOffsets().stream()
                .collect(Collectors.toMap(CorrelationReport.ClockOffset::point, CorrelationReport.ClockOffset::offsetNanos));
        assertEquals(0, offsets.get("hostA-flannel0"));
        assertTrue(Math.abs(offsets.get("hostB-flannel0") - (OFFSET - 10_000)) <= 1_000,
                "B is 3 s ahead (less half the 20 us asymmetry): " + offsets);

        Map<List<String>, Long> paths = report.paths().stream()
                .collect(Collectors.toMap(CorrelationReport.Path::points, CorrelationReport.Path::packets));
        assertEquals(Map.of(List.of("hostA-flannel0", "hostB-flannel0"), 20L,
                List.of("hostB-flannel0", "hostA-flannel0"), 20L), paths);
        CorrelationReport.HopLatency hop = report.paths().get(0).hopLatencyNanos().get(0);
        assertTrue(hop.p50() > 100_000 && hop.p50() < 160_000, "one-way latency after correction: " + hop);

        assertEquals(1, report.nat().size());
        CorrelationReport.Nat nat = report.nat().get(0);
        assertEquals(List.of("SNAT", "10.1.0.2", "10.1.0.0", "hostA-flannel0", "hostB-flannel0"),
                List.of(nat.kind(), nat.original(), nat.translated(), nat.from(), nat.to()));
        assertEquals(20, nat.packets());
        assertEquals(20, nat.replyPackets());
        assertEquals("hostA-flannel0 frame 1", nat.evidence().get(0).toString());
        assertEquals("hostB-flannel0 frame 1", nat.evidence().get(1).toString());
        assertEquals(List.of("overlay-tun", "overlay-tun"),
                report.points().stream().map(CorrelationReport.Point::role).toList());
    }

    @Test
    void aBrokenFileIsReportedAndTheRestIsCorrelated(@TempDir Path dir) throws IOException {
        Pcap a = new Pcap();
        Pcap b = new Pcap();
        long t = 1_700_000_000_000_000_000L;
        for (int seq = 1; seq <= 5; seq++) {
            a.add(t + seq * 1_000_000L, echo("10.1.0.2", "10.2.0.2", 8, seq, seq));
            b.add(t + seq * 1_000_000L + 50_000, echo("10.1.0.2", "10.2.0.2", 8, seq, seq));
        }
        Path fileA = a.write(dir.resolve("a.pcap"));
        byte[] whole = b.bytes();
        Path fileB = Files.write(dir.resolve("b.pcap"), Arrays.copyOf(whole, whole.length - 10));
        CorrelationReport report = Correlator.correlate(List.of(fileA, fileB), new Correlator.Options());
        assertEquals(1, report.errors().size());
        assertTrue(report.errors().get(0).startsWith(fileB + ": offset "), report.errors().toString());
        assertEquals(4, report.paths().stream().filter(p -> p.points().size() == 2)
                .mapToLong(CorrelationReport.Path::packets).sum(), "the four whole packets of b still match");
    }

    /** An IPv4 ICMP echo packet with valid checksums and a 16-byte payload. */
    private static byte[] echo(String src, String dst, int type, int ipId, int seq) {
        ByteBuffer p = ByteBuffer.allocate(44);
        p.put((byte) 0x45).put((byte) 0).putShort((short) 44).putShort((short) ipId).putShort((short) 0)
                .put((byte) 64).put((byte) 1).putShort((short) 0);
        p.put(address(src)).put(address(dst));
        p.put((byte) type).put((byte) 0).putShort((short) 0).putShort((short) 77).putShort((short) seq);
        for (int i = 0; i < 16; i++) {
            p.put((byte) (seq + i));
        }
        byte[] bytes = p.array();
        ByteBuffer.wrap(bytes).putShort(10, checksum(bytes, 0, 20));
        ByteBuffer.wrap(bytes).putShort(22, checksum(bytes, 20, 44));
        return bytes;
    }

    private static byte[] address(String dotted) {
        byte[] out = new byte[4];
        String[] parts = dotted.split("\\.");
        for (int i = 0; i < 4; i++) {
            out[i] = (byte) Integer.parseInt(parts[i]);
        }
        return out;
    }

    private static short checksum(byte[] b, int from, int to) {
        long sum = 0;
        for (int i = from; i < to; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (i + 1 < to ? b[i + 1] & 0xff : 0);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (short) ~sum;
    }

    /** A little-endian microsecond pcap of raw IPv4 (LINKTYPE_RAW, as a TUN device captures). */
    private static final class Pcap {
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        Pcap() {
            buffer.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                    .putInt(65535).putInt(101);
        }

        void add(long nanos, byte[] packet) {
            buffer.putInt((int) (nanos / 1_000_000_000L)).putInt((int) (nanos % 1_000_000_000L / 1000))
                    .putInt(packet.length).putInt(packet.length).put(packet);
        }

        byte[] bytes() {
            return Arrays.copyOf(buffer.array(), buffer.position());
        }

        Path write(Path file) throws IOException {
            return Files.write(file, bytes());
        }
    }
}
