package io.tunnelscope.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kaitai.struct.ByteBufferKaitaiStream;
import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.detail.FieldNode;
import io.tunnelscope.detail.PacketDetails;
import io.tunnelscope.filter.Filter;
import io.tunnelscope.proto.Protocols;
import io.tunnelscope.proto.vxlangpe.VxlanGpe;
import io.tunnelscope.proto.vxlangpe.VxlanGpeHeader;
import io.tunnelscope.testing.DecodedFacts;
import io.tunnelscope.testing.Tshark;
import io.tunnelscope.testing.TsharkOracle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe-12, UDP 4790), added as a registry package only: on the
 * crafted {@code vxlan-gpe.pcap} (IPv4, IPv6, Ethernet and MPLS inner packets, an IPv6 underlay,
 * a BUM frame, an unknown next protocol) and tcpdump's {@code nsh/nsh-over-vxlan-gpe.pcap}: the
 * chains, lines and filter words; every value of the flags and next protocol bytes and every cut
 * of the header (malformed, truncated or payload, never a wrong inner packet); the flyweight
 * against tshark's {@code vxlan.*} fields and against the Kaitai spec; the detail view; decode-as
 * on another port, held to tshark's {@code -d udp.port==N,vxlan_gpe}. {@link EncapsulationsOracleTest}
 * holds every packet of {@code vxlan-gpe.pcap} to tshark as it does the other encapsulations.
 */
class VxlanGpeTest {
    /** The GPE header of a packet over an IPv4 underlay: Ethernet 14, IPv4 20, UDP 8. */
    private static final int GPE = 14 + 20 + 8;
    private static final int UDP = 14 + 20;

    private final PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
    private final PacketView view = new PacketView();
    private final PacketLineFormatter formatter = new PacketLineFormatter(ZoneOffset.UTC, false);

    private static Path capture(String name) throws URISyntaxException {
        return EncapsulationsOracleTest.directory().resolve(name);
    }

    private static List<byte[]> packets(Path capture) throws IOException {
        List<byte[]> out = new ArrayList<>();
        PacketRecord record = new PacketRecord();
        try (CaptureReader reader = CaptureReaders.open(capture)) {
            while (reader.next(record)) {
                byte[] bytes = new byte[record.capturedLength()];
                record.buffer().get(record.offset(), bytes);
                out.add(bytes);
            }
        }
        return out;
    }

    private static List<byte[]> gpe() throws Exception {
        return packets(capture("vxlan-gpe.pcap"));
    }

    private static byte[] with(byte[] p, int at, int value) {
        byte[] copy = p.clone();
        copy[at] = (byte) value;
        return copy;
    }

    private LayerStack decode(byte[] p) {
        return decoder.decode(ByteBuffer.wrap(p), 0, p.length, p.length, 1);
    }

    private static String chain(LayerStack s) {
        return PacketDecoderTest.describe(s);
    }

    private String line(byte[] p) {
        StringBuilder out = new StringBuilder();
        formatter.appendSummary(decode(p), out);
        return out.toString();
    }

