package io.tunnelscope.cli;

import io.tunnelscope.state.AddressNames;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * Text output line by line: names on the addresses of every line a command prints
 * ({@link AddressNames#annotate(String)}), applied to finished lines so every command's text gets
 * them the same way; only used when names were given.
 */
final class AddressText {
    private AddressText() {
    }

    /** A stream that applies {@code transform} to every line written through it (UTF-8). */
    static PrintStream lines(PrintStream target, UnaryOperator<String> transform) {
        return new PrintStream(new LineFilter(target, transform), false, StandardCharsets.UTF_8);
    }

    /** {@code target} with names put on the addresses of every line; {@code target} itself without names. */
    static PrintStream naming(PrintStream target, AddressNames names) {
        return names.isEmpty() ? target : lines(target, names::annotate);
    }

    private static final class LineFilter extends FilterOutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        private final PrintStream target;
        private final UnaryOperator<String> transform;

        LineFilter(PrintStream target, UnaryOperator<String> transform) {
            super(target);
            this.target = target;
            this.transform = transform;
        }

        @Override
        public void write(int b) throws IOException {
            if (b == '\n') {
                target.print(transform.apply(line.toString(StandardCharsets.UTF_8)));
                target.print('\n');
                line.reset();
            } else {
                line.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public void flush() {
            target.flush();
        }

        @Override
        public void close() {
            if (line.size() > 0) {
                target.print(transform.apply(line.toString(StandardCharsets.UTF_8)));
                line.reset();
            }
            target.flush();
        }
    }

}
