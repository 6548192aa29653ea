package io.tunnelscope.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.capture.LinkType;
import io.tunnelscope.proto.vxlan.Vxlan;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class PacketDecoderTest {
    private final PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
    private final PacketView view = new PacketView();

    static String describe(LayerStack s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.count(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(LayerType.name(s.type(i)));
            if (s.status(i) != LayerStatus.OK) {
                sb.append('!').append(s.status(i).jsonName());
            }
            if (s.isQuoted(i)) {
                sb.append("(q)");
            }
            if (s.depth(i) > 0) {
                sb.append('@').append(s.depth(i));
            }
        }
        return sb.toString();
    }

    static boolean hasNote(LayerStack s, Note note) {
        return noteArgument(s, note) != Long.MIN_VALUE;
    }

    static long noteArgument(LayerStack s, Note note) {
        for (int n = 0; n < s.noteCount(); n++) {
            if (s.note(n) == note) {
                return s.noteArgument(n);
            }
        }
        return Long.MIN_VALUE;
    }

    LayerStack decode(byte[] p, int linkType) {
        return decoder.decode(ByteBuffer.wrap(p), 0, p.length, p.length, linkType);
    }

    /** Outer Ethernet/IPv4/UDP to {@code port} carrying VXLAN, inner Ethernet/IPv4/ICMP echo. */
    static byte[] vxlanPacket(int port) {
        byte[] p = Bytes.of().ethernet(0x0800).ipv4(17, "192.168.203.1", "192.168.202.1")
            .udp(45149, port).vxlan(100)
            .ethernet(0x0800).ipv4(1, "192.168.203.3", "192.168.203.5").icmpEcho(8, 1292, 1).zeros(56)
            .bytes();
        Bytes.finishIpv4(p, 14, -1);
        Bytes.finishUdp(p, 34);
        Bytes.finishIpv4(p, 64, -1);
        Bytes.finishIcmp(p, 84);
        return p;
    }

    @Test
    void vxlanOverEthernet() {
        LayerStack s = decode(vxlanPacket(4789), LinkType.ETHERNET);
        assertEquals("Ethernet IPv4 UDP VXLAN Ethernet@1 IPv4@1 ICMP@1 Payload@1", describe(s));
        assertEquals(0, s.noteCount(), "no notes on a clean packet");
        view.wrap(s);
        assertEquals(1, view.outerIpLayer());
        assertEquals(5, view.innerIpLayer());
        assertEquals(1, view.encapsulationCount());
        assertEquals(Encapsulation.VXLAN, view.encapsulation(0));
        assertEquals("vxlan", Encapsulation.name(view.encapsulation(0)));
        assertEquals(3, view.encapsulationLayer(0));
        assertEquals(100, view.vni());
        assertEquals(0x08, view.vxlanFlags(3));
        int udp = view.transportLayer(1);
        assertEquals(2, udp);
        assertEquals(45149, view.sourcePort(udp));
        assertEquals(4789, view.destinationPort(udp));
        int icmp = view.transportLayer(5);
        assertEquals(8, view.icmpType(icmp));
        assertEquals(1292, view.icmpId(icmp));
        assertEquals(1, view.icmpSequence(icmp));
        assertEquals(-1, view.sourcePort(icmp));
        StringBuilder sb = new StringBuilder();
        view.appendSource(5, sb);
        view.appendDestination(5, sb.append('>'));
        assertEquals("192.168.203.3>192.168.203.5", sb.toString());
        assertEquals(64, view.ttl(5));
        assertEquals(1, view.ipProtocol(5));
        assertEquals(0x1234, view.ipId(5));
        assertEquals(84, view.ipTotalLength(5));
    }

    @Test
    void flannelPortAndDecodeAs() {
        assertEquals("Ethernet IPv4 UDP VXLAN Ethernet@1 IPv4@1 ICMP@1 Payload@1",
            describe(decode(vxlanPacket(8472), LinkType.ETHERNET)));
        // On a port without entry the heuristic claims it, with a note.
        LayerStack s = decode(vxlanPacket(9999), LinkType.ETHERNET);
        assertEquals("Ethernet IPv4 UDP VXLAN Ethernet@1 IPv4@1 ICMP@1 Payload@1", describe(s));
        assertEquals(9999, noteArgument(s, Note.VXLAN_HEURISTIC));
        // decode-as none switches it off; decode-as vxlan makes it plain.
        PacketDecoder none = new PacketDecoder(DecodeTables.builder()
            .decodeAs(DecodeAs.parse("udp.port=9999:none")).build());
        assertEquals("Ethernet IPv4 UDP Payload", describe(none.decode(ByteBuffer.wrap(vxlanPacket(9999)), 0,
            vxlanPacket(9999).length, vxlanPacket(9999).length, LinkType.ETHERNET)));
        PacketDecoder off = new PacketDecoder(DecodeTables.builder().heuristicVxlan(false).build());
        byte[] p = vxlanPacket(9999);
        assertEquals("Ethernet IPv4 UDP Payload", describe(off.decode(ByteBuffer.wrap(p), 0, p.length, p.length, 1)));
        PacketDecoder as = new PacketDecoder(DecodeTables.builder().decodeAs(9999, Vxlan.DESCRIPTOR).build());
        LayerStack s2 = as.decode(ByteBuffer.wrap(p), 0, p.length, p.length, 1);
        assertEquals("Ethernet IPv4 UDP VXLAN Ethernet@1 IPv4@1 ICMP@1 Payload@1", describe(s2));
        assertFalse(hasNote(s2, Note.VXLAN_HEURISTIC));
    }

    @Test
    void heuristicRejectsDnsLikePayload() {
        byte[] p = Bytes.of().ethernet(0x0800).ipv4(17, "10.0.0.1", "10.0.0.2").udp(33333, 5353)
            .hex("0800 0000 0001 0000 0000 0000 0765 7861 6d70 6c65 0363 6f6d 0000 0100 01").bytes();
        Bytes.finishIpv4(p, 14, -1);
        Bytes.finishUdp(p, 34);
        assertEquals("Ethernet IPv4 UDP Payload", describe(decode(p, LinkType.ETHERNET)));
    }

    @Test
    void ipv4HeaderLengthBelowFive() {
        byte[] p = Bytes.of().ipv4(17, "10.0.0.1", "10.0.0.2").zeros(8).bytes();
        Bytes.finishIpv4(p, 0, -1);
        p[0] = 0x44;
        LayerStack s = decode(p, LinkType.RAW);
        assertEquals("IPv4!malformed", describe(s));
        assertEquals(16, noteArgument(s, Note.IPV4_HEADER_LENGTH_INVALID));
    }

    @Test
    void ipv4TotalLengthBelowHeader() {
        byte[] p = Bytes.of().ipv4(17, "10.0.0.1", "10.0.0.2").zeros(8).bytes();
        Bytes.finishIpv4(p, 0, 12);
        LayerStack s = decode(p, LinkType.IPV4);
        assertEquals("IPv4!malformed", describe(s));
        assertEquals(12, noteArgument(s, Note.IPV4_TOTAL_LENGTH_INVALID));
    }

    @Test
    void ipv4OptionOverrun() {
        byte[] p = Bytes.of().u8(0x46, 0).u16(0).u16(1).u16(0).u8(64, 17).u16(0).ip("1.1.1.1").ip("2.2.2.2")
            .u8(0x07, 8, 0, 0).zeros(8).bytes();
        Bytes.finishIpv4(p, 0, -1);
        LayerStack s = decode(p, LinkType.RAW);
        assertEquals("IPv4!malformed", describe(s));
        assertEquals(20, noteArgument(s, Note.IPV4_OPTIONS_MALFORMED));
    }

    @Test
    void ipv4TotalLengthBeyondWireIsMalformedBeyondCaptureIsTruncated() {
        byte[] p = vxlanPacket(4789);
        Bytes.finishIpv4(p, 14, p.length - 14 + 10);
        LayerStack s = decode(p, LinkType.ETHERNET);
        assertEquals("Ethernet IPv4!malformed", describe(s));
        assertEquals(p.length - 14 + 10, noteArgument(s, Note.IPV4_TOTAL_LENGTH_EXCEEDS));

        byte[] q = vxlanPacket(4789);
        int cap = 14 + 20 + 8 + 8 + 14 + 20 + 4;
        LayerStack t = decoder.decode(ByteBuffer.wrap(q), 0, cap, q.length, LinkType.ETHERNET);
        assertEquals("Ethernet!truncated IPv4!truncated UDP!truncated VXLAN!truncated Ethernet!truncated@1 "
            + "IPv4!truncated@1 ICMP!truncated@1", describe(t));
        assertEquals(q.length - cap, noteArgument(t, Note.SNAPLEN_CUT));
        assertEquals(8, noteArgument(t, Note.HEADER_TRUNCATED));
        assertEquals(4, t.headerLength(6), "the bytes that were there");
        view.wrap(t);
        assertEquals(45149, view.sourcePort(view.transportLayer(view.outerIpLayer())));
        assertEquals(8, view.icmpType(6));
        assertEquals(-1, view.icmpId(6));
    }

    @Test
    void badIpv4ChecksumIsANote() {
        byte[] p = vxlanPacket(4789);
        p[24] ^= 0x01;
        LayerStack s = decode(p, LinkType.ETHERNET);
        assertEquals(LayerStatus.OK, s.status());
        long computed = noteArgument(s, Note.IPV4_BAD_CHECKSUM);
        assertEquals((p[24] ^ 0x01) & 0xff, computed >>> 8);
    }

    @Test
    void zeroLengthAndUnknownLinkType() {
        LayerStack s = decode(new byte[0], LinkType.ETHERNET);
        assertEquals("Ethernet!malformed", describe(s));
        assertEquals(0, s.headerLength(0));
        LayerStack r = decode(new byte[0], LinkType.RAW);
        assertEquals("Payload!malformed", describe(r));
        LayerStack u = decode(new byte[] {1, 2, 3}, 147);
        assertEquals(0, u.count());
        assertEquals(147, noteArgument(u, Note.UNSUPPORTED_LINK_TYPE));
        LayerStack cut = decoder.decode(ByteBuffer.wrap(new byte[6]), 0, 6, 60, LinkType.ETHERNET);
        assertEquals("Ethernet!truncated", describe(cut));
    }

    @Test
    void ipIpNestedWithoutEndIsCapped() {
        Bytes b = Bytes.of();
        int levels = 20;
        for (int i = 0; i < levels; i++) {
            b.ipv4(4, "10.0.0." + i, "10.0.1." + i);
        }
        b.ipv4(17, "1.1.1.1", "2.2.2.2").udp(1, 2);
        byte[] p = b.bytes();
        for (int i = 0; i <= levels; i++) {
            Bytes.finishIpv4(p, i * 20, -1);
        }
        Bytes.finishUdp(p, (levels + 1) * 20);
        LayerStack s = decode(p, LinkType.RAW);
        assertEquals(DecodeTables.DEFAULT_MAX_ENCAPSULATIONS + 1, s.count());
        assertEquals(8, noteArgument(s, Note.NESTING_TOO_DEEP));
        assertEquals(8, s.depth(8));
        view.wrap(s);
        assertEquals(8, view.encapsulationCount());
        assertEquals("ipip", Encapsulation.name(view.encapsulation(7)));
        assertEquals(8, view.innerIpLayer());
    }

    @Test
    void ipv6ExtensionChainTooLong() {
        Bytes b = Bytes.of().u8(0x60, 0, 0, 0).u16(0).u8(60, 64).zeros(32);
        for (int i = 0; i < 12; i++) {
            b.u8(60, 0, 1, 4, 0, 0, 0, 0);
        }
        byte[] p = b.bytes();
        Bytes.finishIpv6(p, 0);
        LayerStack s = decode(p, LinkType.IPV6);
        assertEquals(1 + PacketDecoder.MAX_IPV6_EXTENSIONS, s.count());
        assertEquals(LayerStatus.MALFORMED, s.status(s.count() - 1));
        assertTrue(hasNote(s, Note.IPV6_EXTENSION_CHAIN_TOO_LONG));
    }

    @Test
    void ipv6ExtensionOverrunningPayloadIsMalformed() {
        byte[] p = Bytes.of().u8(0x60, 0, 0, 0).u16(0).u8(0, 64).zeros(32).u8(17, 5, 0, 0, 0, 0, 0, 0).bytes();
        Bytes.finishIpv6(p, 0);
        LayerStack s = decode(p, LinkType.RAW);
        assertEquals("IPv6 IPv6 hop-by-hop!malformed", describe(s));
        assertEquals(48, noteArgument(s, Note.HEADER_OVERRUNS_PACKET));
    }

    @Test
    void icmpFragNeededQuotingVxlan() {
        byte[] inner = vxlanPacket(8472);
        Bytes b = Bytes.of().ethernet(0x0800).ipv4(1, "10.0.0.254", "192.168.203.1")
            .u8(3, 4).u16(0).u16(0).u16(1450);
        byte[] quote = java.util.Arrays.copyOfRange(inner, 14, 14 + 28 + 16);
        for (byte x : quote) {
            b.u8(x & 0xff);
        }
        byte[] p = b.bytes();
        Bytes.finishIpv4(p, 14, -1);
        Bytes.finishIcmp(p, 34);
        LayerStack s = decode(p, LinkType.ETHERNET);
        assertEquals("Ethernet IPv4 ICMP IPv4(q) UDP(q)", describe(s));
        assertEquals(LayerStatus.OK, s.status());
        view.wrap(s);
        assertEquals(1450, view.icmpMtu(2));
        assertEquals(3, view.quotedIpLayer(2));
        assertEquals(8472, view.destinationPort(view.transportLayer(3)));
        assertEquals(1, view.innerIpLayer(), "quoted layers are not the inner packet");
        assertEquals(0, view.encapsulationCount());
        StringBuilder sb = new StringBuilder();
        view.appendSource(3, sb);
        assertEquals("192.168.203.1", sb.toString());
    }

    @Test
    void icmpErrorQuotingIcmpError() {
        Bytes b = Bytes.of().ipv4(1, "10.0.0.1", "10.0.0.2").u8(11, 0).u16(0).u32(0)
            .ipv4(1, "10.0.0.2", "10.0.0.9").u8(3, 1).u16(0).u32(0)
            .ipv4(17, "10.0.0.9", "10.0.0.7").udp(1, 2);
        byte[] p = b.bytes();
        Bytes.finishIpv4(p, 0, -1);
        Bytes.finishIpv4(p, 28, 200);
        Bytes.finishIcmp(p, 20);
        LayerStack s = decode(p, LinkType.RAW);
        assertEquals("IPv4 ICMP IPv4(q) ICMP(q)", describe(s));
        assertEquals(3, noteArgument(s, Note.ICMP_ERROR_QUOTES_ERROR));
        assertEquals(LayerStatus.OK, s.status());
    }

    @Test
    void quotedTcpShortIsOk() {
        Bytes b = Bytes.of().ipv4(1, "10.0.0.1", "10.0.0.2").u8(3, 3).u16(0).u32(0)
            .ipv4(6, "10.0.0.2", "10.0.0.9").u16(40000).u16(443).u32(7);
        byte[] p = b.bytes();
        Bytes.finishIpv4(p, 0, -1);
        Bytes.finishIpv4(p, 28, 1500);
        Bytes.finishIcmp(p, 20);
        LayerStack s = decode(p, LinkType.RAW);
        assertEquals("IPv4 ICMP IPv4(q) TCP(q)", describe(s));
        assertEquals(8, s.headerLength(3));
        assertEquals(8, noteArgument(s, Note.QUOTED_HEADER_SHORT));
        view.wrap(s);
        assertEquals(443, view.destinationPort(3));
        assertEquals(7, view.tcpSequence(3));
        assertEquals(-1, view.tcpFlags(3));
        assertEquals(1500, view.ipTotalLength(2));
    }

    @Test
    void fragments() {
        byte[] first = Bytes.of().ipv4(17, "10.0.0.1", "10.0.0.2").udp(1000, 4789).zeros(40).bytes();
        Bytes.finishIpv4(first, 0, -1);
        ByteBuffer.wrap(first).putShort(24, (short) 1400);
        first[6] = 0x20;
        Bytes.finishIpv4(first, 0, -1);
        LayerStack s = decode(first, LinkType.RAW);
        // A tunnel in a first fragment is followed, as tshark follows it; the inner frame is
        // partial (it continues in the next fragment), which is not malformed.
        assertEquals("IPv4 UDP VXLAN Ethernet@1 Payload@1", describe(s));
        assertEquals(0, noteArgument(s, Note.IP_FRAGMENT));
        assertEquals(LayerStatus.OK, s.status());

        byte[] later = Bytes.of().ipv4(17, "10.0.0.1", "10.0.0.2").zeros(40).bytes();
        later[6] = 0x00;
        later[7] = (byte) 185;
        Bytes.finishIpv4(later, 0, -1);
        LayerStack t = decode(later, LinkType.RAW);
        assertEquals("IPv4 Fragment data", describe(t));
        assertEquals(1480, noteArgument(t, Note.IP_FRAGMENT));
    }

    @Test
    void udpLengthInvalid() {
        byte[] p = Bytes.of().ipv4(17, "10.0.0.1", "10.0.0.2").udp(1, 2).zeros(4).bytes();
        Bytes.finishIpv4(p, 0, -1);
        ByteBuffer.wrap(p).putShort(24, (short) 5);
        assertEquals("IPv4 UDP!malformed", describe(decode(p, LinkType.RAW)));
        ByteBuffer.wrap(p).putShort(24, (short) 40);
        LayerStack s = decode(p, LinkType.RAW);
        assertEquals("IPv4 UDP!malformed", describe(s));
        assertEquals(40, noteArgument(s, Note.UDP_LENGTH_INVALID));
    }

    @Test
    void tcpWithOptionsAndBadDataOffset() {
        byte[] p = Bytes.of().ipv4(6, "30.0.0.2", "30.0.0.1").u16(51225).u16(22).u32(397610159).u32(0)
            .u8(0xa0, 0x02).u16(14600).u16(0).u16(0)
            .hex("020405b4 0402 080a ab6d 8e7e 0000 0000 01 030307").bytes();
        Bytes.finishIpv4(p, 0, -1);
        LayerStack s = decode(p, LinkType.RAW);
        assertEquals("IPv4 TCP", describe(s));
        assertTrue(hasNote(s, Note.TCP_BAD_CHECKSUM), "checksum left 0");
        view.wrap(s);
        assertEquals(0x02, view.tcpFlags(1));
        assertEquals(397610159L, view.tcpSequence(1));
        assertEquals(14600, view.tcpWindow(1));
        assertEquals(0, view.tcpPayloadLength(1));
        p[32] = 0x40;
        LayerStack t = decode(p, LinkType.RAW);
        assertEquals("IPv4 TCP!malformed", describe(t));
        assertEquals(4, noteArgument(t, Note.TCP_HEADER_LENGTH_INVALID));
        p[32] = (byte) 0xa0;
        p[58] = 9;
        LayerStack u = decode(p, LinkType.RAW);
        assertEquals(LayerStatus.MALFORMED, u.status(1));
        assertTrue(hasNote(u, Note.TCP_OPTIONS_MALFORMED));
    }

    @Test
    void geneveWithOptionsCarryingIpv4AndGreWithKey() {
        byte[] p = Bytes.of().ipv4(17, "20.0.0.2", "20.0.0.1").udp(50525, 6081)
            .u8(0x02, 0x40).u16(0x0800).u8(0, 0, 0x0b, 0).u16(0x0132).u8(1, 1).u32(0x800000d1L)
            .ipv4(47, "30.0.0.2", "30.0.0.1").u16(0x2000).u16(0x86dd).u32(42)
            .u8(0x60, 0, 0, 0).u16(0).u8(59, 64).zeros(15).u8(1).zeros(15).u8(2).bytes();
        Bytes.finishIpv4(p, 0, -1);
        Bytes.finishUdp(p, 20);
        Bytes.finishIpv4(p, 44, -1);
        LayerStack s = decode(p, LinkType.RAW);
        assertEquals("IPv4 UDP Geneve IPv4@1 GRE@1 IPv6@2", describe(s));
        view.wrap(s);
        assertEquals(2, view.encapsulationCount());
        assertEquals(Encapsulation.GENEVE, view.encapsulation(0));
        assertEquals(Encapsulation.GRE, view.encapsulation(1));
        assertEquals(0x0b, view.vni());
        assertEquals(8, view.geneveOptionsLength(2));
        assertEquals(0x40, view.geneveFlags(2));
        assertEquals(42, view.greKey(4));
        assertEquals(0x86dd, view.greProtocolType(4));
        StringBuilder sb = new StringBuilder();
        view.appendSource(5, sb);
        assertEquals("::1", sb.toString());
        assertEquals(59, view.ipProtocol(5));
    }

    @Test
    void flannelUdpCarriesBareIp() {
        byte[] p = Bytes.of().ethernet(0x0800).ipv4(17, "172.16.0.1", "172.16.0.2").udp(8285, 8285)
            .ipv4(1, "10.244.1.2", "10.244.2.3").icmpEcho(0, 7, 9).bytes();
        Bytes.finishIpv4(p, 14, -1);
        Bytes.finishUdp(p, 34);
        Bytes.finishIpv4(p, 42, -1);
        Bytes.finishIcmp(p, 62);
        LayerStack s = decode(p, LinkType.ETHERNET);
        assertEquals("Ethernet IPv4 UDP flannel-udp IPv4@1 ICMP@1", describe(s));
        view.wrap(s);
        assertEquals("flannel-udp", Encapsulation.name(view.encapsulation(0)));
        assertEquals(-1, view.vni());
        assertEquals(4, view.innerIpLayer());
        assertEquals(0, s.noteCount());
    }

    @Test
    void cookedAndLoopbackLinks() {
        byte[] ip = Bytes.of().ipv4(17, "10.0.0.1", "10.0.0.2").udp(5, 53).zeros(4).bytes();
        Bytes.finishIpv4(ip, 0, -1);
        Bytes.finishUdp(ip, 20);
        byte[] sll = concat(Bytes.of().u16(4).u16(1).u16(6).hex("001122334455 0000").u16(0x0800).bytes(), ip);
        assertEquals("SLL IPv4 UDP Payload", describe(decode(sll, LinkType.LINUX_SLL)));
        byte[] sll2 = concat(Bytes.of().u16(0x0800).u16(0).u32(3).u16(1).u8(0, 6).hex("001122334455 0000").bytes(), ip);
        assertEquals("SLL2 IPv4 UDP Payload", describe(decode(sll2, LinkType.LINUX_SLL2)));
        assertEquals("Loopback IPv4 UDP Payload", describe(decode(concat(new byte[] {2, 0, 0, 0}, ip), LinkType.NULL)));
        assertEquals("Loopback IPv4 UDP Payload", describe(decode(concat(new byte[] {0, 0, 0, 2}, ip), LinkType.NULL)));
        assertEquals("Loopback IPv4 UDP Payload", describe(decode(concat(new byte[] {0, 0, 0, 2}, ip), LinkType.LOOP)));
        byte[] v6 = Bytes.of().u8(0x60, 0, 0, 0).u16(0).u8(59, 64).zeros(32).bytes();
        assertEquals("Loopback IPv6", describe(decode(concat(new byte[] {30, 0, 0, 0}, v6), LinkType.NULL)));
        assertEquals("Loopback IPv6", describe(decode(concat(new byte[] {0, 0, 0, 24}, v6), LinkType.LOOP)));
        LayerStack odd = decode(concat(new byte[] {7, 0, 0, 0}, v6), LinkType.NULL);
        assertEquals("Loopback Payload", describe(odd));
        assertEquals(7, noteArgument(odd, Note.UNKNOWN_ADDRESS_FAMILY));
        assertEquals("IPv4 UDP Payload", describe(decode(ip, LinkType.RAW_12)));
        LayerStack mismatch = decode(ip, LinkType.IPV6);
        assertEquals("IPv6!malformed", describe(mismatch));
        assertEquals(4, noteArgument(mismatch, Note.IP_VERSION_MISMATCH));
    }

    @Test
    void vlanTagsAndArp() {
        byte[] p = Bytes.of().ethernet(0x88a8).u16(0x0064).u16(0x8100).u16(0x2005).u16(0x0806)
            .u16(1).u16(0x0800).u8(6, 4).u16(1).hex("003088010002").ip("192.168.203.5")
            .zeros(6).ip("192.168.203.3").zeros(18).bytes();
        LayerStack s = decode(p, LinkType.ETHERNET);
        assertEquals("Ethernet 802.1ad VLAN ARP", describe(s));
        view.wrap(s);
        assertEquals(100, view.vlanId(1));
        assertEquals(5, view.vlanId(2));
        assertEquals(0x0806, view.etherType(2));
        assertEquals(1, view.arpOperation(3));
        StringBuilder sb = new StringBuilder();
        Addresses.appendIpv4(sb, view.arpSenderIpv4(3)).append(' ');
        Addresses.appendIpv4(sb, view.arpTargetIpv4(3)).append(' ');
        view.appendArpSenderMac(3, sb);
        assertEquals("192.168.203.5 192.168.203.3 00:30:88:01:00:02", sb.toString());
        assertEquals(-1, view.outerIpLayer());
    }

    @Test
    void icmpv6PacketTooBigQuotesIpv6() {
        Bytes b = Bytes.of().u8(0x60, 0, 0, 0).u16(0).u8(58, 64).hex("fe800000000000000000000000000001")
            .hex("20010db8000000000000000000000002")
            .u8(2, 0).u16(0).u32(1400)
            .u8(0x60, 0, 0, 0).u16(1460).u8(17, 63).hex("20010db8000000000000000000000002")
            .hex("20010db8000000010000000000000003").udp(40000, 4789);
        byte[] p = b.bytes();
        Bytes.finishIpv6(p, 0);
        LayerStack s = decode(p, LinkType.IPV6);
        assertEquals("IPv6 ICMPv6 IPv6(q) UDP(q)", describe(s));
        assertTrue(hasNote(s, Note.ICMPV6_BAD_CHECKSUM));
        view.wrap(s);
        assertEquals(1400, view.icmpMtu(1));
        assertEquals(1500, view.ipTotalLength(2));
        StringBuilder sb = new StringBuilder();
        view.appendDestination(2, sb);
        assertEquals("2001:db8:0:1::3", sb.toString());
    }

    @Test
    void tooManyLayersStopsCleanly() {
        Bytes b = Bytes.of().ethernet(0x8100);
        for (int i = 0; i < 60; i++) {
            b.u16(i).u16(0x8100);
        }
        byte[] p = b.bytes();
        LayerStack s = decode(p, LinkType.ETHERNET);
        assertEquals(LayerStack.MAX_LAYERS, s.count());
        assertTrue(hasNote(s, Note.TOO_MANY_LAYERS));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
