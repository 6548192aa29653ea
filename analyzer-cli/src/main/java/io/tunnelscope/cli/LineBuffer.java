package io.tunnelscope.cli;

import io.tunnelscope.escape.Escape;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Output lines as UTF-8 bytes, appended without allocating: numbers are written digit by digit,
 * text is encoded char by char, and the array only grows when a line is longer than any before.
 * {@code decode} formats every packet into one of these and hands the bytes to the output stream
 * in large writes (a batch of lines at a time), so no {@code String} is made per packet.
 */
final class LineBuffer {
    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
    private static final byte[] HEX_UPPER = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};
    private static final byte[] LONG_MIN = Long.toString(Long.MIN_VALUE).getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private byte[] bytes;
    private int length;

    LineBuffer(int capacity) {
        bytes = new byte[Math.max(16, capacity)];
    }

    /** Bytes appended so far. */
    int length() {
        return length;
    }

    /** Forgets everything appended (keeps the array). */
    void clear() {
        length = 0;
    }

    /** Keeps only the first {@code newLength} bytes. */
    void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IndexOutOfBoundsException(newLength);
        }
        length = newLength;
    }

    /** The byte at {@code index}. */
    byte byteAt(int index) {
        if (index >= length) {
            throw new IndexOutOfBoundsException(index);
        }
        return bytes[index];
    }

    /** Writes bytes {@code [from, to)} to {@code out}. */
    void writeTo(OutputStream out, int from, int to) throws IOException {
        if (from < 0 || to > length || from > to) {
            throw new IndexOutOfBoundsException(from);
        }
        out.write(bytes, from, to - from);
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }

    LineBuffer append(byte b) {
        ensure(1);
        bytes[length++] = b;
        return this;
    }

    LineBuffer append(char c) {
        if (c < 0x80) {
            return append((byte) c);
        }
        return appendUtf8(String.valueOf(c));
    }

    /** Appends bytes {@code [from, to)} of another buffer. */
    LineBuffer append(LineBuffer source, int from, int to) {
        return append(source.bytes, from, to);
    }

    /** Appends the bytes {@code [from, to)} of {@code source}. */
    LineBuffer append(byte[] source, int from, int to) {
        ensure(to - from);
        System.arraycopy(source, from, bytes, length, to - from);
        length += to - from;
        return this;
    }

    LineBuffer append(byte[] source) {
        return append(source, 0, source.length);
    }

    /** Appends {@code value} in decimal. */
    LineBuffer append(long value) {
        if (value == Long.MIN_VALUE) {
            return append(LONG_MIN);
        }
        ensure(20);
        if (value < 0) {
            bytes[length++] = '-';
            value = -value;
        }
        int digits = 1;
        for (long rest = value / 10; rest != 0; rest /= 10) {
            digits++;
        }
        int at = length + digits;
        length = at;
        do {
            bytes[--at] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value != 0);
        return this;
    }

    /** Appends {@code text} encoded as UTF-8 (an unpaired surrogate becomes {@code ?}). */
    LineBuffer appendUtf8(CharSequence text) {
        int n = text.length();
        ensure(n);
        // ASCII, all a packet line holds, straight into the array; the rest char by char.
        byte[] into = bytes;
        int at = length;
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                break;
            }
            into[at++] = (byte) c;
            i++;
        }
        length = at;
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                ensure(1);
                bytes[length++] = (byte) c;
            } else {
                i = appendNonAscii(text, i, c);
            }
        }
        return this;
    }

    /** Encodes the non-ASCII char at {@code i}; returns the index of the last char it used. */
    private int appendNonAscii(CharSequence text, int i, char c) {
        ensure(4);
        if (c < 0x800) {
            bytes[length++] = (byte) (0xC0 | c >> 6);
            bytes[length++] = (byte) (0x80 | c & 0x3F);
            return i;
        }
        if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
            int code = Character.toCodePoint(c, text.charAt(i + 1));
            bytes[length++] = (byte) (0xF0 | code >> 18);
            bytes[length++] = (byte) (0x80 | code >> 12 & 0x3F);
            bytes[length++] = (byte) (0x80 | code >> 6 & 0x3F);
            bytes[length++] = (byte) (0x80 | code & 0x3F);
            return i + 1;
        }
        if (Character.isSurrogate(c)) {
            bytes[length++] = '?';
            return i;
        }
        bytes[length++] = (byte) (0xE0 | c >> 12);
        bytes[length++] = (byte) (0x80 | c >> 6 & 0x3F);
        bytes[length++] = (byte) (0x80 | c & 0x3F);
        return i;
    }

    /**
     * Appends {@code text} as a JSON string, quotes included: {@code "} and {@code \} escaped,
     * control characters as {@code \n}, {@code \t}... or {@code \}{@code u00XX}, surrogates (the
     * halves of characters beyond U+FFFF) as {@code \}{@code uXXXX} each, upper-case hex, the rest
     * as UTF-8: what Jackson writes. Like {@link Escape#jsonFactory()}, DEL, C1 controls, line
     * separators, bidirectional controls and noncharacters are escaped too: a capture's name
     * cannot act on a terminal that shows the document.
     */
    LineBuffer appendJsonString(CharSequence text) {
        append((byte) '"');
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
                ensure(1);
                bytes[length++] = (byte) c;
            } else if (c >= 0x80 && !Character.isSurrogate(c) && !Escape.isUnsafe(c)) {
                i = appendNonAscii(text, i, c);
            } else {
                appendJsonEscape(c);
            }
        }
        return append((byte) '"');
    }

    private void appendJsonEscape(char c) {
        ensure(6);
        bytes[length++] = '\\';
        switch (c) {
            case '"': bytes[length++] = '"'; break;
            case '\\': bytes[length++] = '\\'; break;
            case '\n': bytes[length++] = 'n'; break;
            case '\r': bytes[length++] = 'r'; break;
            case '\t': bytes[length++] = 't'; break;
            case '\b': bytes[length++] = 'b'; break;
            case '\f': bytes[length++] = 'f'; break;
            default:
                bytes[length++] = 'u';
                bytes[length++] = HEX_UPPER[c >> 12 & 0xF];
                bytes[length++] = HEX_UPPER[c >> 8 & 0xF];
                bytes[length++] = HEX_UPPER[c >> 4 & 0xF];
                bytes[length++] = HEX_UPPER[c & 0xF];
                break;
        }
    }

    /** Appends one byte as two lower-case hex digits. */
    LineBuffer appendHex(int b) {
        ensure(2);
        bytes[length++] = HEX[b >> 4 & 0xF];
        bytes[length++] = HEX[b & 0xF];
        return this;
    }
}
