package io.tunnelscope.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.proto.arp.ArpHeader;
import io.tunnelscope.proto.ethernet.EthernetHeader;
import io.tunnelscope.proto.ethernet.VlanTag;
import io.tunnelscope.proto.geneve.GeneveHeader;
import io.tunnelscope.proto.gre.GreHeader;
import io.tunnelscope.proto.icmp.IcmpHeader;
import io.tunnelscope.proto.icmpv6.Icmpv6Header;
import io.tunnelscope.proto.ipv4.Ipv4Header;
import io.tunnelscope.proto.ipv6.Ipv6ExtensionHeader;
import io.tunnelscope.proto.ipv6.Ipv6Header;
import io.tunnelscope.proto.loopback.LoopbackHeader;
import io.tunnelscope.proto.sll.LinuxSll2Header;
import io.tunnelscope.proto.sll.LinuxSllHeader;
import io.tunnelscope.proto.tcp.TcpHeader;
import io.tunnelscope.proto.udp.UdpHeader;
import io.tunnelscope.proto.vxlan.VxlanHeader;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Exact field values of each flyweight over hand-built headers (at a non-zero offset). */
class FlyweightTest {
    static ByteBuffer buf(String hex) {
        return ByteBuffer.wrap(HexFormat.of().parseHex("eeee" + hex.replace(" ", "")));
    }

    @Test
    void ethernetAndVlan() {
        ByteBuffer b = buf("00163e0871cf 36dc851eb340 8100 a064 0800");
        EthernetHeader e = new EthernetHeader().wrap(b, 2, 18);
        assertTrue(e.isComplete());
        assertEquals(0x8100, e.etherType());
        assertEquals(8, e.sourceOffset());
        VlanTag v = new VlanTag().wrap(b, 16, 4);
        assertEquals(5, v.priority());
        assertEquals(0x064, v.vlanId());
        assertEquals(0x0800, v.etherType());
        assertTrue(VlanTag.isTpid(0x88a8));
        assertFalse(VlanTag.isTpid(0x0800));
    }

    @Test
    void cookedHeaders() {
        LinuxSllHeader s = new LinuxSllHeader().wrap(buf("0004 0200 0000 0000000000000000 0800"), 2, 16);
        assertEquals(4, s.packetType());
        assertEquals(512, s.arphrdType());
        assertEquals(0x0800, s.protocol());
        LinuxSll2Header s2 = new LinuxSll2Header().wrap(buf("86dd 0000 00000007 0001 04 06 001122334455 0000"), 2, 20);
        assertEquals(0x86dd, s2.protocol());
        assertEquals(7, s2.interfaceIndex());
        assertEquals(1, s2.arphrdType());
        assertEquals(4, s2.packetType());
        assertEquals(6, s2.addressLength());
    }

    @Test
    void loopbackByteOrder() {
        LoopbackHeader l = new LoopbackHeader();
        assertEquals(2, l.wrap(buf("02000000"), 2, 4).addressFamily(false));
        assertEquals(2, l.wrap(buf("00000002"), 2, 4).addressFamily(false));
        assertEquals(30, l.wrap(buf("1e000000"), 2, 4).addressFamily(false));
        assertEquals(0x1e000000, l.wrap(buf("1e000000"), 2, 4).addressFamily(true));
        assertEquals(6, LoopbackHeader.ipVersion(28));
        assertEquals(6, LoopbackHeader.ipVersion(24));
        assertEquals(0, LoopbackHeader.ipVersion(10));
    }

    @Test
    void arp() {
        ArpHeader a = new ArpHeader().wrap(buf("0001 0800 06 04 0002 00163e37f604 c0a8cb03 003088010002 c0a8cb05"), 2, 28);
        assertEquals(1, a.hardwareType());
        assertEquals(ArpHeader.OP_REPLY, a.operation());
        assertTrue(a.isEthernetIpv4());
        assertEquals(28, a.length());
        assertEquals(0xc0a8cb03, a.senderIpv4());
        assertEquals(0xc0a8cb05, a.targetIpv4());
    }

    @Test
    void ipv4WithOptionsAndChecksum() {
        // 24-byte header: router alert option (94 04 0000), DF, TTL 1, IGMP.
        ByteBuffer b = buf("46c0 0020 abcd 4000 0102 0000 0a000001 e0000016 94040000");
        Ipv4Header ip = new Ipv4Header().wrap(b, 2, 24);
        assertEquals(4, ip.version());
        assertEquals(24, ip.headerLength());
        assertEquals(0xc0, ip.tos());
        assertEquals(32, ip.totalLength());
        assertEquals(0xabcd, ip.identification());
        assertTrue(ip.dontFragment());
        assertFalse(ip.moreFragments());
        assertEquals(0, ip.fragmentOffset());
        assertEquals(1, ip.ttl());
        assertEquals(2, ip.protocol());
        assertEquals(0x0a000001, ip.source());
        assertEquals(-1, ip.malformedOptionOffset());
        int c = ip.computedChecksum();
        b.putShort(12, (short) c);
        assertEquals(c, ip.computedChecksum(), "independent of the field");
        assertEquals(c, ip.checksum());
        b.put(22 + 1, (byte) 9);
        assertEquals(20, ip.malformedOptionOffset());
        ByteBuffer frag = buf("4500 0020 0001 2005 4011 0000 01010101 02020202");
        Ipv4Header f = new Ipv4Header().wrap(frag, 2, 20);
        assertTrue(f.moreFragments());
        assertEquals(40, f.fragmentOffset());
    }

