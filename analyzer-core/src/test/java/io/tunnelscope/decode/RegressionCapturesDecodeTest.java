package io.tunnelscope.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.proto.vxlan.Vxlan;
import io.tunnelscope.testing.Corpus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Issue 22's decoder cases, on the regression captures of {@code src/test/resources/captures}
 * (see its README): headers read only as what they are, fragments that split a transport header,
 * checksums over the final destination, VXLAN on 8472 only when the payload is VXLAN, and the
 * {@code inner} of nested tunnels.
 */
class RegressionCapturesDecodeTest {
    private final PacketView view = new PacketView();

    /** Decodes every packet of a fixture and hands each stack to {@code check}, in order. */
    private static void eachPacket(String fixture, DecodeTables tables, Consumer<LayerStack> check) throws IOException {
        PacketDecoder decoder = new PacketDecoder(tables);
        PacketRecord record = new PacketRecord();
        try (CaptureReader reader = CaptureReaders.open(Corpus.fixture(fixture))) {
            while (reader.next(record)) {
                check.accept(decoder.decode(record));
            }
        }
    }

    private static List<String> notes(LayerStack stack) {
        List<String> notes = new ArrayList<>();
        for (int n = 0; n < stack.noteCount(); n++) {
            notes.add(stack.note(n).name());
        }
        return notes;
    }

    @Test
    void aVersionSixHeaderOnTheIpv4LinkTypeIsReadAsNeither() throws IOException {
        for (String fixture : List.of("ipv6-on-ipv4-linktype.pcap", "tcpdump-LINKTYPE_IPV4_invalid.pcap")) {
            eachPacket(fixture, DecodeTables.defaults(), stack -> {
                assertEquals("IPv4!malformed", PacketDecoderTest.describe(stack), fixture);
                assertEquals(6, PacketDecoderTest.noteArgument(stack, Note.IP_VERSION_MISMATCH), fixture);
                assertEquals(0, stack.headerLength(0), fixture + ": no field of it is readable");
                view.wrap(stack);
                assertEquals(-1, view.outerIpLayer(), fixture + ": no IP level");
                assertEquals(-1, view.ipProtocol(0));
                assertEquals(-1, view.fragmentOffset(0), fixture + ": no fragment offset read from IPv6 bytes");
                assertEquals(0, view.ipv4Source(0));
            });
        }
    }

    @Test
    void aFirstFragmentThatEndsInsideTheTcpHeaderIsAFragmentNotABrokenPacket() throws IOException {
        List<LayerStack> stacks = new ArrayList<>();
        List<String> firstNotes = new ArrayList<>();
        eachPacket("fragment-splits-tcp-header.pcap", DecodeTables.defaults(), stack -> {
            if (stacks.isEmpty()) {
                firstNotes.addAll(notes(stack));
                assertEquals("Ethernet IPv4 TCP", PacketDecoderTest.describe(stack), "status OK everywhere");
                assertEquals(8, PacketDecoderTest.noteArgument(stack, Note.FRAGMENT_HEADER_SHORT));
                view.wrap(stack);
                assertEquals(40000, view.sourcePort(2), "the ports are in this fragment");
                assertEquals(80, view.destinationPort(2));
                assertEquals(-1, view.tcpFlags(2), "the flags are in the next one");
                assertEquals(-1, view.tcpMss(2));
                assertEquals(-1, view.tcpPayloadLength(2));
            }
            stacks.add(stack);
        });
        assertEquals(List.of("IP_FRAGMENT", "FRAGMENT_HEADER_SHORT"), firstNotes);
        assertEquals(3, stacks.size());
    }

    @Test
    void tcpHeadersCutByTheSnaplenOfferNoFieldTheyLack() throws IOException {
        eachPacket("tcp-header-12-bytes.pcap", DecodeTables.defaults(), stack -> {
            assertEquals("Ethernet!truncated IPv4!truncated TCP!truncated", PacketDecoderTest.describe(stack));
            view.wrap(stack);
            assertEquals(40000, view.sourcePort(2));
            assertEquals(1000, view.tcpSequence(2));
            assertEquals(-1, view.tcpFlags(2));
            assertEquals(-1, view.tcpHeaderLength(2));
            assertEquals(-1, view.tcpMss(2));
            assertFalse(view.tcpOptionsReadable(2));
        });
        eachPacket("tcp-header-cut.pcapng", DecodeTables.defaults(), stack -> {
            assertEquals("Ethernet!truncated IPv4!truncated TCP!truncated", PacketDecoderTest.describe(stack));
            view.wrap(stack);
            assertEquals(-1, view.sourcePort(2));
            assertEquals(-1, view.tcpMss(2));
            assertEquals(0, view.tcpSackBlocks(2));
        });
    }

