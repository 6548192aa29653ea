package io.tunnelscope.detail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tunnelscope.decode.DecodeAs;
import io.tunnelscope.decode.DecodeTables;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link PacketDetails#dissect(byte[], int)} on corpus and hand-made packets. */
class PacketDetailsTest {

    private static final String OUTER_IP = "ethernet_frame/body/";
    private static final String OUTER_UDP = OUTER_IP + "body/";
    private static final String VXLAN = OUTER_UDP + "body/";
    private static final String VXLAN_INNER_IP = VXLAN + "inner/body/";
    private static final String GENEVE = OUTER_UDP + "body/";

    private static String value(FieldNode root, String path) {
        return root.at(path).orElseThrow(() -> new AssertionError("no " + path + " in\n"
            + root.render())).value();
    }

    private static FieldNode node(FieldNode root, String path) {
        return root.at(path).orElseThrow(() -> new AssertionError("no " + path + " in\n"
            + root.render()));
    }

    private static void assertComplete(FieldNode root) {
        assertFalse(root.hasError(), () -> root.render());
    }

    /**
     * <pre>
     * tshark -r vxlan.pcap -d udp.port==8472,vxlan -T fields -e frame.number -e vxlan.vni \
     *     -e ip.src -e ip.dst -e udp.srcport -e udp.dstport -e eth.type
     * 1  100  192.168.203.1,192.168.203.3  192.168.202.1,192.168.203.5  45149  4789  0x0800,0x0800
     * 2  100  192.168.202.1                192.168.203.1                42710  4789  0x0800,0x0806
     * 3  100  192.168.203.1                192.168.202.1                52102  4789  0x0800,0x0806
     * 4  100  192.168.202.1,192.168.203.5  192.168.203.1,192.168.203.3  32894  4789  0x0800,0x0800
     * </pre>
     * vxlan_port_8472.pcap holds the same packets with destination port 8472.
     */
    @Test
    void vxlanFramesMatchTshark() {
        String[][] expected = {
            {"192.168.203.1", "192.168.202.1", "45149", "192.168.203.3", "192.168.203.5"},
            {"192.168.202.1", "192.168.203.1", "42710", null, null},
            {"192.168.203.1", "192.168.202.1", "52102", null, null},
            {"192.168.202.1", "192.168.203.1", "32894", "192.168.203.5", "192.168.203.3"},
        };
        for (String file : List.of("vxlan.pcap", "vxlan_port_8472.pcap")) {
            String port = file.equals("vxlan.pcap") ? "4789" : "8472";
            for (int f = 1; f <= expected.length; f++) {
                String[] e = expected[f - 1];
                FieldNode t = TestFiles.dissect(file, f);
                assertComplete(t);
                assertEquals(e[0], value(t, OUTER_IP + "src_addr"));
                assertEquals(e[1], value(t, OUTER_IP + "dst_addr"));
                assertEquals("17 (UDP)", value(t, OUTER_IP + "protocol"));
                assertEquals(e[2], value(t, OUTER_UDP + "src_port"));
                assertEquals(port, value(t, OUTER_UDP + "dst_port"));
                assertEquals("vxlan_header", value(t, VXLAN.substring(0, VXLAN.length() - 1)));
                assertEquals("100", value(t, VXLAN + "vni"));
                assertEquals("1", value(t, VXLAN + "flag_i"));
                if (e[3] != null) {
                    assertEquals(e[3], value(t, VXLAN_INNER_IP + "src_addr"));
                    assertEquals(e[4], value(t, VXLAN_INNER_IP + "dst_addr"));
                    assertEquals("1 (ICMP)", value(t, VXLAN_INNER_IP + "protocol"));
                    assertEquals("icmp_packet", value(t, VXLAN_INNER_IP + "body"));
                } else {
                    assertEquals("0x0806 (ARP)", value(t, VXLAN + "inner/ether_type"));
                }
            }
        }
    }

