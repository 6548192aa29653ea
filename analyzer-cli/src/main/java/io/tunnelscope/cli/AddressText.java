package io.tunnelscope.cli;

import io.tunnelscope.state.AddressNames;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * Names in text output: every IPv4 address in a line that has a name gets it in parentheses after
 * the address and its port, as tcpdump would print a resolved name beside it
 * ({@code 10.244.1.2.40100 (pod default/web-1) > 10.244.2.2.5201 (pod default/web-2)},
 * {@code SNAT 10.244.1.2 (pod default/web-1) -> 10.0.0.2 (node worker1)}). Blocks
 * ({@code 10.244.1.0/24}) keep no name. Works on finished lines, so every command's text gets it
 * the same way; only used when names were given.
 */
final class AddressText {
    private AddressText() {
    }

    /** {@code line} with names inserted after the named addresses. */
    static String annotate(String line, AddressNames names) {
        StringBuilder out = null;
        int copied = 0;
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c < '0' || c > '9' || (i > 0 && (isWordChar(line.charAt(i - 1)) || line.charAt(i - 1) == '.'))) {
                i++;
                continue;
            }
            int[] parsed = ipv4(line, i);
            if (parsed == null) {
                while (i < n && (Character.isDigit(line.charAt(i)) || line.charAt(i) == '.')) {
                    i++;
                }
                continue;
            }
            int end = parsed[1];
            if (end < n && (line.charAt(end) == '/' || isWordChar(line.charAt(end)) && line.charAt(end) != '.')) {
                i = end;
                continue;
            }
            AddressNames.Name name = names.ipv4(parsed[0]);
            int after = end;
            if (after + 1 < n && (line.charAt(after) == '.' || line.charAt(after) == ':')
                    && Character.isDigit(line.charAt(after + 1))) {
                int p = after + 1;
                while (p < n && Character.isDigit(line.charAt(p))) {
                    p++;
                }
                after = p;
            }
            if (name != null) {
                if (out == null) {
                    out = new StringBuilder(n + 32);
                }
                out.append(line, copied, after).append(" (").append(name.label()).append(')');
                copied = after;
            }
            i = after;
        }
        if (out == null) {
            return line;
        }
        return out.append(line, copied, n).toString();
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-';
    }

    /** The IPv4 address starting at {@code at} as {value, end}, or null. */
    private static int[] ipv4(String s, int at) {
        int value = 0;
        int i = at;
        for (int part = 0; part < 4; part++) {
            if (part > 0) {
                if (i >= s.length() || s.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
            int start = i;
            int v = 0;
            while (i < s.length() && Character.isDigit(s.charAt(i)) && i - start < 3) {
                v = v * 10 + (s.charAt(i) - '0');
                i++;
            }
            if (i == start || v > 255) {
                return null;
            }
            value = value << 8 | v;
        }
        return new int[] {value, i};
    }

    /** A stream that applies {@code transform} to every line written through it (UTF-8). */
    static PrintStream lines(PrintStream target, UnaryOperator<String> transform) {
        return new PrintStream(new LineFilter(target, transform), false, StandardCharsets.UTF_8);
    }

    /** {@code target} with names put on the addresses of every line; {@code target} itself without names. */
    static PrintStream naming(PrintStream target, AddressNames names) {
        return names.isEmpty() ? target : lines(target, line -> annotate(line, names));
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
