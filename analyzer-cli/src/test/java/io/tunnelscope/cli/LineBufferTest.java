package io.tunnelscope.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonGenerator;
import io.tunnelscope.escape.Escape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link LineBuffer}'s numbers, UTF-8 and JSON strings, against the JDK's and Jackson's. */
class LineBufferTest {
    private static byte[] bytes(LineBuffer buffer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            buffer.writeTo(out, 0, buffer.length());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    @Test
    void numbersAsDecimal() {
        long[] values = {0, 7, 9, 10, 99, 100, -1, -10, 4294967295L, Long.MAX_VALUE, Long.MIN_VALUE,
            Long.MIN_VALUE + 1, 1_000_000_000_000L};
        for (long value : values) {
            LineBuffer buffer = new LineBuffer(1);
            buffer.append((byte) '[').append(value).append((byte) ']');
            assertEquals("[" + value + "]", new String(bytes(buffer), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void textAsUtf8GrowingAsNeeded() {
        String text = "plain, é, ∆, 😀, " + "x".repeat(5000);
        LineBuffer buffer = new LineBuffer(1);
        buffer.appendUtf8(text);
        assertArrayEquals(text.getBytes(StandardCharsets.UTF_8), bytes(buffer));
        LineBuffer lone = new LineBuffer(4);
        lone.appendUtf8("a\uD800b\uDC00");
        assertEquals("a?b?", new String(bytes(lone), StandardCharsets.UTF_8));
    }

    @Test
    void jsonStringsAsTheEscapingJacksonWritesThem() throws IOException {
        String[] values = {"", "eth0", "quote\" backslash\\ slash/", "tab\t nl\n cr\r bs\b ff\f",
            "\u0000\u0001\u001f\u007f", "ünïcödé ∆ 😀", "lone \uD800 \uDC00 halves", "host2-multi:flannel.1", "\u2028\u2029"};
        for (String value : values) {
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            try (JsonGenerator json = Escape.jsonFactory().createGenerator(expected)) {
                json.writeString(value);
            }
            LineBuffer buffer = new LineBuffer(2);
            buffer.appendJsonString(value);
            assertEquals(expected.toString(StandardCharsets.UTF_8), new String(bytes(buffer), StandardCharsets.UTF_8),
                    value);
        }
    }

    @Test
    void hexAndTruncation() {
        LineBuffer buffer = new LineBuffer(2);
        buffer.appendHex(0x00).appendHex(0xab).appendHex(0xff).appendHex(-1);
        assertEquals("00abffff", new String(bytes(buffer), StandardCharsets.US_ASCII));
        buffer.truncate(2);
        assertEquals("00", new String(bytes(buffer), StandardCharsets.US_ASCII));
        buffer.clear();
        assertEquals(0, buffer.length());
    }
}
