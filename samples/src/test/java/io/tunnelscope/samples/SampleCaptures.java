package io.tunnelscope.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The recorded scenarios under samples/captures, with their scenario.json and expected.json. */
final class SampleCaptures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SampleCaptures() {
    }

    static Path root() {
        return ProjectRoot.find().resolve("samples").resolve("captures");
    }

    static List<Path> scenarios() throws IOException {
        try (Stream<Path> dirs = Files.list(root())) {
            return dirs.filter(Files::isDirectory).sorted().toList();
        }
    }

    static List<Path> allCaptures() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path scenario : scenarios()) {
            files.addAll(capturesOf(scenario));
        }
        return files;
    }

    /** Every capture file of one scenario, by name. */
    static List<Path> capturesOf(Path scenario) throws IOException {
        try (Stream<Path> listing = Files.list(scenario)) {
            return listing.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng"))
                    .sorted().toList();
        }
    }

    static JsonNode scenario(Path dir) throws IOException {
        return JSON.readTree(dir.resolve("scenario.json").toFile());
    }

    static JsonNode expected(Path dir) throws IOException {
        return JSON.readTree(dir.resolve("expected.json").toFile());
    }

    /** The single-device captures of a scenario (not the {@code any} or multi-interface ones). */
    static List<Path> devicePoints(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        for (JsonNode capture : scenario(dir).get("captures")) {
            if (!capture.get("role").asText().equals("any")) {
                files.add(dir.resolve(capture.get("file").asText()));
            }
        }
        return files;
    }
}
