package io.tunnelscope.decode;

import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.testing.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Packets of a corpus file, copied out of the reader for repeated decoding. */
final class CorpusPackets {
    record Packet(byte[] data, long originalLength, int linkType) {
    }

    private CorpusPackets() {
    }

    static Path tcpdump(String file) {
        return Corpus.tcpdump(file);
    }

    static List<Packet> read(Path file) throws IOException {
        List<Packet> packets = new ArrayList<>();
        PacketRecord r = new PacketRecord();
        try (CaptureReader reader = CaptureReaders.open(file)) {
            while (reader.next(r)) {
                packets.add(new Packet(r.copyBytes(), r.originalLength(), r.linkType()));
            }
        }
        return packets;
    }

    static List<Path> allCaptures() throws IOException {
        try (var s = Files.list(Corpus.root().resolve("tcpdump"))) {
            return s.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng"))
                .sorted().toList();
        }
    }
}
