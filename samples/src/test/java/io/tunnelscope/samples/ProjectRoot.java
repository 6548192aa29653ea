package io.tunnelscope.samples;

import java.nio.file.Files;
import java.nio.file.Path;

/** The project's root directory: system property tunnelscope.root, else found upwards from the working dir. */
final class ProjectRoot {
    private ProjectRoot() {
    }

    static Path find() {
        String prop = System.getProperty("tunnelscope.root");
        if (prop != null && !prop.isBlank() && Files.isDirectory(Path.of(prop, "samples"))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isDirectory(p.resolve("samples").resolve("lab"))) {
                return p;
            }
            p = p.getParent();
        }
        throw new IllegalStateException("project root not found: set -Dtunnelscope.root");
    }
}
