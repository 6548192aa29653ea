package io.tunnelscope.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Decodes tcpdump's own test captures and compares with the {@code .out} files next to them
 * (options per TESTLIST: vxlan -e, geneve -vv, gso/bigtcp -v).
 */
class CorpusDecodeTest {
    private final PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
    private final PacketView view = new PacketView();

    private LayerStack decode(CorpusPackets.Packet p) {
        return decoder.decode(ByteBuffer.wrap(p.data()), 0, p.data().length, p.originalLength(), p.linkType());
    }

    private static List<CorpusPackets.Packet> read(String file) throws IOException {
        Path path = CorpusPackets.tcpdump(file);
        assumeTrue(Files.exists(path), "corpus missing: " + path);
        return CorpusPackets.read(path);
    }

    private String source(int ip) {
        StringBuilder sb = new StringBuilder();
        view.appendSource(ip, sb);
        return sb.toString();
    }

    private String destination(int ip) {
        StringBuilder sb = new StringBuilder();
        view.appendDestination(ip, sb);
        return sb.toString();
    }

    /** "src.port > dst.port" of an IP layer as tcpdump prints it. */
    private String endpoints(int ip) {
        int t = view.transportLayer(ip);
        String s = source(ip);
        String d = destination(ip);
        if (view.sourcePort(t) >= 0) {
            s += "." + view.sourcePort(t);
            d += "." + view.destinationPort(t);
        }
        return s + " > " + d;
    }

    @Test
    void everyCorpusPacketDecodesWithoutException() throws IOException {
        List<Path> files = CorpusPackets.allCaptures();
        assumeTrue(!files.isEmpty(), "no corpus");
        int packets = 0;
        for (Path f : files) {
            for (CorpusPackets.Packet p : CorpusPackets.read(f)) {
                LayerStack s = decode(p);
                view.wrap(s);
                for (int i = 0; i < s.count(); i++) {
                    assertTrue(s.offset(i) + s.headerLength(i) <= p.data().length, f + ": header inside capture");
                    assertTrue(s.end(i) <= p.data().length, f + ": end inside capture");
                }
                packets++;
            }
        }
        assertTrue(packets > 80, "packets decoded: " + packets);
    }

    @ParameterizedTest
    @ValueSource(strings = {"vxlan.pcap", "vxlan_port_8472.pcap", "geneve.pcap", "geneve-gcp.pcap",
        "LINKTYPE_RAW_ipv4.pcap", "LINKTYPE_RAW_ipv6.pcap", "tcp-handshake-nano.pcap",
        "gso-ipv4.pcap", "gso-ipv6.pcap", "gso-ipv4-vxlan-ipv4.pcap", "gso-ipv4-vxlan-ipv6.pcap",
        "gso-ipv6-vxlan-ipv4.pcap", "gso-ipv6-vxlan-ipv6.pcap", "gso-ipv4-geneve-ipv4.pcap",
        "gso-ipv4-geneve-ipv6.pcap", "gso-ipv6-geneve-ipv4.pcap", "gso-ipv6-geneve-ipv6.pcap",
        "bigtcp-ipv4.pcap", "bigtcp-ipv6.pcap", "bigtcp-ipv6-hbh.pcap",
        "bigtcp-ipv4-vxlan-ipv4.pcap", "bigtcp-ipv4-vxlan-ipv6.pcap", "bigtcp-ipv6-vxlan-ipv4.pcap",
        "bigtcp-ipv6-vxlan-ipv6.pcap", "bigtcp-ipv4-geneve-ipv4.pcap", "bigtcp-ipv4-geneve-ipv6.pcap",
        "bigtcp-ipv6-geneve-ipv4.pcap", "bigtcp-ipv6-geneve-ipv6.pcap"})
    void wellFormedCapturesDecodeOk(String file) throws IOException {
        for (CorpusPackets.Packet p : read(file)) {
            LayerStack s = decode(p);
            assertEquals(LayerStatus.OK, s.status(), file + ": " + PacketDecoderTest.describe(s));
            view.wrap(s);
            assertNotEquals(-1, view.innerIpLayer(), file);
            assertNotEquals(-1, view.transportLayer(view.innerIpLayer()), file);
        }
    }

