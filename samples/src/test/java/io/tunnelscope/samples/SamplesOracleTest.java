package io.tunnelscope.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.LayerStatus;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.testing.Tshark;
import io.tunnelscope.testing.TsharkOracle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every committed sample capture decodes with no MALFORMED packet, and for every packet the
 * layer chain, addresses, ports and VNI equal tshark's ({@code -d udp.port==8472,vxlan
 * -d udp.port==8285,ip}).
 */
class SamplesOracleTest {

    static Stream<Path> captures() throws Exception {
        return SampleCaptures.allCaptures().stream();
    }

    @Test
    void thereAreSamples() throws Exception {
        assertFalse(SampleCaptures.allCaptures().isEmpty(), "no captures under " + SampleCaptures.root());
    }

    @ParameterizedTest
    @MethodSource("captures")
    void noPacketIsMalformed(Path capture) throws Exception {
        PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
        PacketRecord record = new PacketRecord();
        List<String> malformed = new ArrayList<>();
        long packets = 0;
        try (CaptureReader reader = CaptureReaders.open(capture)) {
            while (reader.next(record)) {
                packets++;
                LayerStack stack = decoder.decode(record);
                if (stack.status() == LayerStatus.MALFORMED) {
                    malformed.add("frame " + record.frameNumber());
                }
            }
        }
        assertEquals(List.of(), malformed, capture + " has malformed packets");
        assertFalse(packets == 0, capture + " is empty");
    }

    @ParameterizedTest
    @MethodSource("captures")
    void agreesWithTshark(Path capture) throws Exception {
        assumeTrue(Tshark.available(), "tshark is not installed (apt-get install tshark); oracle test skipped");
        assertEquals(List.of(), TsharkOracle.disagreements(capture, 20), capture + " differs from tshark");
    }
}
