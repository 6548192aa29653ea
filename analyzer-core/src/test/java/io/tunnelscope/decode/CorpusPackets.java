package io.tunnelscope.decode;

import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Packets of a corpus file, copied out of the reader for repeated decoding. */
final class CorpusPackets {
    record Packet(byte[] data, int originalLength, int linkType) {
    }

    private CorpusPackets() {
    }

    static Path root() {
        String prop = System.getProperty("tunnelscope.corpus");
        if (prop != null && !prop.isBlank() && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop);
        }
        String root = System.getProperty("tunnelscope.root");
        Path base = root != null ? Path.of(root) : Path.of("").toAbsolutePath();
        for (Path p = base.toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared").resolve("corpus");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return base.resolve("../shared/corpus").normalize();
    }

    static Path tcpdump(String file) {
        return root().resolve("tcpdump").resolve(file);
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
        try (var s = Files.list(root().resolve("tcpdump"))) {
            return s.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng"))
                .sorted().toList();
        }
    }
}