    @Test
    void vxlanMatchesTcpdump() throws IOException {
        for (String file : new String[] {"vxlan.pcap", "vxlan_port_8472.pcap"}) {
            int port = file.contains("8472") ? 8472 : 4789;
            List<CorpusPackets.Packet> packets = read(file);
            assertEquals(10, packets.size());
            // vxlan.out line 1: 192.168.203.1.45149 > 192.168.202.1.4789: VXLAN, flags [I] (0x08), vni 100
            //   00:16:3e:37:f6:04 > 00:30:88:01:00:02 ... 192.168.203.3 > 192.168.203.5: ICMP echo request, id 1292, seq 1, length 64
            LayerStack s = decode(packets.get(0));
            assertEquals("Ethernet IPv4 UDP VXLAN Ethernet@1 IPv4@1 ICMP@1 Payload@1", PacketDecoderTest.describe(s));
            view.wrap(s);
            assertEquals("192.168.203.1.45149 > 192.168.202.1." + port, endpoints(view.outerIpLayer()));
            assertEquals(100, view.vni());
            assertEquals(0x08, view.vxlanFlags(view.encapsulationLayer(0)));
            assertEquals("192.168.203.3 > 192.168.203.5", endpoints(view.innerIpLayer()));
            int icmp = view.transportLayer(view.innerIpLayer());
            assertEquals(8, view.icmpType(icmp));
            assertEquals(1292, view.icmpId(icmp));
            assertEquals(1, view.icmpSequence(icmp));
            assertEquals(64, view.icmpLength(icmp));
            StringBuilder mac = new StringBuilder();
            view.appendEthernetSource(4, mac);
            mac.append(" > ");
            view.appendEthernetDestination(4, mac);
            assertEquals("00:16:3e:37:f6:04 > 00:30:88:01:00:02", mac.toString());
            // line 2: 192.168.202.1.42710 > 192.168.203.1.4789: VXLAN ... Request who-has 192.168.203.3 tell 192.168.203.5
            LayerStack arp = decode(packets.get(1));
            assertEquals("Ethernet IPv4 UDP VXLAN Ethernet@1 ARP@1", PacketDecoderTest.describe(arp));
            view.wrap(arp);
            assertEquals("192.168.202.1.42710 > 192.168.203.1." + port, endpoints(view.outerIpLayer()));
            assertEquals(1, view.arpOperation(5));
            StringBuilder a = new StringBuilder();
            Addresses.appendIpv4(a, view.arpTargetIpv4(5)).append(' ');
            Addresses.appendIpv4(a, view.arpSenderIpv4(5));
            assertEquals("192.168.203.3 192.168.203.5", a.toString());
            assertEquals(-1, view.innerIpLayer() == view.outerIpLayer() ? -1 : 0);
        }
    }

    @Test
    void geneveMatchesTcpdump() throws IOException {
        List<CorpusPackets.Packet> packets = read("geneve.pcap");
        assertEquals(39, packets.size());
        // geneve-vni.out line 2: IP 20.0.0.2.43443 > 20.0.0.1.6081: Geneve, Flags [none], vni 0xb:
        //   IP 30.0.0.2.51225 > 30.0.0.1.22: Flags [S], seq 397610159, win 14600, options [mss 1460,...], length 0
        LayerStack s = decode(packets.get(2));
        view.wrap(s);
        assertEquals(Encapsulation.GENEVE, view.encapsulation(0));
        assertEquals("20.0.0.2.43443 > 20.0.0.1.6081", endpoints(view.outerIpLayer()));
        assertEquals(0xb, view.vni());
        assertEquals(0, view.geneveFlags(view.encapsulationLayer(0)));
        assertEquals("30.0.0.2.51225 > 30.0.0.1.22", endpoints(view.innerIpLayer()));
        int tcp = view.transportLayer(view.innerIpLayer());
        assertEquals(0x02, view.tcpFlags(tcp));
        assertEquals(397610159L, view.tcpSequence(tcp));
        assertEquals(14600, view.tcpWindow(tcp));
        assertEquals(0, view.tcpPayloadLength(tcp));
        // geneve-vni.out line 5: ... Flags [P.], seq 0:21, ack 40, win 115, ... length 21
        LayerStack p8 = decode(packets.get(7));
        view.wrap(p8);
        int t8 = view.transportLayer(view.innerIpLayer());
        assertEquals(0x18, view.tcpFlags(t8));
        assertEquals(21, view.tcpPayloadLength(t8));
        assertEquals(115, view.tcpWindow(t8));

        // geneve-gcp.out: 192.168.100.254.62974 > 192.168.100.3.6081: Geneve, vni 0x0, options [3 Google options]
        //   IP (ttl 64, id 55620, length 40) 192.168.100.2.2905 > 192.168.100.1.8080: Flags [none], cksum 0xf547 (correct)
        LayerStack g = decode(read("geneve-gcp.pcap").get(0));
        assertEquals("Ethernet IPv4 UDP Geneve IPv4@1 TCP@1", PacketDecoderTest.describe(g));
        assertEquals(0, g.noteCount());
        view.wrap(g);
        assertEquals(2, view.ttl(view.outerIpLayer()));
        assertEquals(0, view.vni());
        assertEquals(8 + 20 + 12, view.geneveOptionsLength(3), "option lens 8, 20, 12 as tcpdump prints them");
        assertEquals(0x0800, view.geneveProtocolType(3));
        assertEquals("192.168.100.2.2905 > 192.168.100.1.8080", endpoints(view.innerIpLayer()));
        assertEquals(55620, view.ipId(view.innerIpLayer()));
        assertEquals(40, view.ipTotalLength(view.innerIpLayer()));
    }