    /** Byte ranges as the hex pane needs them: frame 1 of vxlan.pcap. */
    @Test
    void byteRanges() {
        FieldNode t = TestFiles.dissect("vxlan.pcap", 1);
        assertEquals(0, t.offset());
        assertEquals(148, t.length());
        // VNI: after Ethernet (14), IPv4 (20), UDP (8) and the first 4 VXLAN bytes; 24 bits.
        FieldNode vni = node(t, VXLAN + "vni");
        assertEquals(14 + 20 + 8 + 4, vni.offset());
        assertEquals(3, vni.length());
        assertEquals(0, vni.bitOffset());
        assertEquals(24, vni.bitLength());
        FieldNode vxlan = node(t, "ethernet_frame/body/body/body");
        assertEquals(42, vxlan.offset());
        assertEquals(148 - 42, vxlan.length());
        FieldNode inner = node(t, VXLAN + "inner");
        assertEquals(50, inner.offset());
        assertEquals(98, inner.length());
        assertEquals(26, node(t, OUTER_IP + "src_addr").offset());
        assertEquals(4, node(t, OUTER_IP + "src_addr").length());
        assertEquals(36, node(t, OUTER_UDP + "dst_port").offset());
        assertEquals(2, node(t, OUTER_UDP + "dst_port").length());
        assertEquals(50 + 14 + 12, node(t, VXLAN_INNER_IP + "src_addr").offset());
        // Bit fields: which bits of which bytes.
        FieldNode ihl = node(t, OUTER_IP + "ihl");
        assertEquals(List.of(14, 1, 4, 4), List.of(ihl.offset(), ihl.length(), ihl.bitOffset(),
            ihl.bitLength()));
        FieldNode df = node(t, OUTER_IP + "dont_fragment");
        assertEquals(List.of(20, 1, 1, 1), List.of(df.offset(), df.length(), df.bitOffset(),
            df.bitLength()));
        FieldNode fragment = node(t, OUTER_IP + "fragment_offset");
        assertEquals(List.of(20, 2, 3, 13), List.of(fragment.offset(), fragment.length(),
            fragment.bitOffset(), fragment.bitLength()));
        FieldNode ttl = node(t, OUTER_IP + "ttl");
        assertEquals(List.of(22, 1, 0), List.of(ttl.offset(), ttl.length(), ttl.bitLength()));
    }

    /**
     * <pre>
     * tshark -r geneve.pcap -T fields -e frame.number -e geneve.vni -e ip.src -e ip.dst \
     *     -e udp.srcport -e udp.dstport -e tcp.srcport -e tcp.dstport
     * 1   0x00000a  20.0.0.1,30.0.0.1  20.0.0.2,30.0.0.2  12618  6081
     * 3   0x00000b  20.0.0.2,30.0.0.2  20.0.0.1,30.0.0.1  43443  6081  51225  22
     * 4   0x00000a  20.0.0.1,30.0.0.1  20.0.0.2,30.0.0.2  22540  6081  22     51225
     * 10  0x00000b  20.0.0.2,30.0.0.2  20.0.0.1,30.0.0.1  43443  6081  51225  22
     * tshark -r geneve.pcap -T fields -e geneve.option.class -e geneve.option.type \
     *     -e geneve.option.length -Y frame.number==1
     * 0x0000  0x80  8
     * </pre>
     */
    @Test
    void geneveFramesMatchTshark() {
        Object[][] expected = {
            {1, "10", "20.0.0.1", "20.0.0.2", "12618", "30.0.0.1", "30.0.0.2", null, null},
            {3, "11", "20.0.0.2", "20.0.0.1", "43443", "30.0.0.2", "30.0.0.1", "51225", "22"},
            {4, "10", "20.0.0.1", "20.0.0.2", "22540", "30.0.0.1", "30.0.0.2", "22", "51225"},
            {10, "11", "20.0.0.2", "20.0.0.1", "43443", "30.0.0.2", "30.0.0.1", "51225", "22"},
        };
        String inner = GENEVE + "payload/body/";
        for (Object[] e : expected) {
            FieldNode t = TestFiles.dissect("geneve.pcap", (int) e[0]);
            assertComplete(t);
            assertEquals(e[1], value(t, GENEVE + "vni"));
            assertEquals("0x6558 (Ethernet)", value(t, GENEVE + "protocol_type"));
            assertEquals(e[2], value(t, OUTER_IP + "src_addr"));
            assertEquals(e[3], value(t, OUTER_IP + "dst_addr"));
            assertEquals(e[4], value(t, OUTER_UDP + "src_port"));
            assertEquals("6081", value(t, OUTER_UDP + "dst_port"));
            assertEquals(e[5], value(t, inner + "src_addr"));
            assertEquals(e[6], value(t, inner + "dst_addr"));
            if (e[7] != null) {
                assertEquals("tcp_segment", value(t, inner + "body"));
                assertEquals(e[7], value(t, inner + "body/src_port"));
                assertEquals(e[8], value(t, inner + "body/dst_port"));
            }
        }
        FieldNode t = TestFiles.dissect("geneve.pcap", 1);
        FieldNode option = node(t, GENEVE + "options/entries/entries[0]");
        assertEquals(50, option.offset());
        assertEquals(8, option.length()); // tshark's geneve.option.length
        assertEquals("0", value(option, "option_class"));
        assertEquals("1", value(option, "critical")); // type 0x80
        assertEquals("0", value(option, "option_type"));
    }

