package io.tunnelscope.bench;

import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import java.io.IOException;
import java.nio.file.Path;

/** Prints the number of packets in a capture file (for compare.sh). */
public final class CountPackets {
    private CountPackets() {
    }

    public static void main(String[] args) throws IOException {
        long n = 0;
        PacketRecord record = new PacketRecord();
        try (CaptureReader reader = CaptureReaders.open(Path.of(args[0]))) {
            while (reader.next(record)) {
                n++;
            }
        } catch (IOException e) {
            System.err.println(e.getMessage());
        }
        System.out.println(n);
    }
}
