package io.tunnelscope.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketView;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The offload signature on real captures of the k8s-vxlan sample (offloads on) and the corpus. */
class ChecksumFaultsTest {
    private static int classify(Path capture, long frame) throws Exception {
        PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
        PacketRecord record = new PacketRecord();
        try (CaptureReader reader = CaptureReaders.open(capture)) {
            while (reader.next(record)) {
                if (record.frameNumber() == frame) {
                    LayerStack stack = decoder.decode(record);
                    return ChecksumFaults.classify(stack, new PacketView().wrap(stack));
                }
            }
        }
        throw new AssertionError("no frame " + frame);
    }

    private static Path sample(String file) {
        return Path.of(System.getProperty("tunnelscope.root", ".."), "samples", "captures", "k8s-vxlan", file);
    }

    @Test
    void outerUdpChecksumThatIsThePseudoHeaderSumIsPartial() throws Exception {
        // frame 3: outer UDP checksum 0x1488 = 10.0.0.2 + 10.0.0.3 + 17 + 114, left for the NIC
        assertEquals(ChecksumFaults.PARTIAL, classify(sample("worker2-eth0.pcap"), 3));
    }

    @Test
    void outerChecksumByLocalChecksumOffloadOverAPartialInnerIsPartial() throws Exception {
        // frame 10: inner TCP checksum partial, outer UDP checksum computed for the finished packet
        assertEquals(ChecksumFaults.PARTIAL, classify(sample("worker2-eth0.pcap"), 10));
    }

    @Test
    void superFramesWithWrongChecksumsAreOffload() throws Exception {
        Path corpus = io.tunnelscope.testing.Corpus.tcpdump("gso-ipv4-vxlan-ipv4.pcap");
        assertEquals(ChecksumFaults.PARTIAL, classify(corpus, 1));
    }

    @Test
    void aCorrectPacketHasNoFault() throws Exception {
        assertEquals(0, classify(io.tunnelscope.testing.Corpus.tcpdump("vxlan.pcap"), 1));
    }
}