    /**
     * <pre>
     * tshark -r geneve-gcp.pcap -T fields -e geneve.vni -e geneve.proto_type -e ip.src -e ip.dst \
     *     -e tcp.srcport -e tcp.dstport -e geneve.option.class
     * 0x000000  0x0800  192.168.100.254,192.168.100.2  192.168.100.3,192.168.100.1  2905  8080
     *     0x0132,0x0132,0x0132
     * </pre>
     */
    @Test
    void geneveCarryingIpDirectly() {
        FieldNode t = TestFiles.dissect("geneve-gcp.pcap", 1);
        assertComplete(t);
        assertEquals("0", value(t, GENEVE + "vni"));
        assertEquals("0x0800 (IPv4)", value(t, GENEVE + "protocol_type"));
        assertEquals("3 items", value(t, GENEVE + "options/entries"));
        assertEquals(3, t.findAll(n -> n.name().equals("option_class") && n.value().equals("306"))
            .size());
        assertEquals("192.168.100.2", value(t, GENEVE + "payload/src_addr"));
        assertEquals("192.168.100.1", value(t, GENEVE + "payload/dst_addr"));
        assertEquals("2905", value(t, GENEVE + "payload/body/src_port"));
        assertEquals("8080", value(t, GENEVE + "payload/body/dst_port"));
    }

    /**
     * Other link types. tshark -r F -T fields -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst
     * -e udp.srcport -e udp.dstport -e tcp.srcport -e tcp.dstport:
     * LINKTYPE_RAW_ipv4.pcap: 192.168.1.100 9.9.9.9 udp 12345 53;
     * LINKTYPE_RAW_ipv6.pcap: 2001:db8::1 2620:fe::9 udp 12345 53;
     * tcp-handshake-nano.pcap (Linux cooked v1) frame 1: 131.155.215.69 137.116.81.94 tcp 46656 80.
     */
    @Test
    void rawIpAndLinuxCooked() {
        FieldNode v4 = TestFiles.dissect("LINKTYPE_RAW_ipv4.pcap", 1);
        assertComplete(v4);
        assertEquals("192.168.1.100", value(v4, "ipv4_packet/src_addr"));
        assertEquals("9.9.9.9", value(v4, "ipv4_packet/dst_addr"));
        assertEquals("53", value(v4, "ipv4_packet/body/dst_port"));
        FieldNode v6 = TestFiles.dissect("LINKTYPE_RAW_ipv6.pcap", 1);
        assertComplete(v6);
        assertEquals("2001:db8::1", value(v6, "ipv6_packet/src_addr"));
        assertEquals("2620:fe::9", value(v6, "ipv6_packet/dst_addr"));
        assertEquals("12345", value(v6, "ipv6_packet/body/src_port"));
        // The same bytes as LINKTYPE_IPV4 / LINKTYPE_IPV6.
        CaptureRecord r4 = TestFiles.packet("LINKTYPE_RAW_ipv4.pcap", 1);
        assertEquals("9.9.9.9", value(PacketDetails.dissect(r4.data(), 228), "ipv4_packet/dst_addr"));
        FieldNode sll = TestFiles.dissect("tcp-handshake-nano.pcap", 1);
        assertComplete(sll);
        assertEquals("131.155.215.69", value(sll, "linux_sll/body/src_addr"));
        assertEquals("137.116.81.94", value(sll, "linux_sll/body/dst_addr"));
        assertEquals("46656", value(sll, "linux_sll/body/body/src_port"));
        assertEquals("80", value(sll, "linux_sll/body/body/dst_port"));
        assertEquals("1", value(sll, "linux_sll/body/body/syn"));
    }

