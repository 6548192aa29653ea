package io.tunnelscope.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The scenarios the samples module recorded ({@code samples/captures/<scenario>/}), for core tests
 * that compare two ways of reading the same captures.
 */
public final class RecordedSamples {
    private RecordedSamples() {
    }

    /** Every scenario directory, sorted by name. */
    public static List<Path> scenarios() throws IOException {
        Path root = Path.of(System.getProperty("tunnelscope.root", ".."), "samples", "captures");
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory).sorted().toList();
        }
    }

    /** The capture files of one scenario (pcap, pcapng, gzip), sorted by name. */
    public static List<Path> captures(Path scenario) throws IOException {
        try (Stream<Path> files = Files.list(scenario)) {
            return files.filter(f -> f.toString().endsWith(".pcap") || f.toString().endsWith(".pcapng")
                    || f.toString().endsWith(".gz")).sorted().toList();
        }
    }
}