    @Test
    void superFramesMatchTcpdump() throws IOException {
        // bigtcp-ipv4-vxlan-ipv4.out: IP (ttl 61, id 28457, proto UDP (17), length 80102 [was 0, presumed BIG TCP])
        //   10.25.132.11.47044 > 10.25.132.13.4789: VXLAN, flags [I] (0x08), vni 5001
        //   IP (ttl 64, id 31532, flags [DF], length 80052 [was 0, presumed BIG TCP])
        //   192.168.1.2.36875 > 192.168.1.1.36449: Flags [P.], cksum 0xbbfb (incorrect -> 0xad1f), ... length 80000
        LayerStack s = decode(read("bigtcp-ipv4-vxlan-ipv4.pcap").get(0));
        view.wrap(s);
        int outer = view.outerIpLayer();
        assertEquals(80102, view.ipTotalLength(outer));
        assertEquals(0, view.ipLengthField(outer));
        assertEquals(28457, view.ipId(outer));
        assertEquals(61, view.ttl(outer));
        assertEquals("10.25.132.11.47044 > 10.25.132.13.4789", endpoints(outer));
        assertEquals(5001, view.vni());
        int inner = view.innerIpLayer();
        assertEquals(80052, view.ipTotalLength(inner));
        assertTrue(view.dontFragment(inner));
        assertEquals("192.168.1.2.36875 > 192.168.1.1.36449", endpoints(inner));
        int tcp = view.transportLayer(inner);
        assertEquals(80000, view.tcpPayloadLength(tcp));
        assertEquals(0xbbfb, view.tcpChecksum(tcp));
        assertEquals(0xad1f, PacketDecoderTest.noteArgument(s, Note.TCP_BAD_CHECKSUM));
        assertEquals(80102, PacketDecoderTest.noteArgument(s, Note.BIG_TCP_PRESUMED));

        // bigtcp-ipv6-vxlan-ipv6.out: IP6 (hlim 64, payload length 0) [real length 80142, presumed BIG TCP]
        //   2604:1380:4091:ce00::d.37059 > 2604:1380:4091:ce00::b.4789: [bad udp cksum 0xc93c -> 0x286f!] VXLAN, vni 5001
        //   IP6 ... [real length 80072] fd00::1.40007 > fd00::2.40607: Flags [P.], cksum 0x32ac (incorrect -> 0xb3b0), length 80000
        LayerStack v6 = decode(read("bigtcp-ipv6-vxlan-ipv6.pcap").get(0));
        view.wrap(v6);
        assertEquals("2604:1380:4091:ce00::d.37059 > 2604:1380:4091:ce00::b.4789", endpoints(view.outerIpLayer()));
        assertEquals(80142, view.ipTotalLength(view.outerIpLayer()));
        assertEquals(0x286f, PacketDecoderTest.noteArgument(v6, Note.UDP_BAD_CHECKSUM));
        assertEquals("fd00::1.40007 > fd00::2.40607", endpoints(view.innerIpLayer()));
        assertEquals(80072, view.ipTotalLength(view.innerIpLayer()));
        assertEquals(80000, view.tcpPayloadLength(view.transportLayer(view.innerIpLayer())));
        assertEquals(5001, view.vni());

        // bigtcp-ipv6-hbh.out: HBH (jumbo: 80040) 41851 > 43913: Flags [P.], cksum 0xc8eb (incorrect -> 0x3146), length 80000
        LayerStack hbh = decode(read("bigtcp-ipv6-hbh.pcap").get(0));
        view.wrap(hbh);
        assertEquals(80040, PacketDecoderTest.noteArgument(hbh, Note.IPV6_JUMBOGRAM));
        assertEquals(6, view.ipProtocol(view.outerIpLayer()));
        assertEquals("2604:1380:4091:ce00::d.41851 > 2604:1380:4091:ce00::b.43913", endpoints(view.outerIpLayer()));
        assertEquals(0x3146, PacketDecoderTest.noteArgument(hbh, Note.TCP_BAD_CHECKSUM));
        assertEquals(80000, view.tcpPayloadLength(view.transportLayer(view.outerIpLayer())));

        // gso-ipv6-geneve-ipv4.out: IP6 (hlim 61, payload length 6972) 2604:1380:4091:ce00::b.22155 >
        //   2604:1380:4091:ce00::d.6081: [bad udp cksum 0xab91 -> 0xdcc1!] Geneve, vni 0x1389
        //   IP (ttl 64, id 51474, flags [DF], length 6942) 192.168.1.2.36991 > 192.168.1.1.41507: ... length 6890
        LayerStack gso = decode(read("gso-ipv6-geneve-ipv4.pcap").get(0));
        view.wrap(gso);
        assertFalse(PacketDecoderTest.hasNote(gso, Note.BIG_TCP_PRESUMED));
        assertEquals(0xdcc1, PacketDecoderTest.noteArgument(gso, Note.UDP_BAD_CHECKSUM));
        assertEquals(0x1389, view.vni());
        assertEquals(6942, view.ipTotalLength(view.innerIpLayer()));
        assertEquals(51474, view.ipId(view.innerIpLayer()));
        assertEquals(6890, view.tcpPayloadLength(view.transportLayer(view.innerIpLayer())));
    }