    /**
     * bigtcp-ipv6-hbh.pcap: a BIG TCP IPv6 jumbogram, payload length 0 and a hop-by-hop header
     * with the jumbo payload option (0xc2). tshark: ipv6.nxt 0, tcp 41851 → 43913.
     */
    @Test
    void ipv6ExtensionChainAndJumbogram() {
        FieldNode t = TestFiles.dissect("bigtcp-ipv6-hbh.pcap", 1);
        assertComplete(t);
        assertEquals("0", value(t, OUTER_IP + "payload_length"));
        assertEquals("0 (IPv6 hop-by-hop)", value(t, OUTER_IP + "next_header"));
        String hbh = OUTER_IP + "extension_headers/extension_headers[0]/";
        assertEquals("6 (TCP)", value(t, hbh + "next_header"));
        assertEquals("options_header", value(t, hbh + "header"));
        assertEquals("194", value(t, hbh + "header/options/entries/entries[0]/option_type"));
        assertEquals("41851", value(t, OUTER_IP + "body/src_port"));
        assertEquals("43913", value(t, OUTER_IP + "body/dst_port"));
        assertEquals(80094, node(t, OUTER_IP + "body").end());
    }

    /** A VLAN-tagged copy of frame 1 of vxlan.pcap: 802.1ad S-tag then 802.1Q C-tag. */
    @Test
    void vlanTags() {
        byte[] p = TestFiles.packet("vxlan.pcap", 1).data();
        byte[] tagged = new byte[p.length + 8];
        System.arraycopy(p, 0, tagged, 0, 12);
        ByteBuffer.wrap(tagged, 12, 8).putShort((short) 0x88a8).putShort((short) (0xa000 | 100))
            .putShort((short) 0x8100).putShort((short) 42);
        System.arraycopy(p, 12, tagged, 20, p.length - 12);
        FieldNode t = PacketDetails.dissect(tagged, 1);
        assertComplete(t);
        assertEquals("2 items", value(t, "ethernet_frame/vlan_tags"));
        FieldNode s = node(t, "ethernet_frame/vlan_tags/vlan_tags[0]");
        assertEquals("0x88a8 (802.1ad)", value(s, "tpid"));
        assertEquals("5", value(s, "pcp"));
        assertEquals("100", value(s, "vid"));
        FieldNode vid = node(s, "vid");
        assertEquals(List.of(14, 2, 4, 12), List.of(vid.offset(), vid.length(), vid.bitOffset(),
            vid.bitLength()));
        FieldNode c = node(t, "ethernet_frame/vlan_tags/vlan_tags[1]");
        assertEquals("42", value(c, "vid"));
        assertEquals("0", value(c, "pcp"));
        assertEquals("0x0800 (IPv4)", value(t, "ethernet_frame/ether_type"));
        assertEquals(20, node(t, "ethernet_frame/ether_type").offset());
        assertEquals(22, node(t, OUTER_IP + "version").offset());
        assertEquals("100", value(t, VXLAN + "vni"));
        assertEquals(46 + 8, node(t, VXLAN + "vni").offset());
        // Untagged frames have no vlan_tags node at all.
        assertTrue(TestFiles.dissect("vxlan.pcap", 1).at("ethernet_frame/vlan_tags").isEmpty());
    }