    /** The index of the (outermost) VXLAN-GPE layer, or -1. */
    private static int gpeLayer(LayerStack s) {
        for (int i = 0; i < s.count(); i++) {
            if (s.type(i) == VxlanGpe.ID) {
                return i;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ the registry entry

    @Test
    void theDescriptorIsRegistered() {
        assertEquals(VxlanGpe.DESCRIPTOR, Protocols.byName("vxlan-gpe"));
        assertEquals(VxlanGpe.DESCRIPTOR, Protocols.byId(40));
        assertEquals(VxlanGpe.DESCRIPTOR, DecodeTables.defaults().udpProtocol(4790));
        assertEquals("VXLAN-GPE", LayerType.name(VxlanGpe.ID));
        assertEquals("vxlan-gpe", Encapsulation.name(VxlanGpe.ID));
        assertEquals(50, Protocols.overhead("vxlan-gpe", false), "the Ethernet case, as VXLAN's");
        assertEquals(70, Protocols.overhead("vxlan-gpe", true));
        assertEquals("vxlan_gpe", VxlanGpe.DESCRIPTOR.wiresharkName(), "tshark -G protocols: vxlan_gpe");
        assertTrue(Protocols.decodeAsTargets().contains(VxlanGpe.DESCRIPTOR));
        assertTrue(DecodeAs.choices().contains("vxlan-gpe"), DecodeAs.choices().toString());
        assertTrue(Protocols.tunnelSummary().contains("vxlan-gpe (UDP 4790)"), Protocols.tunnelSummary());
        Filter.compile("vxlan-gpe");
        Filter.compile("encap == vxlan-gpe");
    }

    // ------------------------------------------------------------------ chains and lines

    @Test
    void eachNextProtocolIsDecodedOneEncapsulationDeeper() throws Exception {
        List<byte[]> p = gpe();
        assertEquals("Ethernet IPv4 UDP VXLAN-GPE IPv4@1 ICMP@1 Payload@1", chain(decode(p.get(0))));
        assertEquals(VxlanGpeHeader.LENGTH, decode(p.get(0)).headerLength(3));
        assertEquals(List.of("vxlan-gpe"), DecodedFacts.encapsulations(decode(p.get(0))));
        assertEquals("10.10.0.1 > 10.10.0.2", DecodedFacts.carried(decode(p.get(0))));
        assertEquals("Ethernet IPv4 UDP VXLAN-GPE IPv6@1 UDP@1 Payload@1", chain(decode(p.get(1))));
        assertEquals("2001:db8:a::2 > 2001:db8:a::1", DecodedFacts.carried(decode(p.get(1))));
        assertEquals("Ethernet IPv4 UDP VXLAN-GPE Ethernet@1 IPv4@1 UDP@1 Payload@1", chain(decode(p.get(2))));
        assertEquals("10.20.0.1 > 10.20.0.2", DecodedFacts.carried(decode(p.get(2))));
        assertEquals("Ethernet IPv4 UDP VXLAN-GPE MPLS@1 IPv4@1 ICMP@1 Payload@1", chain(decode(p.get(3))));
        assertEquals("10.30.0.1 > 10.30.0.2", DecodedFacts.carried(decode(p.get(3))));
        assertEquals("Ethernet IPv6 UDP VXLAN-GPE IPv4@1 ICMP@1 Payload@1", chain(decode(p.get(4))));
        assertEquals("Ethernet IPv4 UDP VXLAN-GPE Ethernet@1 ARP@1", chain(decode(p.get(5))));
        LayerStack unknown = decode(p.get(6));
        assertEquals("Ethernet IPv4 UDP VXLAN-GPE Payload", chain(unknown), "next protocol 0x7f");
        assertEquals(0x7f, PacketDecoderTest.noteArgument(unknown, Note.NEXT_PROTOCOL_UNKNOWN));
        for (byte[] packet : p) {
            assertEquals(LayerStatus.OK, decode(packet).status(), chain(decode(packet)));
        }
    }

    /** The VNI reaches flows, JSON and the vni filter through the descriptor's reader. */
    @Test
    void theVniIsThePacketsVni() throws Exception {
        for (byte[] packet : gpe()) {
            LayerStack stack = decode(packet);
            PacketView view = new PacketView().wrap(stack);
            assertEquals(VxlanGpeHeader.vni(stack.buffer(), stack.offset(3)), view.vni(3));
            assertTrue(view.vni(3) >= 0);
            assertEquals(-1, view.vni(2), "a UDP layer has no VNI");
        }
        PacketView first = new PacketView().wrap(decode(gpe().get(0)));
        assertTrue(Filter.compile("vni == " + first.vni(3)).matches(first, 1L, "p"));
        assertFalse(Filter.compile("vni == " + (first.vni(3) + 1)).matches(first, 1L, "p"));
    }

    /** tcpdump's words (its print-vxlan-gpe.c), then the inner packet after " | ". */
    @Test
    void theLineSaysWhatTcpdumpSays() throws Exception {
        List<byte[]> p = gpe();
        // tcpdump: "VXLAN-GPE, flags [IP], vni 100: IP 10.10.0.1 > 10.10.0.2: ICMP echo request, id 1, seq 1, length 16"
        assertEquals("192.0.2.1.50001 > 192.0.2.2.4790: VXLAN-GPE, flags [IP], vni 100 | 10.10.0.1 > 10.10.0.2: "
                + "ICMP echo request, id 1, seq 1, length 16", line(p.get(0)));
        assertEquals("192.0.2.2.50002 > 192.0.2.1.4790: VXLAN-GPE, flags [IP], vni 100 | 2001:db8:a::2.4000 > "
                + "2001:db8:a::1.33000: UDP, length 7", line(p.get(1)));
        assertTrue(line(p.get(5)).startsWith("192.0.2.1.50006 > 192.0.2.2.4790: VXLAN-GPE, flags [IPB], vni 200, BUM"),
                line(p.get(5)));
        // tcpdump: "VXLAN-GPE, flags [IP], vni 500: ERROR: unknown-next-protocol (invalid)"
        assertTrue(line(p.get(6)).startsWith("192.0.2.1.50007 > 192.0.2.2.4790: VXLAN-GPE, flags [IP], vni 500, "
                + "next protocol 0x7f"), line(p.get(6)));
        assertTrue(line(with(p.get(0), GPE, 0x0d)).contains("VXLAN-GPE, flags [IPO], vni 100, OAM"));
        assertTrue(line(with(p.get(0), GPE, 0x04)).contains("VXLAN-GPE, flags [P], ERROR: I flag not set"));
        assertTrue(line(with(p.get(0), GPE, 0x00)).contains("VXLAN-GPE, flags [none], ERROR: I flag not set"));
        assertTrue(line(with(p.get(0), GPE, 0x1c)).contains("VXLAN-GPE, unknown version 1"), line(with(p.get(0), GPE, 0x1c)));
        // tcpdump's nsh-over-vxlan-gpe.out: "VXLAN-GPE, flags [IP], vni 16777215: NSH, flags [O], ..."
        byte[] nsh = packets(capture("nsh/nsh-over-vxlan-gpe.pcap")).get(0);
        assertTrue(line(nsh).startsWith("127.0.0.1.4790 > 127.0.0.1.4790: VXLAN-GPE, flags [IP], vni 16777215, "
                + "next protocol NSH (4)"), line(nsh));
    }

    @Test
    void nshIsLeftAsPayloadWithANote() throws Exception {
        LayerStack s = decode(packets(capture("nsh/nsh-over-vxlan-gpe.pcap")).get(0));
        assertEquals("Ethernet IPv4 UDP VXLAN-GPE Payload", chain(s));
        assertEquals(VxlanGpeHeader.NEXT_NSH, PacketDecoderTest.noteArgument(s, Note.NEXT_PROTOCOL_UNKNOWN));
        assertEquals(List.of("vxlan-gpe"), DecodedFacts.encapsulations(s), "a tunnel packet, whatever it carries");
    }

    // ------------------------------------------------------------------ broken headers

    /** Every value of the flags byte: version 0 and P set decode; else malformed or payload. */
    @Test
    void everyFlagsByte() throws Exception {
        byte[] ipv4 = gpe().get(0);
        for (int value = 0; value < 256; value++) {
            LayerStack s = decode(with(ipv4, GPE, value));
            String at = "flags 0x" + Integer.toHexString(value) + ": " + chain(s);
            if ((value & VxlanGpeHeader.VERSION_MASK) != 0) {
                assertEquals("Ethernet IPv4 UDP VXLAN-GPE!malformed", chain(s), at);
                assertEquals(VxlanGpeHeader.FLAGS_OFFSET, PacketDecoderTest.noteArgument(s, Note.HEADER_FIELD_INVALID), at);
            } else if ((value & VxlanGpeHeader.FLAG_P) == 0) {
                assertEquals("Ethernet IPv4 UDP VXLAN-GPE Payload", chain(s), at);
                assertEquals(VxlanGpeHeader.NEXT_IPV4, PacketDecoderTest.noteArgument(s, Note.NEXT_PROTOCOL_UNKNOWN), at);
            } else {
                assertEquals("Ethernet IPv4 UDP VXLAN-GPE IPv4@1 ICMP@1 Payload@1", chain(s), at);
                assertEquals("10.10.0.1 > 10.10.0.2", DecodedFacts.carried(s), at);
            }
        }
    }

    /**
     * Every value of the next protocol byte under an IPv4 packet: IPv4 reads it; IPv6, Ethernet and
     * MPLS misread it but find no inner IP packet (never a wrong one); the rest is payload, noted.
     */
    @Test
    void everyNextProtocolByte() throws Exception {
        byte[] ipv4 = gpe().get(0);
        for (int value = 0; value < 256; value++) {
            LayerStack s = decode(with(ipv4, GPE + VxlanGpeHeader.NEXT_PROTOCOL_OFFSET, value));
            String at = "next protocol " + value + ": " + chain(s);
            switch (value) {
                case VxlanGpeHeader.NEXT_IPV4 -> assertEquals("10.10.0.1 > 10.10.0.2", DecodedFacts.carried(s), at);
                case VxlanGpeHeader.NEXT_IPV6, VxlanGpeHeader.NEXT_ETHERNET, VxlanGpeHeader.NEXT_MPLS -> {
                    assertEquals(Protocols.byId(s.type(4)).id(), s.type(4), at);
                    assertEquals("", DecodedFacts.carried(s), at);
                }
                default -> {
                    assertEquals("Ethernet IPv4 UDP VXLAN-GPE Payload", chain(s), at);
                    assertEquals(value, PacketDecoderTest.noteArgument(s, Note.NEXT_PROTOCOL_UNKNOWN), at);
                }
            }
        }
    }

    /** A header the snaplen cuts is truncated; one the datagram ends inside is malformed. */
    @Test
    void aCutHeaderIsTruncatedOrMalformed() throws Exception {
        byte[] ipv4 = gpe().get(0);
        for (int captured = GPE; captured < GPE + VxlanGpeHeader.LENGTH; captured++) {
            LayerStack s = decoder.decode(ByteBuffer.wrap(ipv4), 0, captured, ipv4.length, 1);
            int gpe = gpeLayer(s);
            assertEquals(3, gpe, "captured " + captured + ": " + chain(s));
            assertEquals(LayerStatus.TRUNCATED, s.status(gpe), "captured " + captured);
            assertEquals(gpe + 1, s.count(), "nothing after a cut header");
        }
        for (int payload = 0; payload < VxlanGpeHeader.LENGTH; payload++) {
            // The datagram (UDP length, IP total length) ends inside the header; the bytes are all captured.
            byte[] shortened = Arrays.copyOf(ipv4, GPE + payload);
            ByteBuffer b = ByteBuffer.wrap(shortened);
            b.putShort(14 + 2, (short) (20 + 8 + payload));
            b.putShort(UDP + 4, (short) (8 + payload));
            LayerStack s = decode(shortened);
            int gpe = gpeLayer(s);
            if (payload == 0) {
                assertEquals("Ethernet IPv4 UDP", chain(s), "an empty datagram has no header, as tshark shows");
                continue;
            }
            assertEquals(3, gpe, "payload " + payload + ": " + chain(s));
            assertEquals(LayerStatus.MALFORMED, s.status(gpe), "payload " + payload + ": " + chain(s));
            assertEquals(gpe + 1, s.count());
        }
    }

    // ------------------------------------------------------------------ the flyweight against tshark and Kaitai

    /** The GPE header's fields as the flyweight reads them, one line per GPE layer, tshark's columns. */
    private List<String> flyweightFacts(Path capture, DecodeTables tables) throws IOException {
        PacketDecoder d = new PacketDecoder(tables);
        VxlanGpeHeader h = new VxlanGpeHeader();
        List<String> out = new ArrayList<>();
        PacketRecord record = new PacketRecord();
        try (CaptureReader reader = CaptureReaders.open(capture)) {
            while (reader.next(record)) {
                LayerStack s = d.decode(record);
                int i = gpeLayer(s);
                if (i >= 0) {
                    h.wrap(s.buffer(), s.offset(i), s.headerLength(i));
                    out.add(record.frameNumber() + " " + h.version() + " " + (h.vniValid() ? 1 : 0) + " "
                            + (h.nextProtocolPresent() ? 1 : 0) + " " + (h.oam() ? 1 : 0) + " " + h.nextProtocol()
                            + " " + h.vni());
                }
            }
        }
        return out;
    }

    /** tshark's vxlan.* fields of each frame it dissects as VXLAN-GPE. */
    private static List<String> tsharkFacts(Path capture, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("tshark", "-n", "-r", capture.toString()));
        command.addAll(List.of(options));
        command.addAll(List.of("-Y", "vxlan.next_proto", "-T", "fields", "-e", "frame.number", "-e", "vxlan.ver",
                "-e", "vxlan.i_bit", "-e", "vxlan.p_bit", "-e", "vxlan.o_bit", "-e", "vxlan.next_proto", "-e", "vxlan.vni"));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        List<String> facts = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                facts.add(String.join(" ", line.split("\t", -1)));
            }
        }
        return facts;
    }

