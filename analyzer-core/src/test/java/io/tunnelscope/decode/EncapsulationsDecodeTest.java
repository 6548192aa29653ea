package io.tunnelscope.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.filter.Filter;
import io.tunnelscope.proto.Protocols;
import io.tunnelscope.proto.erspan.Erspan;
import io.tunnelscope.proto.gre.Gre;
import io.tunnelscope.proto.gtp.GtpU;
import io.tunnelscope.proto.mpls.Mpls;
import io.tunnelscope.proto.mpls.MplsInUdp;
import io.tunnelscope.proto.ppp.Ppp;
import io.tunnelscope.proto.teredo.Teredo;
import io.tunnelscope.testing.DecodedFacts;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The encapsulations of issue 16 on their captures (see {@code captures/encapsulations/README.md}):
 * the layer chains, the encapsulation each packet is counted under, the one-line summaries, the
 * filter's words, and what a broken header byte does (malformed or payload, never a wrong inner
 * packet). {@link EncapsulationsOracleTest} holds every packet to tshark.
 */
class EncapsulationsDecodeTest {
    private final PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
    private final PacketView view = new PacketView();
    private final PacketLineFormatter formatter = new PacketLineFormatter(ZoneOffset.UTC, false);

    /** A packet of a capture: its bytes and link type. */
    private record Packet(byte[] bytes, int linkType) {
        Packet with(int at, int value) {
            byte[] copy = bytes.clone();
            copy[at] = (byte) value;
            return new Packet(copy, linkType);
        }

        Packet cut(int length) {
            return new Packet(java.util.Arrays.copyOf(bytes, length), linkType);
        }
    }

    private static List<Packet> packets(String capture) throws IOException, URISyntaxException {
        List<Packet> out = new ArrayList<>();
        PacketRecord record = new PacketRecord();
        try (CaptureReader reader = CaptureReaders.open(EncapsulationsOracleTest.directory().resolve(capture))) {
            while (reader.next(record)) {
                byte[] bytes = new byte[record.capturedLength()];
                record.buffer().get(record.offset(), bytes);
                out.add(new Packet(bytes, record.linkType()));
            }
        }
        return out;
    }

    private LayerStack decode(Packet p) {
        return decoder.decode(ByteBuffer.wrap(p.bytes()), 0, p.bytes().length, p.bytes().length, p.linkType());
    }

    private String chain(Packet p) {
        return PacketDecoderTest.describe(decode(p));
    }

    private List<String> encapsulations(Packet p) {
        return DecodedFacts.encapsulations(decode(p));
    }

    private String carried(Packet p) {
        return DecodedFacts.carried(decode(p));
    }

    private String line(Packet p) {
        StringBuilder out = new StringBuilder();
        formatter.appendSummary(decode(p), out);
        return out.toString();
    }

    // ------------------------------------------------------------------ chains and lines

    @Test
    void mplsIsAShimWhoseStackIsOneLayer() throws Exception {
        List<Packet> mpls = packets("mpls.pcap");
        assertEquals("Ethernet MPLS IPv4 ICMP Payload", chain(mpls.get(1)), "two labels, one layer");
        assertEquals(8, decode(mpls.get(1)).headerLength(1));
        assertEquals("Ethernet MPLS IPv6 ICMPv6 Payload", chain(mpls.get(2)), "IPv6 by the version nibble");
        assertEquals(List.of(), encapsulations(mpls.get(0)), "MPLS on a link is no tunnel");
        assertEquals("MPLS (label 100, tc 0, ttl 64) (label 200, tc 5, [S], ttl 7) 10.0.0.1 > 10.0.0.2: "
                + "ICMP echo request, id 1, seq 1, length 16", line(mpls.get(1)));
        assertEquals(List.of("gre"), encapsulations(mpls.get(4)), "MPLS inside GRE: GRE's tunnel");
        assertEquals("Ethernet IPv4 UDP MPLS-in-UDP MPLS@1 IPv4@1 ICMP@1 Payload@1", chain(mpls.get(5)));
        assertEquals(List.of(MplsInUdp.DESCRIPTOR.name()), encapsulations(mpls.get(5)));
        assertEquals("10.3.0.10 > 10.1.0.10", carried(mpls.get(5)));
        assertEquals("192.0.2.1.49152 > 192.0.2.2.6635: MPLS (label 21, tc 0, ttl 64) (label 22, tc 0, [S], ttl 64)"
                + " | 10.3.0.10 > 10.1.0.10: ICMP echo request, id 1, seq 1, length 16", line(mpls.get(5)));
        // tcpdump's mpls-over-udp.out: "MPLS (label 21, tc 0, [S], ttl 63) IP 10.3.0.10 > 10.1.0.10: ICMP echo request"
        assertEquals("10.100.12.170.58699 > 10.100.13.157.6635: MPLS (label 21, tc 0, [S], ttl 63) | 10.3.0.10 > "
                + "10.1.0.10: ICMP echo request, id 42731, seq 16, length 64", line(packets("mpls-over-udp.pcap").get(0)));
        // tcpdump's mpls-traceroute.out: "MPLS (label 100704, tc 0, [S], ttl 1) IP 12.4.4.4.42315 > 12.1.1.1.33435: UDP, length 12"
        assertEquals("MPLS (label 100704, tc 0, [S], ttl 1) 12.4.4.4.42315 > 12.1.1.1.33435: UDP, length 12",
                line(packets("mpls-traceroute.pcap").get(0)));
    }