    /** flannel's UDP backend (port 8285): the UDP payload is a bare IP packet. */
    @Test
    void flannelUdp() {
        byte[] inner = ipv4(new byte[] {10, (byte) 244, 1, 2}, new byte[] {10, (byte) 244, 2, 3}, 1,
            new byte[] {8, 0, 0, 0, 0, 1, 0, 1});
        byte[] udp = udp(40000, 8285, inner);
        byte[] outer = ipv4(new byte[] {(byte) 192, (byte) 168, 0, 1},
            new byte[] {(byte) 192, (byte) 168, 0, 2}, 17, udp);
        FieldNode t = PacketDetails.dissect(ethernet(0x0800, outer), 1);
        assertComplete(t);
        // The decoder's tables say 8285 is flannel's UDP backend, a marker without bytes: the body
        // is the bare IPv4 packet, parsed with its own spec.
        String ip = OUTER_UDP + "body/";
        assertEquals("ipv4_packet", value(t, OUTER_UDP + "body"));
        assertEquals("10.244.1.2", value(t, ip + "src_addr"));
        assertEquals("10.244.2.3", value(t, ip + "dst_addr"));
        assertEquals("8", value(t, ip + "body/icmp_type"));
        assertEquals(14 + 20 + 8 + 12, node(t, ip + "src_addr").offset());
    }

    /**
     * Decode-as reaches the detail view: the UDP body is parsed as the decoder's tables say, not as
     * a port table in a spec would (VXLAN on a port of one's own; 4789 made plain payload).
     */
    @Test
    void decodeAsOverridesReachTheTree() {
        byte[] vxlan = TestFiles.packet("vxlan.pcap", 1).data();
        int udp = 14 + 20;
        int port = ((vxlan[udp + 2] & 0xff) << 8) | (vxlan[udp + 3] & 0xff);
        assertEquals(4789, port);
        assertEquals("vxlan_header", value(PacketDetails.dissect(vxlan, 1), OUTER_UDP + "body"));

        DecodeTables none = DecodeTables.builder().decodeAs(DecodeAs.parse("udp.port=4789:none")).build();
        FieldNode plain = PacketDetails.dissect(vxlan, 1, none);
        assertEquals(0, node(plain, OUTER_UDP + "body").children().size(), "4789 as plain payload: bytes");

        byte[] moved = vxlan.clone();
        moved[udp + 2] = (byte) (9999 >>> 8);
        moved[udp + 3] = (byte) (9999 & 0xff);
        moved[udp + 6] = 0; // no UDP checksum, so the moved port does not make it wrong
        moved[udp + 7] = 0;
        DecodeTables mine = DecodeTables.builder().heuristicVxlan(false)
            .decodeAs(DecodeAs.parse("udp.port=9999:vxlan")).build();
        assertEquals(0, node(PacketDetails.dissect(moved, 1, DecodeTables.builder().heuristicVxlan(false).build()),
            OUTER_UDP + "body").children().size(), "9999 without an override: bytes");
        FieldNode t = PacketDetails.dissect(moved, 1, mine);
        assertEquals("vxlan_header", value(t, OUTER_UDP + "body"));
        assertEquals(value(PacketDetails.dissect(vxlan, 1), OUTER_UDP + "body/vni"), value(t, OUTER_UDP + "body/vni"));
    }

    /** Every prefix of a packet: fields so far plus an error marker, never an exception. */
    @Test
    void truncatedPacketsGiveFieldsSoFarAndAnError() {
        byte[] p = TestFiles.packet("vxlan.pcap", 1).data();
        FieldNode cut = PacketDetails.dissect(Arrays.copyOf(p, 60), 1);
        // The inner Ethernet frame has 10 bytes: its source MAC is cut.
        assertEquals("100", value(cut, VXLAN + "vni"));
        assertEquals("00:30:88:01:00:02", value(cut, VXLAN + "inner/dst_mac"));
        FieldNode error = cut.firstError().orElseThrow(() -> new AssertionError(cut.render()));
        assertTrue(error.error());
        assertEquals(56, error.offset());
        assertTrue(error.value().startsWith("truncated"), error.value());
        assertTrue(node(cut, VXLAN + "inner").children().contains(error));

        for (String file : List.of("vxlan.pcap", "geneve.pcap", "bigtcp-ipv6-hbh.pcap",
                "geneve-gcp.pcap")) {
            byte[] whole = TestFiles.packet(file, 1).data();
            for (int len = 0; len <= Math.min(whole.length, 200); len++) {
                FieldNode t = PacketDetails.dissect(Arrays.copyOf(whole, len), 1);
                assertWithinBounds(t, len, file + " cut at " + len);
                if (len < 14) {
                    assertTrue(t.hasError(), file + " cut at " + len);
                }
            }
        }
        // ip6_frag_asan.pcap: the fragment header is cut in its identification field.
        FieldNode frag = TestFiles.dissect("ip6_frag_asan.pcap", 1);
        FieldNode e = frag.firstError().orElseThrow(() -> new AssertionError(frag.render()));
        assertEquals(58, e.offset());
        assertEquals("0", value(frag, OUTER_IP
            + "extension_headers/extension_headers[0]/header/fragment_offset"));
    }

