package io.tunnelscope.cli.collect;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The output of the state script ({@code state.sh}): one section per item,
 * {@code BOUNDARY begin NAME\n...\nBOUNDARY end NAME EXIT\n}, then {@code BOUNDARY error NAME LINE}
 * lines for what the command wrote on stderr. The boundary is random per run, so a command's output
 * cannot end a section early.
 */
public final class StateSections {
    /**
     * One item.
     *
     * @param name    the state file's name ({@code ip-link.json})
     * @param content the command's output, byte for byte
     * @param exit    its exit status
     * @param errors  what it wrote on stderr, line by line
     */
    public record Section(String name, byte[] content, int exit, List<String> errors) {
    }

    private StateSections() {
    }

    /** The sections of {@code output}; an item whose end is missing (the script was cut off) is left out. */
    public static Map<String, Section> parse(byte[] output, String boundary) {
        Map<String, Section> sections = new LinkedHashMap<>();
        Map<String, List<String>> errors = new LinkedHashMap<>();
        byte[] begin = (boundary + " begin ").getBytes(StandardCharsets.US_ASCII);
        byte[] end = ("\n" + boundary + " end ").getBytes(StandardCharsets.US_ASCII);
        byte[] error = (boundary + " error ").getBytes(StandardCharsets.US_ASCII);
        int at = 0;
        while (at < output.length) {
            int lineEnd = indexOf(output, (byte) '\n', at);
            if (lineEnd < 0) {
                lineEnd = output.length;
            }
            if (startsWith(output, at, begin)) {
                String name = new String(output, at + begin.length, lineEnd - at - begin.length, StandardCharsets.UTF_8);
                int contentStart = Math.min(lineEnd + 1, output.length);
                byte[] endMarker = concat(end, (name + " ").getBytes(StandardCharsets.UTF_8));
                int stop = indexOf(output, endMarker, contentStart - 1);
                if (stop < 0) {
                    break;
                }
                int markerLineEnd = indexOf(output, (byte) '\n', stop + 1);
                if (markerLineEnd < 0) {
                    markerLineEnd = output.length;
                }
                String rc = new String(output, stop + endMarker.length, markerLineEnd - stop - endMarker.length,
                        StandardCharsets.US_ASCII).strip();
                int exit;
                try {
                    exit = Integer.parseInt(rc);
                } catch (NumberFormatException e) {
                    exit = -1;
                }
                byte[] content = java.util.Arrays.copyOfRange(output, contentStart, Math.max(contentStart, stop));
                sections.put(name, new Section(name, content, exit, List.of()));
                at = markerLineEnd + 1;
                continue;
            }
            if (startsWith(output, at, error)) {
                String rest = new String(output, at + error.length, lineEnd - at - error.length, StandardCharsets.UTF_8);
                int space = rest.indexOf(' ');
                String name = space < 0 ? rest : rest.substring(0, space);
                errors.computeIfAbsent(name, k -> new ArrayList<>()).add(space < 0 ? "" : rest.substring(space + 1));
            }
            at = lineEnd + 1;
        }
        Map<String, Section> out = new LinkedHashMap<>();
        for (Section s : sections.values()) {
            out.put(s.name(), new Section(s.name(), s.content(), s.exit(),
                    List.copyOf(errors.getOrDefault(s.name(), List.of()))));
        }
        return out;
    }

    private static boolean startsWith(byte[] data, int at, byte[] prefix) {
        if (at + prefix.length > data.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] data, byte b, int from) {
        for (int i = Math.max(0, from); i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] data, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i + needle.length <= data.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