    @Test
    void tsharkReadsEveryGpeHeaderAsTheFlyweightDoes() throws Exception {
        assumeTrue(Tshark.available(), "tshark is not installed; oracle test skipped");
        for (String name : List.of("vxlan-gpe.pcap", "nsh/nsh-over-vxlan-gpe.pcap")) {
            List<String> ours = flyweightFacts(capture(name), DecodeTables.defaults());
            assertEquals(tsharkFacts(capture(name)), ours, name);
            assertFalse(ours.isEmpty());
        }
    }

    /**
     * tcpdump's NSH capture: tshark decodes NSH and the packet inside it, which stays payload here;
     * the outer layers, their addresses, ports and checksum verdicts agree.
     */
    @Test
    void theNshCaptureAgreesWithTsharkUpToNsh() throws Exception {
        assumeTrue(Tshark.available(), "tshark is not installed; oracle test skipped");
        Path nsh = capture("nsh/nsh-over-vxlan-gpe.pcap");
        Tshark.Frame frame = Tshark.frames(nsh).get(0);
        assertEquals(List.of("eth", "ethertype", "ip", "udp", "nsh", "ip", "udp", "data"), frame.protocols());
        LayerStack s = decode(packets(nsh).get(0));
        assertEquals(List.of("eth", "ip", "udp"), DecodedFacts.tsharkProtocols(s));
        assertEquals(frame.ipSrc().subList(0, 1), DecodedFacts.addresses(s, LayerType.IPV4, true));
        assertEquals(frame.udpDstPort().subList(0, 1), DecodedFacts.ports(s, LayerType.UDP, false));
        assertEquals(List.of(), TsharkOracle.checksumDisagreements(nsh, 10));
    }