    /** Random bytes behind plausible headers: never an exception, every range inside the packet. */
    @Test
    void garbageNeverThrows() {
        Random random = new Random(8472);
        byte[] seed = TestFiles.packet("geneve.pcap", 3).data();
        for (int i = 0; i < 3000; i++) {
            byte[] p = Arrays.copyOf(seed, random.nextInt(seed.length + 1));
            int flips = 1 + random.nextInt(6);
            for (int f = 0; f < flips && p.length > 0; f++) {
                p[random.nextInt(p.length)] = (byte) random.nextInt(256);
            }
            int linkType = List.of(1, 1, 1, 101, 113, 276).get(random.nextInt(6));
            assertWithinBounds(PacketDetails.dissect(p, linkType), p.length, "garbage " + i);
        }
    }

    @Test
    void unsupportedOrEmpty() {
        FieldNode t = PacketDetails.dissect(new byte[] {1, 2, 3}, 147);
        assertTrue(t.hasError());
        assertEquals("link type 147 is not dissected", t.firstError().get().value());
        assertTrue(PacketDetails.dissect(new byte[0], 1).hasError());
        assertTrue(PacketDetails.dissect(new byte[0], 101).hasError());
        assertTrue(PacketDetails.dissect(new byte[] {0x10}, 101).hasError());
    }

    /** Every corpus packet: ranges nest and stay inside the packet. */
    @Test
    void corpusTreesAreWellFormed() throws Exception {
        try (var files = java.nio.file.Files.newDirectoryStream(TestFiles.corpus().resolve("tcpdump"),
                "*.pcap")) {
            for (var file : files) {
                CaptureRecords r = PacketDetails.captureRecords(TestFiles.read(file));
                for (CaptureRecord rec : r.records()) {
                    FieldNode t = PacketDetails.dissect(rec.data(), rec.linkType());
                    String where = file.getFileName() + " frame " + rec.number();
                    assertWithinBounds(t, rec.data().length, where);
                    if (!file.getFileName().toString().equals("ip6_frag_asan.pcap")) {
                        assertComplete(t);
                    }
                }
            }
        }
    }

    private static void assertWithinBounds(FieldNode root, int length, String where) {
        assertEquals(0, root.offset(), where);
        assertEquals(length, root.length(), where);
        check(root, where);
    }

    private static void check(FieldNode n, String where) {
        for (FieldNode c : n.children()) {
            if (c.offset() < n.offset() || c.end() > n.end() || c.length() < 0) {
                fail(where + ": " + c.name() + " [" + c.offset() + "+" + c.length()
                    + "] outside " + n.name() + " [" + n.offset() + "+" + n.length() + "]");
            }
            check(c, where);
        }
    }

    // ------------------------------------------------------------- hand-made packets

    static byte[] ethernet(int etherType, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + payload.length);
        b.put(new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2}).putShort((short) etherType)
            .put(payload);
        return b.array();
    }

    static byte[] ipv4(byte[] src, byte[] dst, int protocol, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length))
            .putShort((short) 1).putShort((short) 0x4000).put((byte) 64).put((byte) protocol)
            .putShort((short) 0).put(src).put(dst).put(payload);
        return b.array();
    }

    static byte[] udp(int sport, int dport, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        b.putShort((short) sport).putShort((short) dport).putShort((short) (8 + payload.length))
            .putShort((short) 0).put(payload);
        return b.array();
    }
}
