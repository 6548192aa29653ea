package io.tunnelscope.cli.collect;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The shell scripts collect runs on the nodes, shipped as resources beside this class. */
final class RemoteScripts {
    /** Records the node's state: {@code state.sh BOUNDARY ROOT [ITEMS...]}. */
    static final String STATE = load("state.sh");
    /** Captures one device to stdout until stdin closes: {@code capture.sh DEVICE FILTER SNAPLEN}. */
    static final String CAPTURE = load("capture.sh");

    private RemoteScripts() {
    }

    private static String load(String name) {
        try (InputStream in = RemoteScripts.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