    @Test
    void erspanTypesAreToldAsTsharkTellsThem() throws Exception {
        Packet typeI = packets("erspan-type-i-1.pcap").get(0);
        assertEquals("Ethernet IPv4 GRE ERSPAN@1 Ethernet@1 VLAN@1 IPv4@1 ICMP@1 Payload@1", chain(typeI));
        assertEquals(0, decode(typeI).headerLength(3), "type I (GRE without sequence number): no header");
        assertEquals(List.of(Erspan.DESCRIPTOR.name()), encapsulations(typeI), "GRE and ERSPAN are one encapsulation");
        assertEquals("10.52.128.233 > 10.52.128.234", carried(typeI));
        assertTrue(line(typeI).startsWith("1.1.1.1 > 192.168.255.5: GRE erspan type1 | 10.52.128.233 > 10.52.128.234: "),
                line(typeI));
        Packet typeII = packets("erspan-type-ii-1.pcap").get(0);
        assertEquals(8, decode(typeII).headerLength(3));
        // tcpdump: "erspan type2 session 666 cos 6 index 32760: IP ... 10.48.6.1 > 224.0.0.13"
        assertTrue(line(typeII).startsWith("1.1.1.2 > 192.168.255.5: GRE erspan type2 session 666 | 10.48.6.1 > 224.0.0.13"),
                line(typeII));
        Packet typeIII = packets("erspan-type-iii-ft-0.pcap").get(0);
        assertEquals(12, decode(typeIII).headerLength(3));
        assertTrue(line(typeIII).contains("GRE erspan type3 session 0 | 10.29.11.1 > 10.29.20.21"), line(typeIII));
        Packet frameType7 = packets("erspan-type-iii-ft-7.pcap").get(0);
        assertEquals("Ethernet IPv4 GRE ERSPAN@1 Payload@1", chain(frameType7), "frame type 7: payload, as tshark");
        assertEquals("Ethernet IPv4 GRE ERSPAN@1 Ethernet@1 VLAN@1 IPv4@1 ICMP@1 Payload@1", chain(typeIII));
        Packet cut = packets("erspan-type-iii-pb-1.pcap").get(0);
        LayerStack platform = decoder.decode(ByteBuffer.wrap(cut.bytes()), 0, cut.bytes().length, 1000, cut.linkType());
        int last = platform.count() - 1;
        assertEquals(Erspan.ID, platform.type(last));
        assertEquals(LayerStatus.TRUNCATED, platform.status(last), "O bit: the platform subheader the capture cut");
        assertTrue(PacketDecoderTest.hasNote(platform, Note.HEADER_TRUNCATED));
    }

    @Test
    void gtpUCarriesIpOneEncapsulationDeeper() throws Exception {
        List<Packet> gtp = packets("gtp-u.pcap");
        assertEquals("Ethernet IPv4 UDP GTP-U IPv4@1 ICMP@1 Payload@1", chain(gtp.get(0)));
        assertEquals(12, decode(gtp.get(1)).headerLength(3), "S flag: the optional fields");
        assertEquals(16, decode(gtp.get(2)).headerLength(3), "E flag: one extension header of 4 bytes");
        assertEquals("Ethernet IPv4 UDP GTP-U IPv6@1 UDP@1 Payload@1", chain(gtp.get(3)));
        assertEquals("Ethernet IPv4 UDP GTP-U", chain(gtp.get(4)), "an echo request carries no packet");
        assertEquals(List.of(GtpU.DESCRIPTOR.name()), encapsulations(gtp.get(0)));
        assertEquals("10.45.0.2 > 8.8.8.8", carried(gtp.get(0)));
        assertEquals("198.51.100.1.2152 > 198.51.100.2.2152: GTPv1-U teid 4660 | 10.45.0.2 > 8.8.8.8: "
                + "ICMP echo request, id 1, seq 1, length 16", line(gtp.get(0)));
        assertEquals("198.51.100.1.2152 > 198.51.100.2.2152: GTPv1-U type 1 teid 0", line(gtp.get(4)));
    }

