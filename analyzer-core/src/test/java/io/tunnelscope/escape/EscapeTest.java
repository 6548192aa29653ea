package io.tunnelscope.escape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class EscapeTest {
    /** Every kind of hostile character a name or comment can hold. */
    static final String HOSTILE = "a b\"c'<script>alert(1)</script>]]>&amp;\u001b[31mred\u0007\u009b2J\r\nx.pcap: "
            + "offset 0: spoofed\u0000\u007f\u0085\u2028\u202e\ufffe\uffff\ud800z\t\u00e9\ud83d\ude00";

    @Test
    void terminalTextHoldsNoControlCharacterAndStaysOnOneLine() {
        String t = Escape.terminal(HOSTILE);
        for (int i = 0; i < t.length(); ) {
            int c = t.codePointAt(i);
            assertFalse(Escape.isUnsafe(c), "U+" + Integer.toHexString(c) + " in " + t);
            i += Character.charCount(c);
        }
        assertEquals("a b\"c'<script>alert(1)</script>]]>&amp;\\x1b[31mred\\x07\\x9b2J\\x0d\\x0ax.pcap: offset 0: "
                + "spoofed\\x00\\x7f\\x85\\u2028\\u202e\\ufffe\\uffff\\ud800z\\x09\u00e9\ud83d\ude00", t);
        String plain = "host1-flannel.1:eth0 10.0.0.1 \u00e9\ud83d\ude00";
        assertSame(plain, Escape.terminal(plain));
        assertNull(Escape.terminal(null));
        assertEquals("\\udc00x", Escape.terminal("\udc00x"));
    }

    @Test
    void jsonEscapesTerminalUnsafeCharactersAndParsesBackExactly() throws Exception {
        ObjectMapper mapper = Escape.jsonMapper();
        String json = mapper.writeValueAsString(Map.of("name", HOSTILE.replace("\ud800", "")));
        for (int i = 0; i < json.length(); ) {
            int c = json.codePointAt(i);
            assertFalse(Escape.isUnsafe(c), "U+" + Integer.toHexString(c) + " raw in " + json);
            i += Character.charCount(c);
        }
        String lower = json.toLowerCase(java.util.Locale.ROOT);
        assertTrue(lower.contains("\\u009b") && lower.contains("\\u2028") && lower.contains("\\u001b"), json);
        assertTrue(json.contains("\ud83d\ude00"), json);
        JsonNode back = new ObjectMapper().readTree(json.getBytes(StandardCharsets.UTF_8));
        assertEquals(HOSTILE.replace("\ud800", ""), back.get("name").asText());
    }

    @Test
    void xmlIsWellFormedAndKeepsTheText() throws Exception {
        String escaped = Escape.xml(HOSTILE);
        String doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><r a=\"" + escaped + "\" b='" + escaped + "'>"
                + escaped + "</r>";
        Document parsed = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(doc.getBytes(StandardCharsets.UTF_8)));
        String expected = "a b\"c'<script>alert(1)</script>]]>&amp;\\x1b[31mred\\x07\\x9b2J\r\nx.pcap: offset 0: "
                + "spoofed\\x00\\x7f\\x85\\u2028\\u202e\\ufffe\\uffff\\ud800z\t\u00e9\ud83d\ude00";
        assertEquals(expected, parsed.getDocumentElement().getAttribute("a"));
        assertEquals(expected, parsed.getDocumentElement().getAttribute("b"));
        assertEquals(expected, parsed.getDocumentElement().getTextContent());
        assertEquals("", Escape.xml(null));
    }

    @Test
    void htmlHasNoMarkupLeft() {
        String escaped = Escape.html(HOSTILE);
        assertFalse(escaped.contains("<") || escaped.contains(">") || escaped.contains("\"")
                || escaped.contains("'"), escaped);
        assertTrue(escaped.contains("&lt;script&gt;") && escaped.contains("&amp;amp;"), escaped);
        assertFalse(escaped.contains("\u001b") || escaped.contains("\u0000"), escaped);
    }
}