    @Test
    void rawAndCookedMatchTcpdump() throws IOException {
        // LINKTYPE_RAW_ipv6.out: IP6 2001:db8::1.12345 > 2620:fe::9.53: 4660+ A? example.com. (29)
        view.wrap(decode(read("LINKTYPE_RAW_ipv6.pcap").get(0)));
        assertEquals("2001:db8::1.12345 > 2620:fe::9.53", endpoints(view.outerIpLayer()));
        assertEquals(29 + 8, view.udpLength(view.transportLayer(view.outerIpLayer())));
        assertEquals(0, view.encapsulationCount());
        // LINKTYPE_RAW_ipv4.out: IP 192.168.1.100.12345 > 9.9.9.9.53: 4660+ A? example.com. (29)
        view.wrap(decode(read("LINKTYPE_RAW_ipv4.pcap").get(0)));
        assertEquals("192.168.1.100.12345 > 9.9.9.9.53", endpoints(view.outerIpLayer()));
        // tcp-handshake-nano.out line 1: IP 131.155.215.69.46656 > 137.116.81.94.80: tcp 0
        view.wrap(decode(read("tcp-handshake-nano.pcap").get(0)));
        assertEquals("131.155.215.69.46656 > 137.116.81.94.80", endpoints(view.outerIpLayer()));
        assertEquals(0x0800, view.etherType(0));
    }

    @Test
    void hostileIpv6FragmentsDoNotThrow() throws IOException {
        // ip6_frag_asan.out: IP6 452:22:19:0:41a:e4ff:10ff:484d > 2243:80:1400:100:19:ffff:ffff:fffb: frag ( [|frag6]
        LayerStack s = decode(read("ip6_frag_asan.pcap").get(0));
        view.wrap(s);
        assertEquals("452:22:19:0:41a:e4ff:10ff:484d", source(view.outerIpLayer()));
        assertEquals("2243:80:1400:100:19:ffff:ffff:fffb", destination(view.outerIpLayer()));
        assertNotEquals(LayerStatus.OK, s.status());
        // ipv6_frag6_negative_len.out: 7fff:ffff:c3b2:a102:1305:80:38:2949 > 9675:86dd:7300:2c:1c7f:ffff:ffc3:b2a1: frag (...)
        LayerStack t = decode(read("ipv6_frag6_negative_len.pcap").get(0));
        view.wrap(t);
        assertEquals("7fff:ffff:c3b2:a102:1305:80:38:2949", source(view.outerIpLayer()));
        assertEquals("9675:86dd:7300:2c:1c7f:ffff:ffc3:b2a1", destination(view.outerIpLayer()));
    }
}
