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
}