    @Test
    void theKaitaiSpecReadsWhatTheFlyweightReads() throws Exception {
        List<byte[]> packets = new ArrayList<>(gpe());
        byte[] ipv4 = packets.get(0);
        for (int value = 0; value < 256; value++) {
            packets.add(with(ipv4, GPE, value));
            packets.add(with(ipv4, GPE + VxlanGpeHeader.NEXT_PROTOCOL_OFFSET, value));
            packets.add(with(ipv4, GPE + VxlanGpeHeader.VNI_OFFSET, value));
        }
        VxlanGpeHeader h = new VxlanGpeHeader();
        for (byte[] p : packets) {
            LayerStack s = decode(p);
            int i = gpeLayer(s);
            int end = Math.min(p.length, s.end(i));
            h.wrap(ByteBuffer.wrap(p), s.offset(i), end - s.offset(i));
            io.tunnelscope.kaitai.gen.VxlanGpeHeader k = new io.tunnelscope.kaitai.gen.VxlanGpeHeader(
                    new ByteBufferKaitaiStream(Arrays.copyOfRange(p, s.offset(i), end)));
            String what = chain(s);
            boolean complete = true;
            try {
                k._read();
            } catch (RuntimeException e) {
                complete = false; // the payload misread (IPv6 over IPv4's bytes): the header is read all the same
            }
            assertEquals(h.version(), (int) k.version(), what);
            assertEquals(h.vniValid(), k.flagI(), what);
            assertEquals(h.nextProtocolPresent(), k.flagP(), what);
            assertEquals(h.bum(), k.flagB(), what);
            assertEquals(h.oam(), k.flagO(), what);
            assertEquals(h.nextProtocol(), k.nextProtocol(), what);
            assertEquals(h.vni(), (int) k.vni(), what);
            assertEquals(h.reservedZero(), k.flagsReserved() == 0 && k.reserved1() == 0 && k.reserved2() == 0, what);
            // The payload is parsed exactly when the decoder goes on into an IP packet or a frame.
            boolean parsed = k.payload() instanceof io.tunnelscope.kaitai.gen.Ipv4Packet
                    || k.payload() instanceof io.tunnelscope.kaitai.gen.Ipv6Packet
                    || k.payload() instanceof io.tunnelscope.kaitai.gen.EthernetFrame;
            boolean decoded = i + 1 < s.count() && s.depth(i + 1) > s.depth(i) && s.type(i + 1) != Protocols.byName("mpls").id();
            if (complete) {
                assertEquals(decoded, parsed, what);
            } else {
                assertTrue(decoded && s.status(i + 1) != LayerStatus.OK, "Kaitai fails only where the decoder does: " + what);
            }
        }
    }

