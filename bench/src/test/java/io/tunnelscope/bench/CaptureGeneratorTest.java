package io.tunnelscope.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.Encapsulation;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.LayerStatus;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureGeneratorTest {
    @TempDir
    Path dir;

    private static CaptureGenerator.Config config(CaptureGenerator.Sizes sizes, int points) {
        CaptureGenerator.Config config = new CaptureGenerator.Config();
        config.packets = 20_000;
        config.sizes = sizes;
        config.points = points;
        return config;
    }

    @Test
    void sameConfigurationSameBytes() throws Exception {
        Path a = CaptureGenerator.generate(config(CaptureGenerator.Sizes.MIX, 1), dir.resolve("a.pcap")).get(0);
        Path b = CaptureGenerator.generate(config(CaptureGenerator.Sizes.MIX, 1), dir.resolve("b.pcap")).get(0);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        CaptureGenerator.Config other = config(CaptureGenerator.Sizes.MIX, 1);
        other.seed = 2;
        Path c = CaptureGenerator.generate(other, dir.resolve("c.pcap")).get(0);
        assertNotEquals(Files.size(a), Files.size(c));
    }

    @Test
    void everyPacketDecodesCleanly() throws Exception {
        for (CaptureGenerator.Sizes sizes : CaptureGenerator.Sizes.values()) {
            List<Path> files = CaptureGenerator.generate(config(sizes, 2), dir.resolve(sizes.name()));
            assertEquals(2, files.size());
            for (Path file : files) {
                int[] encaps = new int[3];
                long packets = 0;
                long bytes = 0;
                PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
                PacketView view = new PacketView();
                PacketRecord record = new PacketRecord();
                try (CaptureReader reader = CaptureReaders.open(file)) {
                    while (reader.next(record)) {
                        LayerStack stack = decoder.decode(record);
                        assertEquals(LayerStatus.OK, stack.status(), () -> file + " frame " + record.frameNumber());
                        assertEquals(0, stack.noteCount(), () -> file + " frame " + record.frameNumber()
                                + " note " + stack.note(0));
                        view.wrap(stack);
                        assertTrue(view.innerIpLayer() >= 0);
                        int kind = view.encapsulationCount() == 0 ? 0
                                : view.encapsulation(0) == Encapsulation.VXLAN ? 1
                                : view.encapsulation(0) == Encapsulation.FLANNEL_UDP ? 2 : -1;
                        encaps[kind]++;
                        packets++;
                        bytes += record.capturedLength();
                    }
                }
                assertEquals(20_000, packets);
                for (int count : encaps) {
                    assertTrue(count > 2_000, () -> java.util.Arrays.toString(encaps));
                }
                double mean = (double) bytes / packets;
                switch (sizes) {
                    case SMALL: assertTrue(mean > 90 && mean < 112, "mean " + mean); break;
                    case LARGE: assertTrue(mean > 1380 && mean < 1450, "mean " + mean); break;
                    default: assertTrue(mean > 500 && mean < 1000, "mean " + mean); break;
                }
            }
        }
    }
}