    @Test
    void teredoCarriesIpv6BehindItsOptionalHeaders() throws Exception {
        List<Packet> teredo = packets("teredo.pcap");
        assertEquals("Ethernet IPv4 UDP Teredo IPv6@1 ICMPv6@1 Payload@1", chain(teredo.get(0)));
        assertEquals(0, decode(teredo.get(0)).headerLength(3));
        assertEquals(8, decode(teredo.get(1)).headerLength(3), "origin indication");
        assertEquals(13 + 8, decode(teredo.get(2)).headerLength(3), "authentication, then origin indication");
        assertEquals(List.of(Teredo.DESCRIPTOR.name()), encapsulations(teredo.get(2)));
        assertEquals("2001:db8::9 > 2001:0:c000:201::1", carried(teredo.get(2)));
        assertTrue(line(teredo.get(0)).startsWith("192.0.2.1.40001 > 203.0.113.9.3544: Teredo | 2001:0:c000:201::1 > "),
                line(teredo.get(0)));
    }

    @Test
    void pppOnItsLinkTypesAndInPptpGre() throws Exception {
        List<Packet> ppp = packets("ppp.pcap");
        assertEquals("PPP IPv4 UDP Payload", chain(ppp.get(0)), "with address and control");
        assertEquals(4, decode(ppp.get(0)).headerLength(0));
        assertEquals("PPP IPv6 ICMPv6 Payload", chain(ppp.get(1)), "without");
        assertEquals(2, decode(ppp.get(1)).headerLength(0));
        assertEquals("PPP Payload", chain(ppp.get(2)), "LCP");
        assertEquals("PPP protocol 0xc021, length 8", line(ppp.get(2)));
        assertEquals("10.9.0.1.1024 > 10.9.0.2.4000: UDP, length 5", line(ppp.get(0)));
        assertEquals("PPP MPLS IPv4 UDP Payload", chain(packets("mpls-traceroute.pcap").get(0)), "PPP's MPLS protocol");
        assertEquals("PPP Payload", chain(packets("ppp_ip_udp_dns.pcap").get(0)),
                "link type 50; 0xff then any control byte: protocol 0x7e08, as tshark reads it");
        List<Packet> pptp = packets("pptp-gre.pcap");
        assertEquals("Ethernet IPv4 GRE PPP@1 IPv4@1 ICMP@1 Payload@1", chain(pptp.get(0)));
        assertEquals(16, decode(pptp.get(1)).headerLength(2), "GRE version 1: key, sequence and acknowledgment");
        assertEquals("Ethernet IPv4 GRE", chain(pptp.get(2)), "an acknowledgment alone");
        assertEquals(List.of(Gre.DESCRIPTOR.name()), encapsulations(pptp.get(0)));
        assertEquals("172.16.0.2 > 172.16.0.1", carried(pptp.get(0)));
        assertEquals("Ethernet IPv4 GRE PPP@1 IPv6@1 ICMPv6@1 Payload@1", chain(pptp.get(3)));
    }

    @Test
    void vendorProtocolsInsideGre() throws Exception {
        Packet cmd = packets("various_gre.pcap").get(24);
        assertEquals("Ethernet VLAN IPv4 GRE Cisco MetaData@1 IPv4@1 ICMP@1 Payload@1", chain(cmd));
        assertTrue(line(cmd).startsWith("10.172.64.6 > 10.172.64.7: GRE CMD | 172.17.1.54 > 172.17.1.55: ICMP echo"), line(cmd));
        Packet wccp = packets("wccp_redirect_gre.pcap").get(0);
        assertEquals("Ethernet IPv4 GRE WCCP@1 IPv4@1 TCP@1 Payload@1", chain(wccp));
        assertEquals(4, decode(wccp).headerLength(3), "WCCP v2's redirect header");
    }

    @Test
    void theFilterKnowsTheNewNames() throws Exception {
        for (String name : List.of("mpls", "mpls-udp", "erspan", "gtp-u", "teredo", "ppp", "cmd", "wccp")) {
            assertTrue(Protocols.byName(name) != null, name);
            Filter.compile(name);
        }
        for (String tunnel : List.of("mpls-udp", "erspan", "gtp-u", "teredo")) {
            Filter.compile("encap == " + tunnel);
        }
    }

    // ------------------------------------------------------------------ broken headers