    // ------------------------------------------------------------------ the detail view and decode-as

    private static final String OUTER_UDP = "ethernet_frame/body/body/";

    private static String value(FieldNode root, String path) {
        return root.at(path).orElseThrow(() -> new AssertionError("no " + path + " in\n" + root.render())).value();
    }

    @Test
    void theDetailViewShowsTheGpeHeader() throws Exception {
        List<byte[]> p = gpe();
        FieldNode t = PacketDetails.dissect(p.get(0), 1);
        assertFalse(t.hasError(), t::render);
        assertEquals("4790", value(t, OUTER_UDP + "dst_port"));
        assertEquals("vxlan_gpe_header", value(t, OUTER_UDP + "body"));
        assertEquals("0", value(t, OUTER_UDP + "body/version"));
        assertEquals("1", value(t, OUTER_UDP + "body/flag_i"));
        assertEquals("1", value(t, OUTER_UDP + "body/flag_p"));
        assertEquals("1", value(t, OUTER_UDP + "body/next_protocol"));
        assertEquals("100", value(t, OUTER_UDP + "body/vni"));
        assertEquals("10.10.0.1", value(t, OUTER_UDP + "body/payload/src_addr"));
        FieldNode eth = PacketDetails.dissect(p.get(2), 1);
        assertEquals("200", value(eth, OUTER_UDP + "body/vni"));
        assertEquals("0x0800 (IPv4)", value(eth, OUTER_UDP + "body/payload/ether_type"));
        FieldNode v6 = PacketDetails.dissect(p.get(1), 1);
        assertEquals("2001:db8:a::2", value(v6, OUTER_UDP + "body/payload/src_addr"));
    }