    @Test
    void checksumsCoverTheFinalDestinationAndTheHomeAddress() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (String fixture : List.of("checksum-final-destination.pcap", "tcpdump-ipv6-routing-header.pcap",
                "tcpdump-ipv6-srh-insert-cksum.pcap")) {
            int[] frame = {0};
            eachPacket(fixture, DecodeTables.defaults(), stack -> {
                frame[0]++;
                for (String note : notes(stack)) {
                    if (note.endsWith("BAD_CHECKSUM")) {
                        wrong.add(fixture + " " + frame[0] + " " + note);
                    }
                }
            });
        }
        // Frame 9 of the crafted file has a damaged checksum on purpose; nothing else is wrong.
        assertEquals(List.of("checksum-final-destination.pcap 9 UDP_BAD_CHECKSUM"), wrong);
    }

    @Test
    void aPayloadOnUdp8472ThatIsNoVxlanFrameIsNotDecodedAsVxlan() throws IOException {
        List<String> chains = new ArrayList<>();
        eachPacket("udp-8472-not-vxlan.pcap", DecodeTables.defaults(), stack -> {
            chains.add(PacketDecoderTest.describe(stack));
            if (chains.size() == 1) {
                assertEquals(8472, PacketDecoderTest.noteArgument(stack, Note.VXLAN_PORT_NOT_VXLAN));
            }
        });
        assertEquals(List.of("Ethernet IPv4 UDP Payload",
                "Ethernet IPv4 UDP VXLAN Ethernet@1 IPv4@1 ICMP@1 Payload@1",
                "Ethernet!truncated IPv4!truncated UDP!truncated VXLAN!truncated Ethernet!truncated@1"), chains,
                "ESP is not VXLAN; a real VXLAN frame is, also when the snaplen cut it before it could be checked");
        chains.clear();
        eachPacket("tcpdump-esp_truncated.pcap", DecodeTables.defaults(),
                stack -> chains.add(PacketDecoderTest.describe(stack)));
        assertEquals(List.of("Ethernet!truncated IPv4!truncated UDP!truncated Payload!truncated"), chains);
        chains.clear();
        DecodeTables told = DecodeTables.builder().decodeAs(8472, Vxlan.DESCRIPTOR).build();
        assertFalse(told.conventionalPort(8472));
        assertTrue(DecodeTables.defaults().conventionalPort(8472));
        assertFalse(DecodeTables.defaults().conventionalPort(4789));
        eachPacket("udp-8472-not-vxlan.pcap", told, stack -> chains.add(PacketDecoderTest.describe(stack)));
        assertTrue(chains.get(0).startsWith("Ethernet IPv4 UDP VXLAN"), "--decode-as is obeyed: " + chains.get(0));
    }

    @Test
    void aTunnelCarryingNoIpWeDecodeHasNoInnerIpHeader() throws IOException {
        eachPacket("ipip-gre-ppp.pcap", DecodeTables.defaults(), stack -> {
            assertEquals("Ethernet IPv4 IPv4@1 GRE@1 PPP@2 Payload@2", PacketDecoderTest.describe(stack),
                    "PPTP's GRE carries PPP, whose LCP is payload");
            view.wrap(stack);
            assertEquals(2, view.encapsulationCount());
            assertEquals(Encapsulation.IPIP, view.encapsulation(0));
            assertEquals(Encapsulation.GRE, view.encapsulation(1));
            assertEquals(2, view.innerIpLayer(), "the innermost IP header decoded");
            assertEquals(-1, view.carriedIpLayer(), "but GRE (PPP) carries none");
        });
        eachPacket("udp-8472-not-vxlan.pcap", DecodeTables.defaults(), stack -> {
            view.wrap(stack);
            if (view.encapsulationCount() == 0) {
                assertEquals(view.outerIpLayer(), view.carriedIpLayer(), "no tunnel: the only IP header");
            } else if (stack.status() == LayerStatus.OK) {
                assertEquals(view.innerIpLayer(), view.carriedIpLayer());
                assertTrue(view.carriedIpLayer() > view.outerIpLayer());
            } else {
                assertEquals(-1, view.carriedIpLayer(), "the snaplen cut the inner header");
            }
        });
    }
}
