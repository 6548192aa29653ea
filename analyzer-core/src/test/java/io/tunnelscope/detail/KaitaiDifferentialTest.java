package io.tunnelscope.detail;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketView;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Kaitai detail view as an oracle for the fast path: for every packet of the corpus
 * captures, the committed fixtures and samples/captures, the Kaitai tree and
 * {@link PacketDecoder}/{@link PacketView} agree on the outer and inner IP source, destination
 * and protocol, their UDP/TCP ports, and the VXLAN/Geneve VNI. Likewise the Kaitai pcap/pcapng
 * specs and {@link CaptureReaders} agree on every record.
 *
 * <p>The decoder's VXLAN heuristic (VXLAN recognised on an unregistered port) is turned off: the
 * specs dissect by port only. Layers inside the quote of an ICMP error are not compared (the view
 * skips them too).
 */
class KaitaiDifferentialTest {

    /** What both sides must agree on for one IP header. */
    record Ip(String src, String dst, int protocol, int srcPort, int dstPort) {
    }

    /** What both sides must agree on for one packet. */
    record Summary(Ip outer, Ip inner, long vni) {
    }

    private static final DecodeTables TABLES = DecodeTables.builder().heuristicVxlan(false).build();

    static List<Path> captures() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(TestFiles.corpus().resolve("tcpdump"))) {
            s.filter(KaitaiDifferentialTest::isCapture).sorted().forEach(files::add);
        }
        files.add(TestFiles.fixture("geneve.pcapng"));
        Path samples = TestFiles.projectRoot().resolve("samples").resolve("captures");
        if (Files.isDirectory(samples)) {
            try (Stream<Path> s = Files.walk(samples)) {
                s.filter(KaitaiDifferentialTest::isCapture).sorted().forEach(files::add);
            }
        }
        return files;
    }

    private static boolean isCapture(Path p) {
        String n = p.getFileName().toString();
        return Files.isRegularFile(p) && (n.endsWith(".pcap") || n.endsWith(".pcapng")
            || n.endsWith(".pcap.gz") || n.endsWith(".pcapng.gz"));
    }

    @Test
    void kaitaiTreeAgreesWithTheDecoder() throws IOException {
        PacketDecoder decoder = new PacketDecoder(TABLES);
        PacketView view = new PacketView();
        PacketRecord record = new PacketRecord();
        int packets = 0;
        int tunnelled = 0;
        List<String> disagreements = new ArrayList<>();
        for (Path file : captures()) {
            try (CaptureReader reader = CaptureReaders.open(file)) {
                while (reader.next(record)) {
                    packets++;
                    Summary fast = fromDecoder(view.wrap(decoder.decode(record)));
                    FieldNode tree = PacketDetails.dissect(record.copyBytes(), record.linkType());
                    Summary kaitai = fromTree(tree);
                    if (kaitai.vni() >= 0) {
                        tunnelled++;
                    }
                    if (!fast.equals(kaitai)) {
                        disagreements.add(file.getFileName() + " frame " + record.frameNumber()
                            + ":\n  decoder " + fast + "\n  kaitai  " + kaitai);
                    }
                }
            }
        }
        assertTrue(disagreements.isEmpty(), disagreements.size() + " of " + packets
            + " packets disagree:\n" + String.join("\n", disagreements));
        assertTrue(packets >= 100, "only " + packets + " packets compared");
        assertTrue(tunnelled >= 60, "only " + tunnelled + " tunnelled packets compared");
    }

    /** Cases the corpus lacks: flannel UDP, VLAN tags, fragments, ICMP quotes, reversed ports. */
    @Test
    void handMadePacketsAgree() {
        byte[] a = {10, (byte) 244, 1, 2};
        byte[] b = {10, (byte) 244, 2, 3};
        byte[] h1 = {(byte) 192, (byte) 168, 0, 1};
        byte[] h2 = {(byte) 192, (byte) 168, 0, 2};
        byte[] echo = {8, 0, 0, 0, 0, 1, 0, 1};
        byte[] innerIcmp = PacketDetailsTest.ipv4(a, b, 1, echo);
        byte[] vxlan = TestFiles.packet("vxlan.pcap", 1).data();
        byte[] vxlanUdp = Arrays.copyOfRange(vxlan, 34, vxlan.length); // UDP header onwards
        byte[] geneve = TestFiles.packet("geneve.pcap", 3).data();

        List<byte[]> packets = new ArrayList<>();
        // flannel UDP, either direction.
        packets.add(PacketDetailsTest.ethernet(0x0800, PacketDetailsTest.ipv4(h1, h2, 17,
            PacketDetailsTest.udp(40000, 8285, innerIcmp))));
        packets.add(PacketDetailsTest.ethernet(0x0800, PacketDetailsTest.ipv4(h2, h1, 17,
            PacketDetailsTest.udp(8285, 40000, innerIcmp))));
        // VXLAN with the well-known port as the source port only.
        byte[] reversed = vxlanUdp.clone();
        reversed[0] = 0x12;
        reversed[1] = (byte) 0xb5; // source 4789
        reversed[2] = (byte) 0x9c;
        reversed[3] = 0x40;        // destination 40000
        packets.add(PacketDetailsTest.ethernet(0x0800, PacketDetailsTest.ipv4(h1, h2, 17, reversed)));
        // 802.1Q-tagged Geneve.
        byte[] tagged = new byte[geneve.length + 4];
        System.arraycopy(geneve, 0, tagged, 0, 12);
        tagged[12] = (byte) 0x81;
        tagged[15] = 7;
        System.arraycopy(geneve, 12, tagged, 16, geneve.length - 12);
        packets.add(tagged);
        // First fragment (more fragments) of a VXLAN datagram: header decoded, payload not.
        packets.add(PacketDetailsTest.ethernet(0x0800, fragment(h1, h2, 0x2000, vxlanUdp)));
        // A later fragment: no transport header at all.
        packets.add(PacketDetailsTest.ethernet(0x0800, fragment(h1, h2, 0x2000 | 185, vxlanUdp)));
        // ICMP destination unreachable quoting a VXLAN packet.
        byte[] quote = Arrays.copyOfRange(vxlan, 14, 14 + 20 + 8 + 8 + 14);
        byte[] unreachable = new byte[8 + quote.length];
        unreachable[0] = 3;
        unreachable[1] = 3;
        System.arraycopy(quote, 0, unreachable, 8, quote.length);
        packets.add(PacketDetailsTest.ethernet(0x0800, PacketDetailsTest.ipv4(h2, h1, 1,
            unreachable)));

        PacketDecoder decoder = new PacketDecoder(TABLES);
        PacketView view = new PacketView();
        for (int i = 0; i < packets.size(); i++) {
            byte[] p = packets.get(i);
            LayerStack stack = decoder.decode(ByteBuffer.wrap(p), 0, p.length, p.length, 1);
            Summary fast = fromDecoder(view.wrap(stack));
            FieldNode tree = PacketDetails.dissect(p, 1);
            assertEquals(fast, fromTree(tree), "hand-made packet " + i + "\n" + tree.render());
        }
    }

    /** An IPv4 packet with the given flags/fragment-offset word. */
    private static byte[] fragment(byte[] src, byte[] dst, int flagsOffset, byte[] payload) {
        byte[] p = PacketDetailsTest.ipv4(src, dst, 17, payload);
        p[6] = (byte) (flagsOffset >> 8);
        p[7] = (byte) flagsOffset;
        return p;
    }

    @Test
    void kaitaiCaptureSpecsAgreeWithTheReaders() throws IOException {
        PacketRecord record = new PacketRecord();
        for (Path file : captures()) {
            byte[] bytes = Files.readAllBytes(file);
            CaptureRecords kaitai = PacketDetails.captureRecords(bytes);
            if (kaitai.format().equals("unknown")) {
                continue; // gzip: the specs read the uncompressed formats only
            }
            assertNull(kaitai.error(), file.toString());
            int n = 0;
            try (CaptureReader reader = CaptureReaders.open(file)) {
                while (reader.next(record)) {
                    String where = file.getFileName() + " frame " + record.frameNumber();
                    assertTrue(n < kaitai.records().size(), where + ": Kaitai read fewer records");
                    CaptureRecord k = kaitai.records().get(n++);
                    assertEquals(record.frameNumber(), k.number(), where);
                    assertEquals(record.linkType(), k.linkType(), where);
                    assertEquals(record.capturedLength(), k.capturedLength(), where);
                    assertEquals(record.originalLength(), k.originalLength(), where);
                    assertEquals(record.timestampNanos(), k.timestampNanos(), where);
                    assertArrayEquals(record.copyBytes(), k.data(), where);
                }
            }
            assertEquals(n, kaitai.records().size(), file + ": record count");
        }
    }

    // ---------------------------------------------------------------- decoder side

    private static Summary fromDecoder(PacketView v) {
        return new Summary(ip(v, v.outerIpLayer()), ip(v, v.innerIpLayer()), v.vni());
    }

    private static Ip ip(PacketView v, int layer) {
        if (layer < 0) {
            return null;
        }
        StringBuilder src = new StringBuilder();
        StringBuilder dst = new StringBuilder();
        v.appendSource(layer, src);
        v.appendDestination(layer, dst);
        int t = v.transportLayer(layer);
        return new Ip(src.toString(), dst.toString(), v.ipProtocol(layer),
            t < 0 ? -1 : v.sourcePort(t), t < 0 ? -1 : v.destinationPort(t));
    }

    // ---------------------------------------------------------------- Kaitai side

    private static Summary fromTree(FieldNode root) {
        List<FieldNode> ips = new ArrayList<>();
        List<FieldNode> tunnels = new ArrayList<>();
        collect(root, ips, tunnels);
        // As the fast path's view: an IP header whose addresses the snaplen cut off is no IP level.
        ips.removeIf(ip -> ip.child("src_addr").isEmpty() || ip.child("dst_addr").isEmpty());
        Ip outer = ips.isEmpty() ? null : ip(ips.get(0));
        Ip inner = ips.isEmpty() ? null : ip(ips.get(ips.size() - 1));
        long vni = -1;
        for (FieldNode t : tunnels) {
            var v = t.child("vni");
            if (v.isPresent()) {
                vni = Long.parseLong(v.get().value());
                break;
            }
        }
        return new Summary(outer, inner, vni);
    }

    /** IP headers and tunnel headers outside ICMP quotes, outermost first. */
    private static void collect(FieldNode n, List<FieldNode> ips, List<FieldNode> tunnels) {
        switch (n.value()) {
            case "ipv4_packet", "ipv6_packet" -> ips.add(n);
            case "vxlan_header", "geneve_header" -> tunnels.add(n);
            case "icmp_packet" -> {
                return; // a quoted packet is not part of this packet's path
            }
            default -> {
            }
        }
        for (FieldNode c : n.children()) {
            collect(c, ips, tunnels);
        }
    }

    private static Ip ip(FieldNode ip) {
        String src = ip.child("src_addr").map(FieldNode::value).orElse("");
        String dst = ip.child("dst_addr").map(FieldNode::value).orElse("");
        int protocol;
        if (ip.value().equals("ipv4_packet")) {
            protocol = number(ip.child("protocol").orElse(null));
        } else {
            protocol = number(ip.child("next_header").orElse(null));
            var chain = ip.child("extension_headers");
            if (chain.isPresent() && !chain.get().children().isEmpty()) {
                List<FieldNode> headers = chain.get().children();
                protocol = number(headers.get(headers.size() - 1).child("next_header").orElse(null));
            }
        }
        int srcPort = -1;
        int dstPort = -1;
        var body = ip.child("body");
        if (body.isPresent() && (body.get().value().equals("udp_datagram")
                || body.get().value().equals("tcp_segment"))) {
            srcPort = number(body.get().child("src_port").orElse(null));
            dstPort = number(body.get().child("dst_port").orElse(null));
        }
        return new Ip(src, dst, protocol, srcPort, dstPort);
    }

    /** The number a display value starts with ("17 (UDP)" → 17), -1 for a missing field. */
    private static int number(FieldNode n) {
        if (n == null) {
            return -1;
        }
        String v = n.value();
        int space = v.indexOf(' ');
        return Integer.parseInt(space < 0 ? v : v.substring(0, space));
    }
}