    /** The packet with its UDP destination port moved and its (IPv4) UDP checksum left out. */
    private static byte[] toPort(byte[] p, int port) {
        byte[] moved = p.clone();
        ByteBuffer b = ByteBuffer.wrap(moved);
        b.putShort(UDP + 2, (short) port);
        b.putShort(UDP + 6, (short) 0);
        return moved;
    }

    @Test
    void decodeAsNamesItOnAnotherPort() throws Exception {
        byte[] moved = toPort(gpe().get(0), 4800);
        assertEquals("Ethernet IPv4 UDP Payload", chain(decode(moved)), "4800 without an override");
        DecodeTables tables = DecodeTables.builder().decodeAs(DecodeAs.parse("udp.port=4800:vxlan-gpe")).build();
        LayerStack s = new PacketDecoder(tables).decode(ByteBuffer.wrap(moved), 0, moved.length, moved.length, 1);
        assertEquals("Ethernet IPv4 UDP VXLAN-GPE IPv4@1 ICMP@1 Payload@1", chain(s));
        FieldNode t = PacketDetails.dissect(moved, 1, tables);
        assertEquals("vxlan_gpe_header", value(t, OUTER_UDP + "body"));
        assertEquals("100", value(t, OUTER_UDP + "body/vni"));
        byte[] original = gpe().get(0);
        DecodeTables none = DecodeTables.builder().decodeAs(DecodeAs.parse("udp.port=4790:none")).build();
        assertEquals("Ethernet IPv4 UDP Payload", chain(new PacketDecoder(none).decode(ByteBuffer.wrap(original), 0,
                original.length, original.length, 1)), "4790 made plain payload");
    }

