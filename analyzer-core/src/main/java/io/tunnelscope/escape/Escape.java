package io.tunnelscope.escape;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one sanitising layer between data and output: every string that comes from a capture
 * (interface names and descriptions, comments) or from the file system (file and directory
 * names, as the user typed them or as a directory listed them) goes through it on its way to a
 * terminal, a JSON document, an XML file or an HTML page. Such strings are data: escaped for the
 * output they go to, never interpreted there and never parsed back.
 *
 * <p>Per output:
 * <ul>
 *   <li>{@link #terminal}: text for terminals and logs. Control characters (C0, DEL, C1 such as
 *       the 8-bit CSI 0x9B), line and paragraph separators, bidirectional overrides, noncharacters
 *       (U+FFFE, U+FFFF) and unpaired surrogates are shown as {@code \x1b} / {@code &#92;u202e}
 *       escapes, so a string can neither move the cursor, recolour, retitle the terminal, nor
 *       start a line of its own: one record stays one line.</li>
 *   <li>{@link #jsonFactory()} / {@link #jsonMapper()}: JSON in UTF-8 whose strings escape,
 *       besides what JSON requires, DEL, C1, U+2028/U+2029, the bidirectional controls and the
 *       noncharacters as {@code &#92;u00XX}: a parser reads the exact string back, a terminal showing
 *       the document sees no control character.</li>
 *   <li>{@link #xml}: character data and attribute values of XML 1.0; markup characters as
 *       entities, tab/LF/CR as character references (attribute values keep them), characters XML
 *       1.0 does not allow (other C0, U+FFFE, U+FFFF, unpaired surrogates) and the other
 *       terminal-unsafe ones as visible {@code \x1b} text.</li>
 *   <li>{@link #html}: the same for HTML text and quoted attribute values.</li>
 * </ul>
 *
 * <p>Invalid UTF-8 never reaches here as such: the readers decode names and comments with
 * replacement (U+FFFD), and Java decodes file names the same way.
 */
public final class Escape {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Escape() {
    }

    /**
     * True for a code point a terminal would act on or that breaks a line or a document: C0
     * controls, DEL, C1 controls, line/paragraph separators, bidirectional embeddings, overrides,
     * isolates and marks, the noncharacters U+FFFE/U+FFFF, and surrogates (only unpaired ones
     * reach here as code points).
     */
    public static boolean isUnsafe(int codePoint) {
        if (codePoint < 0x20 || (codePoint >= 0x7F && codePoint <= 0x9F)) {
            return true;
        }
        if (codePoint < 0x200E) {
            return codePoint == 0x061C;
        }
        return codePoint == 0x200E || codePoint == 0x200F
                || (codePoint >= 0x2028 && codePoint <= 0x202E)
                || (codePoint >= 0x2066 && codePoint <= 0x2069)
                || (codePoint >= 0xD800 && codePoint <= 0xDFFF)
                || codePoint == 0xFFFE || codePoint == 0xFFFF;
    }

    /** {@code text} for a terminal: unsafe characters as {@code \xHH} / {@code &#92;uHHHH}; null stays null. */
    public static String terminal(CharSequence text) {
        if (text == null) {
            return null;
        }
        if (isSafe(text)) {
            return text.toString();
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        appendTerminal(text, out);
        return out.toString();
    }

    /** Appends {@code text} escaped for a terminal (see {@link #terminal}). */
    public static StringBuilder appendTerminal(CharSequence text, StringBuilder out) {
        if (text == null) {
            return out.append("null");
        }
        int n = text.length();
        for (int i = 0; i < n; ) {
            int c = Character.codePointAt(text, i);
            i += Character.charCount(c);
            if (isUnsafe(c)) {
                appendVisible(c, out);
            } else {
                out.appendCodePoint(c);
            }
        }
        return out;
    }

    /**
     * {@code text} as XML 1.0 character data or a double- or single-quoted attribute value;
     * null becomes the empty string.
     */
    public static String xml(CharSequence text) {
        return markup(text, true);
    }

    /** {@code text} as HTML text or a quoted attribute value; null becomes the empty string. */
    public static String html(CharSequence text) {
        return markup(text, false);
    }

    private static String markup(CharSequence text, boolean xml) {
        if (text == null) {
            return "";
        }
        int n = text.length();
        StringBuilder out = new StringBuilder(n + 16);
        for (int i = 0; i < n; ) {
            int c = Character.codePointAt(text, i);
            i += Character.charCount(c);
            switch (c) {
                case '<': out.append("&lt;"); break;
                case '>': out.append("&gt;"); break;
                case '&': out.append("&amp;"); break;
                case '"': out.append("&quot;"); break;
                case '\'': out.append("&#39;"); break;
                case '\t': out.append(xml ? "&#9;" : "\t"); break;
                case '\n': out.append(xml ? "&#10;" : "\n"); break;
                case '\r': out.append("&#13;"); break;
                default:
                    if (isUnsafe(c)) {
                        appendVisible(c, out);
                    } else {
                        out.appendCodePoint(c);
                    }
            }
        }
        return out.toString();
    }

    private static boolean isSafe(CharSequence text) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || (c >= 0x061C && isUnsafeAbove(text, i, c))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isUnsafeAbove(CharSequence text, int i, char c) {
        if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
            return false;
        }
        if (Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1))) {
            return false;
        }
        return isUnsafe(c);
    }

    private static void appendVisible(int c, StringBuilder out) {
        if (c <= 0xFF) {
            out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xF]);
        } else {
            out.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF])
                    .append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
        }
    }

    /**
     * A Jackson factory whose generators escape the terminal-unsafe characters (see
     * {@link #isUnsafe}) as {@code &#92;u00XX} in every string, on top of JSON's own escaping.
     */
    public static JsonFactory jsonFactory() {
        JsonFactory factory = new JsonFactory();
        factory.setCharacterEscapes(JsonEscapes.INSTANCE);
        return factory;
    }

    /** An {@link ObjectMapper} writing through {@link #jsonFactory()}. */
    public static ObjectMapper jsonMapper() {
        return new ObjectMapper(jsonFactory());
    }

    /** Jackson's per-character escapes: the standard set plus the terminal-unsafe characters. */
    private static final class JsonEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        static final JsonEscapes INSTANCE = new JsonEscapes();
        private static final int[] ASCII = standardAsciiEscapesForJSON();

        static {
            ASCII[0x7F] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ASCII;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            // Surrogates are the generator's business: pairs are one character of the text.
            if (!isUnsafe(ch) || (ch >= 0xD800 && ch <= 0xDFFF)) {
                return null;
            }
            return new SerializedString("\\u" + HEX[(ch >> 12) & 0xF] + HEX[(ch >> 8) & 0xF]
                    + HEX[(ch >> 4) & 0xF] + HEX[ch & 0xF]);
        }
    }
}
