package io.tunnelscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.testing.Corpus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code decode --filter}. */
class DecodeFilterTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    private List<String> lines() {
        String text = out.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\n"));
    }

    private static String corpus(String file) {
        return Corpus.tcpdump(file).toString();
    }

    @Test
    void printsOnlyMatchingPackets() {
        // vxlan_port_8472.pcap: 10 packets, 8 ICMP echoes and 2 ARPs inside VXLAN vni 100.
        assertEquals(0, run("decode", "--utc", "--filter", "encap == vxlan && vni == 100 && inner.proto == icmp",
                corpus("vxlan_port_8472.pcap")));
        List<String> lines = lines();
        assertEquals(8, lines.size(), String.join("\n", lines));
        assertTrue(lines.stream().allMatch(l -> l.contains("VXLAN vni 100 |") && l.contains("ICMP echo")));
    }

    @Test
    void cidrAndNegation() {
        assertEquals(0, run("decode", "--utc", "--filter", "inner.src in 192.168.203.0/24 && !arp && inner.dst == 192.168.203.5",
                corpus("vxlan_port_8472.pcap")));
        List<String> lines = lines();
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertTrue(lines.stream().allMatch(l -> l.contains("| 192.168.203.3 > 192.168.203.5: ICMP echo request")));
    }

    @Test
    void pointIsTheFileStem() {
        assertEquals(0, run("decode", "--filter", "point == vxlan_port_8472", corpus("vxlan_port_8472.pcap")));
        assertEquals(10, lines().size());
        out.reset();
        assertEquals(0, run("decode", "--filter", "point == other", corpus("vxlan_port_8472.pcap")));
        assertEquals(0, lines().size());
    }

    @Test
    void countLimitsMatchingPackets() {
        assertEquals(0, run("decode", "-c", "2", "--filter", "arp", corpus("vxlan_port_8472.pcap")));
        assertEquals(2, lines().size());
    }

    @Test
    void badExpressionExitsTwoWithThePosition() {
        assertEquals(2, run("decode", "--filter", "outer.dport == ", corpus("vxlan_port_8472.pcap")));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("tunnelscope decode: --filter: expected a value after '==' at position 14"), e);
        assertTrue(e.contains("  outer.dport == \n" + "  " + " ".repeat(14) + "^"), e);
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
