package io.tunnelscope.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.capture.LinkType;
import io.tunnelscope.testing.PacketExercise;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Tunnels nested without end, other than IP-in-IP ({@link PacketDecoderTest}): VXLAN in VXLAN,
 * GRE in GRE, Geneve and a mix. The depth is capped with a note; nothing throws, and the view and
 * formatter stay within the stack.
 */
class NestedTunnelsTest {
    private static final int LEVELS = 30;
    private final PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());

    private LayerStack decode(byte[] p, int linkType) {
        return decoder.decode(ByteBuffer.wrap(p), 0, p.length, p.length, linkType);
    }

    private void assertCapped(byte[] p, int linkType) {
        LayerStack s = decode(p, linkType);
        assertTrue(PacketDecoderTest.hasNote(s, Note.NESTING_TOO_DEEP) || PacketDecoderTest.hasNote(s, Note.TOO_MANY_LAYERS),
                PacketDecoderTest.describe(s));
        assertTrue(s.count() <= LayerStack.MAX_LAYERS);
        int deepest = 0;
        for (int i = 0; i < s.count(); i++) {
            deepest = Math.max(deepest, s.depth(i));
        }
        assertTrue(deepest <= DecodeTables.DEFAULT_MAX_ENCAPSULATIONS, "depth " + deepest);
        PacketView view = new PacketView().wrap(s);
        // The tunnel header whose payload is not followed any more still counts.
        assertTrue(view.encapsulationCount() <= DecodeTables.DEFAULT_MAX_ENCAPSULATIONS + 1,
                view.encapsulationCount() + ": " + PacketDecoderTest.describe(s));
        new PacketExercise(true).exercise(p, p.length, linkType, 0);
    }

    @Test
    void vxlanInVxlanWithoutEnd() {
        Bytes b = Bytes.of();
        int[] ip = new int[LEVELS];
        for (int i = 0; i < LEVELS; i++) {
            b.ethernet(0x0800);
            ip[i] = b.size();
            b.ipv4(17, "10.0." + i + ".1", "10.0." + i + ".2").udp(40000 + i, i % 2 == 0 ? 4789 : 8472).vxlan(i);
        }
        b.ethernet(0x0806).zeros(28);
        byte[] p = b.bytes();
        for (int i = LEVELS - 1; i >= 0; i--) {
            Bytes.finishIpv4(p, ip[i], -1);
            Bytes.finishUdp(p, ip[i] + 20);
        }
        assertCapped(p, LinkType.ETHERNET);
    }

    @Test
    void greInGreWithoutEnd() {
        Bytes b = Bytes.of();
        int[] ip = new int[LEVELS];
        for (int i = 0; i < LEVELS; i++) {
            ip[i] = b.size();
            b.ipv4(47, "10.1." + i + ".1", "10.1." + i + ".2").u16(0).u16(0x0800);
        }
        b.ipv4(17, "1.1.1.1", "2.2.2.2").udp(1, 2);
        byte[] p = b.bytes();
        for (int i = LEVELS - 1; i >= 0; i--) {
            Bytes.finishIpv4(p, ip[i], -1);
        }
        Bytes.finishIpv4(p, LEVELS * 24, -1);
        assertCapped(p, LinkType.RAW);
    }

    @Test
    void geneveAndFlannelUdpMixedWithoutEnd() {
        Bytes b = Bytes.of().ethernet(0x0800);
        int[] ip = new int[LEVELS];
        for (int i = 0; i < LEVELS; i++) {
            ip[i] = b.size();
            b.ipv4(17, "10.2." + i + ".1", "10.2." + i + ".2");
            if (i % 2 == 0) {
                // Geneve carrying IPv4 directly (protocol 0x0800), no options.
                b.udp(50000, 6081).u8(0, 0).u16(0x0800).u8(0, 0, i, 0);
            } else {
                b.udp(50000, 8285);
            }
        }
        b.ipv4(6, "3.3.3.3", "4.4.4.4").zeros(20);
        byte[] p = b.bytes();
        for (int i = LEVELS - 1; i >= 0; i--) {
            Bytes.finishIpv4(p, ip[i], -1);
            Bytes.finishUdp(p, ip[i] + 20);
        }
        assertCapped(p, LinkType.ETHERNET);
    }

    /** Each level quoting the next inside an ICMP error: the quote stops after one level. */
    @Test
    void icmpErrorsQuotingIcmpErrorsWithoutEnd() {
        Bytes b = Bytes.of();
        for (int i = 0; i < LEVELS; i++) {
            b.ipv4(1, "10.3." + i + ".1", "10.3." + i + ".2").u8(3, 3).u16(0).u32(0);
        }
        byte[] p = b.bytes();
        for (int i = LEVELS - 1; i >= 0; i--) {
            Bytes.finishIpv4(p, i * 28, -1);
        }
        LayerStack s = decode(p, LinkType.RAW);
        assertTrue(s.count() <= 4, PacketDecoderTest.describe(s));
        new PacketExercise(true).exercise(p, p.length, LinkType.RAW, 0);
    }
}
