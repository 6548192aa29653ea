package io.tunnelscope.cli;

import io.tunnelscope.state.ClusterState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Turns the FILE|DIR arguments of a command into the capture files to read: a file as given, a
 * directory as the capture files directly inside it (by name: .pcap, .pcapng, .cap, .dmp and
 * their .gz), sorted by name; a directory {@code tunnelscope collect} wrote also as the captures of
 * each node's directory ({@code DIR/NODE/*.pcapng}, node by node).
 */
final class CaptureInputs {
    private CaptureInputs() {
    }

    /** Thrown for an argument that names nothing readable. */
    static final class BadInputException extends Exception {
        BadInputException(String message) {
            super(message);
        }
    }

    /**
     * The capture files the arguments name. An argument that names nothing readable is a problem
     * added to {@code problems} (one line, {@code argument: what is wrong}) and the others go on;
     * only when no file at all is left is it an error.
     */
    static List<Path> expand(List<String> arguments, List<String> problems) throws BadInputException {
        List<Path> files = new ArrayList<>();
        for (String argument : arguments) {
            Path path = Path.of(argument);
            if (Files.isDirectory(path)) {
                List<Path> inside = new ArrayList<>();
                try {
                    list(path, inside);
                    for (Path node : ClusterState.nodeDirectories(path)) {
                        list(node, inside);
                    }
                } catch (IOException e) {
                    problems.add(argument + ": cannot list directory: " + e.getMessage());
                    continue;
                }
                if (inside.isEmpty()) {
                    problems.add(argument + ": no capture files (.pcap, .pcapng, .cap) in this directory");
                }
                files.addAll(inside);
            } else if (Files.isRegularFile(path)) {
                if (Files.isReadable(path)) {
                    files.add(path);
                } else {
                    problems.add(argument + ": not readable");
                }
            } else {
                problems.add(argument + ": no such file or directory");
            }
        }
        if (files.isEmpty()) {
            throw new BadInputException(problems.isEmpty() ? "no capture files" : String.join("\n", problems));
        }
        return files;
    }

    private static void list(Path dir, List<Path> into) throws IOException {
        try (Stream<Path> listing = Files.list(dir)) {
            listing.filter(Files::isRegularFile).filter(CaptureInputs::looksLikeCapture).sorted().forEach(into::add);
        }
    }

    static boolean looksLikeCapture(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        return name.endsWith(".pcap") || name.endsWith(".pcapng") || name.endsWith(".cap")
                || name.endsWith(".dmp");
    }
}