    @Test
    void ipv6AndExtensions() {
        ByteBuffer b = buf("6abcdef1 0010 00 40 20010db8000000000000000000000001 20010db8000000000000000000000002"
            + "2c 00 c2 04 00013880" + "11 00 05a9 12345678");
        Ipv6Header ip = new Ipv6Header().wrap(b, 2, 56);
        assertEquals(6, ip.version());
        assertEquals(0xab, ip.trafficClass());
        assertEquals(0xcdef1, ip.flowLabel());
        assertEquals(16, ip.payloadLength());
        assertEquals(0, ip.nextHeader());
        assertEquals(64, ip.hopLimit());
        assertEquals(10, ip.sourceOffset());
        Ipv6ExtensionHeader hbh = new Ipv6ExtensionHeader().wrap(b, 42, 16, 0);
        assertEquals(8, hbh.length());
        assertEquals(44, hbh.nextHeader());
        assertEquals(80000, hbh.jumboPayloadLength());
        Ipv6ExtensionHeader frag = new Ipv6ExtensionHeader().wrap(b, 50, 8, 44);
        assertEquals(8, frag.length());
        assertEquals(17, frag.nextHeader());
        assertEquals(0x05a8, frag.fragmentOffset());
        assertTrue(frag.moreFragments());
        assertEquals(0x12345678L, frag.identification());
        assertTrue(Ipv6Header.isExtension(60));
        assertFalse(Ipv6Header.isExtension(17));
    }

    @Test
    void udpTcp() {
        UdpHeader u = new UdpHeader().wrap(buf("b05d 12b5 0084 1234"), 2, 8);
        assertEquals(45149, u.sourcePort());
        assertEquals(4789, u.destinationPort());
        assertEquals(132, u.length());
        assertEquals(0x1234, u.checksum());
        TcpHeader t = new TcpHeader().wrap(buf("c819 0016 17b3 042f 00000000 a002 3908 1234 0000"
            + "020405b4 0402 080aab6d8ebe00000000 01 030307"), 2, 40);
        assertEquals(51225, t.sourcePort());
        assertEquals(22, t.destinationPort());
        assertEquals(397607983L, t.sequence());
        assertEquals(40, t.headerLength());
        assertEquals(TcpHeader.SYN, t.flags());
        assertEquals(14600, t.window());
        assertEquals(1460, t.mss());
        assertTrue(t.sackPermitted());
        assertEquals(7, t.windowScale());
        assertEquals(0xab6d8ebeL, t.timestampValue());
        assertEquals(0, t.timestampEcho());
        assertEquals(-1, t.malformedOptionOffset());
        TcpHeader bad = new TcpHeader().wrap(buf("0001 0002 00000000 00000000 6002 0000 0000 0000 0209 0000"), 2, 24);
        assertEquals(20, bad.malformedOptionOffset());
        assertEquals(-1, bad.mss());
    }

    @Test
    void icmp() {
        IcmpHeader i = new IcmpHeader().wrap(buf("0304 0000 0000 05aa"), 2, 8);
        assertEquals(3, i.type());
        assertEquals(IcmpHeader.CODE_FRAGMENTATION_NEEDED, i.code());
        assertEquals(1450, i.nextHopMtu());
        assertTrue(IcmpHeader.isError(11));
        assertFalse(IcmpHeader.isError(8));
        IcmpHeader echo = new IcmpHeader().wrap(buf("0800 f7ff 050c 0001"), 2, 8);
        assertEquals(1292, echo.identifier());
        assertEquals(1, echo.sequence());
        Icmpv6Header v6 = new Icmpv6Header().wrap(buf("0200 0000 00000578"), 2, 8);
        assertEquals(1400, v6.mtu());
        assertTrue(Icmpv6Header.isError(Icmpv6Header.PACKET_TOO_BIG));
        assertFalse(Icmpv6Header.isError(Icmpv6Header.ECHO_REQUEST));
    }

    @Test
    void tunnels() {
        VxlanHeader v = new VxlanHeader().wrap(buf("08000000 00006400"), 2, 8);
        assertTrue(v.vniValid());
        assertEquals(100, v.vni());
        assertTrue(v.reservedZero());
        GeneveHeader g = new GeneveHeader().wrap(buf("0a00 0800 00000000 0132 01 01 800000d1 0132 02 04 0800000d c0a86402 00000000 00000000 0132 03 02 00000000 00001234"), 2, 48);
        assertEquals(0, g.version());
        assertEquals(40, g.optionsLength());
        assertEquals(48, g.headerLength());
        assertEquals(0x0800, g.protocolType());
        assertEquals(0, g.vni());
        assertEquals(3, g.optionCount());
        int o = g.optionOffset(1);
        assertEquals(16, o);
        assertEquals(0x132, g.optionClass(o));
        assertEquals(2, g.optionType(o));
        assertEquals(16, g.optionDataLength(o));
        GeneveHeader overrun = new GeneveHeader().wrap(buf("41c0 6558 00000b00 0132 01 05 00000000"), 2, 12);
        assertEquals(1, overrun.version());
        assertTrue(overrun.oam());
        assertTrue(overrun.critical());
        assertEquals(-1, overrun.optionCount());
        GreHeader gre = new GreHeader().wrap(buf("b000 6558 abcd0000 0000002a 00000007"), 2, 16);
        assertEquals(0, gre.version());
        assertEquals(16, gre.headerLength());
        assertEquals(0xabcd, gre.checksum());
        assertEquals(42, gre.key());
        assertEquals(7, gre.sequence());
        GreHeader plain = new GreHeader().wrap(buf("0000 0800"), 2, 4);
        assertEquals(4, plain.headerLength());
        assertEquals(-1, plain.key());
        GreHeader pptp = new GreHeader().wrap(buf("3081 880b 0000 0001 00000002 00000003"), 2, 16);
        assertEquals(1, pptp.version());
        assertEquals(16, pptp.headerLength());
    }
}
