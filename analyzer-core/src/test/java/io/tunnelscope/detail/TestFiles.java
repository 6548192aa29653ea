package io.tunnelscope.detail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where test captures live: the shared corpus and the committed fixtures. */
final class TestFiles {
    private TestFiles() {
    }

    /**
     * The shared third-party corpus: system property {@code tunnelscope.corpus}, else
     * {@code ../shared/corpus} beside the project root ({@code tunnelscope.root}, else found
     * upwards from the working directory).
     */
    static Path corpus() {
        String prop = System.getProperty("tunnelscope.corpus");
        if (prop != null && !prop.isBlank() && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop);
        }
        for (Path p = projectRoot(); p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared").resolve("corpus");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("corpus not found: set -Dtunnelscope.corpus");
    }

    /** The project root: {@code tunnelscope.root}, else the nearest directory up with .mvn. */
    static Path projectRoot() {
        String root = System.getProperty("tunnelscope.root");
        if (root != null && !root.isBlank()) {
            return Path.of(root).toAbsolutePath();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve(".mvn"))) {
                return p;
            }
        }
        return Path.of("").toAbsolutePath();
    }

    static Path tcpdump(String name) {
        return corpus().resolve("tcpdump").resolve(name);
    }

    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] tcpdumpBytes(String name) {
        return read(tcpdump(name));
    }

    /** A committed fixture under src/test/resources/captures. */
    static Path fixture(String name) {
        URL url = TestFiles.class.getResource("/captures/" + name);
        if (url == null) {
            throw new IllegalStateException("missing test resource captures/" + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Packet {@code number} (1-based) of a corpus capture, with its link type. */
    static CaptureRecord packet(String file, int number) {
        CaptureRecords r = PacketDetails.captureRecords(tcpdumpBytes(file));
        if (!r.complete()) {
            throw new IllegalStateException(file + ": " + r.error());
        }
        return r.records().get(number - 1);
    }

    /** The dissection of packet {@code number} of a corpus capture. */
    static FieldNode dissect(String file, int number) {
        CaptureRecord r = packet(file, number);
        return PacketDetails.dissect(r.data(), r.linkType());
    }
}
