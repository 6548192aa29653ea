package io.tunnelscope.capture;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the shared third-party corpus lives: system property {@code tunnelscope.corpus}, else ../shared/corpus. */
final class Corpus {
    private Corpus() {
    }

    static Path root() {
        String prop = System.getProperty("tunnelscope.corpus");
        if (prop != null && !prop.isBlank() && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop);
        }
        String root = System.getProperty("tunnelscope.root");
        Path base = root != null ? Path.of(root) : Path.of("").toAbsolutePath();
        // Search upwards for the project root's sibling "shared/corpus".
        for (Path p = base.toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared").resolve("corpus");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return base.resolve("../shared/corpus").normalize();
    }

    /** A committed fixture under src/test/resources/captures, found on the test class path. */
    static Path fixture(String file) {
        java.net.URL url = Corpus.class.getResource("/captures/" + file);
        if (url == null) {
            throw new IllegalStateException("missing test resource captures/" + file);
        }
        try {
            return Path.of(url.toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path tcpdump(String file) {
        return root().resolve("tcpdump").resolve(file);
    }
}
