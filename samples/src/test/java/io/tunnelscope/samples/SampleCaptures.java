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

    /**
     * A pod-to-pod path across two hosts: the outbound devices of {@code from} (pod first), then
     * the inbound ones of {@code to} (in reverse of their outbound order), each "host device".
     */
    static List<String> crossHostPath(java.util.Map<String, List<String>> outboundDevices, String from, String to) {
        List<String> out = new ArrayList<>();
        outboundDevices.get(from).forEach(d -> out.add(from + " " + d));
        List<String> in = new ArrayList<>(outboundDevices.get(to));
        java.util.Collections.reverse(in);
        in.forEach(d -> out.add(to + " " + d));
        return out;
    }

    /** The scenario's pod addresses (IPv4, and IPv6 where a host has one) to their host. */
    static java.util.Map<String, String> podHosts(Path scenario) throws IOException {
        java.util.Map<String, String> pods = new java.util.HashMap<>();
        for (JsonNode host : scenario(scenario).get("hosts")) {
            String name = host.get("name").asText();
            pods.put(host.get("pod").get("address").asText().replaceAll("/.*", ""), name);
            if (host.has("ipv6")) {
                pods.put(host.get("ipv6").get("podAddress").asText().replaceAll("/.*", ""), name);
            }
        }
        return pods;
    }
}