    /** The IPv4-underlay packets of the crafted capture moved to UDP 4800, written as a pcap file. */
    private static Path movedCapture(Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        out.write(header.array());
        int n = 0;
        for (byte[] p : gpe()) {
            if ((p[14] & 0xf0) != 0x40) {
                continue; // an IPv6 underlay's UDP checksum cannot be left out
            }
            byte[] moved = toPort(p, 4800);
            ByteBuffer record = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            record.putInt(1_700_000_000 + n++).putInt(0).putInt(moved.length).putInt(moved.length);
            out.write(record.array());
            out.write(moved);
        }
        Path file = dir.resolve("vxlan-gpe-4800.pcap");
        Files.write(file, out.toByteArray());
        return file;
    }

    /**
     * {@code --decode-as udp.port=4800:vxlan-gpe} against tshark's {@code -d udp.port==4800,vxlan_gpe}
     * (the descriptor's Wireshark name): the same chains, addresses and GPE fields.
     */
    @Test
    void decodeAsAgreesWithTsharksDecodeAs(@TempDir Path dir) throws Exception {
        assumeTrue(Tshark.available(), "tshark is not installed; oracle test skipped");
        Path moved = movedCapture(dir);
        String option = "udp.port==4800," + VxlanGpe.DESCRIPTOR.wiresharkName();
        DecodeTables tables = DecodeTables.builder().decodeAs(DecodeAs.parse("udp.port=4800:vxlan-gpe")).build();
        List<String> ours = flyweightFacts(moved, tables);
        assertEquals(6, ours.size());
        assertEquals(tsharkFacts(moved, "-d", option), ours);
        assertEquals(List.of(), tsharkFacts(moved), "tshark without -d: no GPE on 4800");

        Process p = new ProcessBuilder("tshark", "-n", "-r", moved.toString(), "-d", option, "-T", "fields",
                "-e", "frame.protocols", "-e", "ip.src", "-e", "ipv6.src", "-E", "occurrence=a", "-E", "aggregator=,")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String[] lines = new String(p.getInputStream().readAllBytes()).split("\n");
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        PacketDecoder d = new PacketDecoder(tables);
        PacketRecord record = new PacketRecord();
        int frames = 0;
        try (CaptureReader reader = CaptureReaders.open(moved)) {
            while (reader.next(record)) {
                String[] f = lines[frames++].split("\t", -1);
                LayerStack s = d.decode(record);
                assertEquals(DecodedFacts.comparableTsharkProtocols(List.of(f[0].split(":"))),
                        DecodedFacts.tsharkProtocols(s), "frame " + record.frameNumber());
                assertEquals(f[1].isEmpty() ? List.of() : List.of(f[1].split(",")),
                        DecodedFacts.addresses(s, LayerType.IPV4, true), "frame " + record.frameNumber());
                assertEquals(f[2].isEmpty() ? List.of() : List.of(f[2].split(",")),
                        DecodedFacts.addresses(s, LayerType.IPV6, true), "frame " + record.frameNumber());
            }
        }
        assertEquals(6, frames);
    }
}