    /** Every value of a header byte: the decode stays inside what the byte allows. */
    @Test
    void aGtpUFlagsByteOtherThanVersionOneIsMalformed() throws Exception {
        Packet gpdu = packets("gtp-u.pcap").get(0);
        int flags = 14 + 20 + 8;
        for (int value = 0; value < 256; value++) {
            LayerStack stack = decode(gpdu.with(flags, value));
            boolean version1 = value >>> 5 == 1 && (value & 0x10) != 0;
            if (!version1) {
                assertEquals("Ethernet IPv4 UDP GTP-U!malformed", PacketDecoderTest.describe(stack), "flags " + value);
                assertTrue(PacketDecoderTest.hasNote(stack, Note.HEADER_FIELD_INVALID));
            } else {
                view.wrap(stack);
                String inner = carried(gpdu.with(flags, value));
                assertTrue(inner.isEmpty() || inner.equals("10.45.0.2 > 8.8.8.8")
                        || stack.status() != LayerStatus.OK, "flags " + value + ": " + PacketDecoderTest.describe(stack));
            }
        }
        Packet extension = packets("gtp-u.pcap").get(2);
        LayerStack zero = decode(extension.with(flags + 12, 0));
        assertEquals("Ethernet IPv4 UDP GTP-U!malformed", PacketDecoderTest.describe(zero), "extension header of length 0");
        LayerStack overrun = decode(extension.with(flags + 12, 200));
        assertEquals(LayerStatus.MALFORMED, overrun.status(), "extension header past the packet");
        assertEquals("", carried(extension.with(flags + 12, 200)));
    }

    @Test
    void anErspanVersionOtherThanTwoOrThreeIsMalformed() throws Exception {
        Packet typeII = packets("erspan-type-ii-1.pcap").get(0);
        int version = 14 + 20 + 8;
        for (int nibble = 0; nibble < 16; nibble++) {
            Packet p = typeII.with(version, nibble << 4 | (typeII.bytes()[version] & 0x0f));
            LayerStack stack = decode(p);
            if (nibble == 1) {
                assertEquals("10.48.6.1 > 224.0.0.13", carried(p));
            } else if (nibble == 2) {
                assertNotEquals("10.48.6.1 > 224.0.0.13", carried(p), "read as type III, the frame is elsewhere");
            } else {
                assertEquals("Ethernet IPv4 GRE ERSPAN!malformed@1", PacketDecoderTest.describe(stack), "version " + nibble);
            }
        }
    }

    @Test
    void anMplsStackWithoutItsBottomIsCutOrMalformed() throws Exception {
        Packet one = packets("mpls.pcap").get(0);
        int entry = 14 + 2;
        Packet noBottom = one.with(entry, one.bytes()[entry] & ~0x01);
        LayerStack stack = decode(noBottom);
        assertEquals(Mpls.ID, stack.type(1));
        assertFalse(PacketDecoderTest.describe(stack).contains("IPv"),
                "the IP header is read as labels, and what follows them is no IP: " + PacketDecoderTest.describe(stack));
        LayerStack past = decode(noBottom.cut(14 + 8));
        assertEquals("Ethernet MPLS!malformed", PacketDecoderTest.describe(past), "labels past the end of the packet");
        assertTrue(PacketDecoderTest.hasNote(past, Note.HEADER_OVERRUNS_PACKET));
        LayerStack cut = decoder.decode(ByteBuffer.wrap(one.bytes()), 0, 16, one.bytes().length, one.linkType());
        assertEquals("Ethernet!truncated MPLS!truncated", PacketDecoderTest.describe(cut), "a label the snaplen cut");
        Packet notIp = one.with(14 + 4, 0x55);
        LayerStack other = decode(notIp);
        assertEquals("Ethernet MPLS", PacketDecoderTest.describe(other).substring(0, 13));
        assertFalse(PacketDecoderTest.describe(other).contains("IPv"), "version 5 below the stack is no IP");
        assertTrue(PacketDecoderTest.hasNote(other, Note.IP_VERSION_UNKNOWN));
    }

    @Test
    void teredoAndPppLeaveWhatTheyDoNotCarryAsPayload() throws Exception {
        Packet teredo = packets("teredo.pcap").get(0);
        LayerStack v4 = decode(teredo.with(14 + 20 + 8, 0x45));
        assertEquals("Ethernet IPv4 UDP Teredo Payload", PacketDecoderTest.describe(v4));
        assertTrue(PacketDecoderTest.hasNote(v4, Note.NEXT_PROTOCOL_UNKNOWN));
        Packet ppp = packets("ppp.pcap").get(0);
        LayerStack lcp = decode(ppp.with(2, 0xc0));
        assertEquals("PPP Payload", PacketDecoderTest.describe(lcp));
        assertEquals(0xc021, PacketDecoderTest.noteArgument(lcp, Note.NEXT_PROTOCOL_UNKNOWN));
        assertEquals(Ppp.ID, decode(ppp.cut(1)).type(0));
        assertEquals(LayerStatus.MALFORMED, decode(ppp.cut(3)).status(), "a PPP header the packet ends inside");
    }
}
