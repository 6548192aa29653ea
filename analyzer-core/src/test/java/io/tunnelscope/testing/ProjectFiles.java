package io.tunnelscope.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the project's own sources are, for the tests that read them (registry, offsets). */
public final class ProjectFiles {
    private ProjectFiles() {
    }

    /** The project root: the directory holding {@code analyzer-core}, from the module or the root. */
    public static Path root() {
        Path p = Path.of("").toAbsolutePath();
        if (Files.isDirectory(p.resolve("src/main/java/io/tunnelscope/proto"))) {
            return p.getParent();
        }
        if (Files.isDirectory(p.resolve("analyzer-core"))) {
            return p;
        }
        throw new UncheckedIOException(new IOException("analyzer-core not found from " + p));
    }

    /**
     * The main Java sources of core, CLI and GUI outside the protocol packages, by path relative
     * to their source root ({@code io/tunnelscope/decode/PacketView.java}), in a stable order.
     */
    public static java.util.SortedMap<String, String> mainSourcesOutsideProto() {
        java.util.SortedMap<String, String> out = new java.util.TreeMap<>();
        for (String module : java.util.List.of("analyzer-core", "analyzer-cli", "analyzer-gui")) {
            Path src = root().resolve(module).resolve("src/main/java");
            if (!Files.isDirectory(src)) {
                continue;
            }
            try (java.util.stream.Stream<Path> files = Files.walk(src)) {
                for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                    String rel = src.relativize(file).toString().replace('\\', '/');
                    if (!rel.startsWith("io/tunnelscope/proto/")) {
                        out.put(rel, Files.readString(file));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
