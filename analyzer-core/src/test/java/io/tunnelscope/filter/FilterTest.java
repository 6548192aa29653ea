package io.tunnelscope.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.PointNames;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.testing.Corpus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FilterTest {

    private static Path sample(String scenario, String file) {
        String root = System.getProperty("tunnelscope.root", ".");
        Path p = Path.of(root, "samples", "captures", scenario, file);
        if (!Files.exists(p)) {
            p = Path.of("..", "samples", "captures", scenario, file);
        }
        return p;
    }

    /** Packets of a file that match. */
    static int count(Path file, String expression) throws IOException {
        PacketFilter filter = Filter.compile(expression);
        PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
        PacketView view = new PacketView();
        PacketRecord record = new PacketRecord();
        String point = PointNames.stem(file.getFileName().toString());
        int n = 0;
        try (CaptureReader reader = CaptureReaders.open(file)) {
            while (reader.next(record)) {
                view.wrap(decoder.decode(record));
                if (filter.matches(view, record, point)) {
                    n++;
                }
            }
        }
        return n;
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
        "vxlan || tcp && udp; (vxlan || (tcp && udp))",
        "vxlan && tcp || udp; ((vxlan && tcp) || udp)",
        "!vxlan && tcp; (!vxlan && tcp)",
        "!(vxlan && tcp); !(vxlan && tcp)",
        "not vxlan or tcp and udp; (!vxlan || (tcp && udp))",
        "vni == 1 && outer.dport == 8472; (vni == 1 && outer.dport == 8472)",
        "inner.dst in 10.244.0.0/16; inner.dst in 10.244.0.0/16",
        "vni != 1; !vni == 1",
        "frame.len >= 0x10; frame.len >= 16",
        "proto == icmp; proto == 1",
        "inner.dport in {80, 443}; (inner.dport == 80 || inner.dport == 443)",
        "a || b && !c || d; ",
    })
    void precedence(String expression, String expected) {
        if (expected == null) {
            // 'a' is not a field
            assertThrows(FilterSyntaxException.class, () -> Filter.compile(expression));
            return;
        }
        assertEquals(expected, Filter.compile(expression).toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
        "outer.dport == ; expected a value after '==' at position 14; 14",
        "outer.dport ==; expected a value after '==' at position 14; 14",
        "inner.src == && vni == 1; expected a value after '==' at position 13; 13",
        "foo == 1; unknown field 'foo' at position 0; 0",
        "vni == 1 &&; expected a field or '(' after '&&' at position 11; 11",
        "(vni == 1; missing ')' for the '(' at 0 at position 9; 9",
        "vni == 1); unmatched ')' at position 8; 8",
        "inner.src == 10.0.0.300; '10.0.0.300' is not an IP address at position 13; 13",
        "inner.dst in 10.0.0.0/33; bad prefix length in '10.0.0.0/33' (0 to 32) at position 22; 22",
        "inner.dst in fd00::/129; bad prefix length in 'fd00::/129' (0 to 128) at position 20; 20",
        "inner.src == 1:2:3; '1:2:3' is not an IPv6 address at position 13; 13",
        "encap == otv; 'otv' is not an encapsulation (vxlan, flannel-udp, geneve, ipip, gre, mpls-udp, erspan, gtp-u, teredo, wireguard, vxlan-gpe, none) at position 9; 9",
        "vni = 1; '=' is not an operator (use '==') at position 4; 4",
        "vni == 1 & vxlan; '&' is not an operator (use '&&') at position 9; 9",
        "inner.src < 1.2.3.4; '<' needs a number field, not 'inner.src' at position 10; 10",
        "vni == x; 'x' is not a number for 'vni' at position 7; 7",
        "status == broken; 'broken' is not a status (ok, truncated, malformed) at position 10; 10",
        "vni 1; expected '&&', '||' or the end instead of '1' at position 4; 4",
        "&& vni; expected a field or '(' instead of '&&' at position 0; 0",
        "vni == 1 || ; expected a field or '(' after '||' at position 11; 11",
        "inner.dport in 80; 'in' needs a CIDR block or a set {...} for 'inner.dport' at position 15; 15",
    })
    void syntaxErrors(String expression, String message, int position) {
        FilterSyntaxException e = assertThrows(FilterSyntaxException.class, () -> Filter.compile(expression));
        assertEquals(message, e.getMessage());
        assertEquals(position, e.position());
        assertEquals(expression, e.expression());
    }

    @Test
    void unterminatedString() {
        FilterSyntaxException e = assertThrows(FilterSyntaxException.class, () -> Filter.compile("point == \"abc"));
        assertEquals("unterminated string at position 9", e.getMessage());
        assertEquals(1, Filter.compile("point == \"a b\" || vxlan").toString().split("a b").length - 1 + 0);
    }

    @Test
    void blankMatchesAll() {
        assertTrue(Filter.compile("").matchesAll());
        assertTrue(Filter.compile("   ").matchesAll());
        assertFalse(Filter.compile("vxlan").matchesAll());
    }

    @Test
    void addressParsing() {
        assertEquals(0x0A66_1402L, Filter.parseIpv4("10.102.20.2"));
        assertEquals(-1, Filter.parseIpv4("10.102.20"));
        assertEquals(-1, Filter.parseIpv4("1.2.3.4.5"));
        long[] a = Filter.parseIpv6("2604:1380:4091:ce00::d");
        assertNotNull(a);
        assertEquals(0x2604_1380_4091_ce00L, a[0]);
        assertEquals(0xdL, a[1]);
        long[] mapped = Filter.parseIpv6("::ffff:10.0.0.1");
        assertEquals(0L, mapped[0]);
        assertEquals(0xffff_0a00_0001L, mapped[1]);
        assertEquals(0L, Filter.parseIpv6("::")[0]);
        assertEquals(null, Filter.parseIpv6("1::2::3"));
        assertEquals(null, Filter.parseIpv6("1:2:3:4:5:6:7:8:9"));
        assertNotNull(Filter.parseIpv6("1:2:3:4:5:6:7:8"));
    }

    // Counts as tshark -d udp.port==8472,vxlan -Y gives them (vxlan, ip.src == ..., ip.dst in {...}, icmp, tcp.port, frame.len).
    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
        "; 127",
        "vxlan; 124",
        "encap == vxlan && vni == 1; 124",
        "encap == vxlan && vni == 2; 0",
        "encap == none; 3",
        "encap != vxlan; 3",
        "outer.dport == 8472; 124",
        "outer.proto == udp && inner.proto == icmp; 14",
        "icmp; 14",
        "proto == icmp; 14",
        "inner.dst in 10.102.0.0/16; 124",
        "inner.dst in 10.102.0.0/16 && !(inner.dst in 10.102.20.0/24); 76",
        "outer.src == 172.16.112.133 || outer.dst == 172.16.112.133; 124",
        "src == 10.102.20.0; 74",
        "inner.src == 10.102.20.0; 74",
        "outer.src == 10.102.20.0; 0",
        "addr == 10.102.20.0; 120",
        "arp; 2",
        "point == host1-ens33; 127",
        "point contains ens; 127",
        "point == host1; 0",
        "status == ok; 127",
        "frame.number <= 10; 10",
        "frame.len > 1400; 48",
        "inner.ttl == 63 && inner.proto == icmp; 14",
        "inner.dport == 5201 || inner.sport == 5201; 107",
        "port == 5201; 107",
    })
    void vxlanMasqUnderlay(String expression, int expected) throws IOException {
        Path file = sample("vxlan-masq", "host1-ens33.pcap");
        assumeTrue(Files.exists(file), "samples not found");
        assertEquals(expected, count(file, expression == null ? "" : expression), expression);
    }

    @Test
    void ipv6CidrOnCorpus() throws IOException {
        Path file = Corpus.tcpdump("bigtcp-ipv6-vxlan-ipv6.pcap");
        assumeTrue(Files.exists(file), "corpus not found");
        assertEquals(1, count(file, "src == 2604:1380:4091:ce00::d"));
        assertEquals(1, count(file, "src in 2604:1380:4091:ce00::/64"));
        assertEquals(1, count(file, "addr in 2604:1380::/32 && vxlan"));
        assertEquals(0, count(file, "src in 2604:1380:4091:ce01::/64"));
        assertEquals(0, count(file, "inner.src in 10.0.0.0/8"));
        assertEquals(1, count(file, "src in ::/0"));
    }

    @Test
    void everyPacketMatchesItsOwnAddressesOnCorpus() throws IOException {
        // For each packet: inner.src == <its inner src> matches, and its /24 (or /64) too.
        for (String name : new String[] {"vxlan.pcap", "geneve.pcap", "bigtcp-ipv4-vxlan-ipv6.pcap",
                "bigtcp-ipv6-geneve-ipv4.pcap"}) {
            Path file = Corpus.tcpdump(name);
            assumeTrue(Files.exists(file), "corpus not found");
            PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
            PacketView view = new PacketView();
            PacketRecord record = new PacketRecord();
            try (CaptureReader reader = CaptureReaders.open(file)) {
                while (reader.next(record)) {
                    LayerStack stack = decoder.decode(record);
                    view.wrap(stack);
                    int inner = view.innerIpLayer();
                    if (inner < 0) {
                        continue;
                    }
                    StringBuilder src = new StringBuilder();
                    view.appendSource(inner, src);
                    StringBuilder dst = new StringBuilder();
                    view.appendDestination(inner, dst);
                    String prefix = view.ipVersion(inner) == 4 ? "/24" : "/64";
                    for (String expr : new String[] {"inner.src == " + src, "inner.dst == " + dst,
                            "inner.src in " + src + prefix, "addr == " + dst,
                            (view.ipVersion(inner) == 4 ? "ip.addr == " : "ipv6.addr == ") + dst,
                            "inner.proto == " + view.ipProtocol(inner)}) {
                        PacketFilter f = Filter.compile(expr);
                        assertTrue(f.matches(view, record, "x"), name + " frame " + record.frameNumber() + ": " + expr);
                    }
                    assertFalse(Filter.compile("!(inner.src == " + src + ")").matches(view, record, "x"));
                }
            }
        }
    }

    @Test
    void matchingAllocatesNothing() throws IOException {
        Path file = Corpus.tcpdump("vxlan.pcap");
        assumeTrue(Files.exists(file), "corpus not found");
        byte[] bytes;
        int linkType;
        PacketRecord record = new PacketRecord();
        try (CaptureReader reader = CaptureReaders.open(file)) {
            reader.next(record);
            bytes = record.copyBytes();
            linkType = record.linkType();
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
        PacketView view = new PacketView();
        PacketFilter filter = Filter.compile(
                "(inner.dst in 192.168.0.0/16 || src in fd00::/8) && vni == 100 && point == p && !(frame.len < 10)");
        view.wrap(decoder.decode(buf, 0, bytes.length, bytes.length, linkType));
        assertTrue(filter.matches(view, 1, "p"));
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        for (int i = 0; i < 20_000; i++) {
            filter.matches(view, i, "p");
        }
        long before = mx.getThreadAllocatedBytes(tid);
        boolean all = true;
        for (int i = 0; i < 100_000; i++) {
            all &= filter.matches(view, i, "p");
        }
        long after = mx.getThreadAllocatedBytes(tid);
        assertTrue(all);
        assertTrue(after - before < 4096, "allocated " + (after - before) + " bytes");
    }
}
