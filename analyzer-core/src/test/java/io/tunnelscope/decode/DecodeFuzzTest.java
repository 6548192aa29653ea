package io.tunnelscope.decode;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tunnelscope.capture.LinkType;
import io.tunnelscope.testing.PacketExercise;

/**
 * Fuzz targets of the packet path, one per family of link types: the bytes go through
 * {@link PacketDecoder}, every {@link PacketView} accessor, {@link PacketLineFormatter} and the
 * Kaitai dissector ({@code PacketDetails.dissect}), whole and as a snaplen-cut capture (original
 * length larger than captured). None may throw; per-packet problems are a status and notes.
 *
 * <p>Regression inputs: {@code src/test/resources/io/tunnelscope/decode/DecodeFuzzTestInputs/<method>/}.
 */
class DecodeFuzzTest {
    private final PacketExercise exercise = new PacketExercise(true);

    private void run(byte[] packet, int... linkTypes) {
        for (int linkType : linkTypes) {
            exercise.exercise(packet, packet.length, linkType, 1_700_000_000_123_456_789L);
            exercise.exercise(packet, packet.length + 1500, linkType, -1L);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void ethernet(byte[] packet) {
        run(packet, LinkType.ETHERNET);
    }

    /** DLT_RAW (version from the first nibble) and the explicit IPv4 and IPv6 link types. */
    @FuzzTest(maxDuration = "30s")
    void rawIp(byte[] packet) {
        run(packet, LinkType.RAW, LinkType.IPV4, LinkType.IPV6);
    }

    @FuzzTest(maxDuration = "30s")
    void linuxSll(byte[] packet) {
        run(packet, LinkType.LINUX_SLL);
    }

    @FuzzTest(maxDuration = "30s")
    void linuxSll2(byte[] packet) {
        run(packet, LinkType.LINUX_SLL2);
    }

    /** BSD loopback in host order (NULL) and network order (LOOP). */
    @FuzzTest(maxDuration = "30s")
    void loopback(byte[] packet) {
        run(packet, LinkType.NULL, LinkType.LOOP);
    }
}
