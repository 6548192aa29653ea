package io.tunnelscope.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.testing.ProjectFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The flyweights ({@code proto.<name>.*Header}) are the only code that knows where a header's
 * fields sit: no main source outside the {@code proto} packages reads a header byte at a literal
 * offset ({@code u16(layer, 2)}, {@code buf.getInt(stack.offset(l) + 12)}) or checks a header's
 * length against a literal ({@code is(layer, LayerType.IPV4, 20)},
 * {@code stack.headerLength(l) >= 14}); they call a flyweight's getter or name its constants
 * ({@code Ipv4Header.TOTAL_LENGTH_OFFSET}, {@code TcpHeader.FLAGS_OFFSET + 1}).
 */
class HeaderOffsetsOnlyInFlyweightsTest {

    /** Sources that read bytes at literal offsets that are not a protocol header's, with the reason. */
    private static final Map<String, String> EXEMPT = Map.of(
        "io/tunnelscope/capture/", "capture file framing (pcap and pcapng records, the kernel's tpacket header)",
        "io/tunnelscope/decode/Addresses.java", "positions inside a 16-byte IPv6 address (the IPv4-mapped tail)");

    /**
     * A read or write at a literal offset or a length check against a literal: a layer accessor
     * with a literal second argument, a buffer access at {@code x + literal}, a layer's offset plus
     * a literal ({@code stack.offset(l) + 6} handed to an address formatter), a minimum-length
     * check {@code is(layer, type, literal)} and {@code headerLength(l) <op> literal}.
     */
    private static final Pattern OFFENCE = Pattern.compile(
        "\\b(?:u8|u16|u24|u32|i32)\\(\\s*[\\w.]+\\s*,\\s*\\d+\\s*\\)"
            + "|\\b(?:u8|u16|u24|u32|i32|getShort|getInt|getLong|putShort|putInt)\\((?:[^()]|\\([^()]*\\))*\\+\\s*\\d+\\s*[,)]"
            + "|\\boffset\\([^()]*\\)\\s*\\+\\s*\\d+"
            + "|\\bis(?:Vlan|Ip)?\\((?:[^()]|\\([^()]*\\))*,\\s*\\d+\\s*\\)"
            + "|\\bheaderLength\\([^()]*\\)\\s*[<>]=?\\s*\\d+");

    @Test
    void noHeaderOffsetLiteralsOutsideTheFlyweights() {
        List<String> offences = new ArrayList<>();
        int scanned = 0;
        for (Map.Entry<String, String> file : ProjectFiles.mainSourcesOutsideProto().entrySet()) {
            String rel = file.getKey();
            if (EXEMPT.keySet().stream().anyMatch(rel::startsWith)) {
                continue;
            }
            scanned++;
            offences.addAll(offences(rel, file.getValue()));
        }
        assertTrue(scanned > 50, "main sources not found under " + ProjectFiles.root());
        assertTrue(offences.isEmpty(),
            "header offsets or lengths as literals outside the flyweights (call a getter or name the constant):\n"
                + String.join("\n", offences));
    }

    /** The scanner itself finds each kind of offence, so the test above can fail. */
    @Test
    void scannerFindsLiteralOffsets() {
        String source = String.join("\n",
            "class X {",
            "    int a() { return u16(layer, 12); }",
            "    int b() { return is(layer, LayerType.IPV4, 20) ? u8(ipLayer, 9) : -1; }",
            "    int c() { return buf.getInt(stack.offset(layer) + 16); }",
            "    int d() { return buf.getShort(at + 2) & 0xffff; }",
            "    boolean e() { return stack.headerLength(0) >= 14; }",
            "    void f() { putShort(ip + 10, 0); Addresses.appendMac(sb, buf, stack.offset(layer) + 6); }",
            "    int ok() { return is(layer, LayerType.IPV4, Ipv4Header.TTL_OFFSET + 1) ? ipv4(layer).ttl() : -1; }",
            "    int ok2() { return buf.getInt(at + Ipv4Header.SOURCE_OFFSET); }",
            "}");
        List<String> found = offences("X.java", source);
        assertEquals(List.of(
            "X.java:2: u16(layer, 12)",
            "X.java:3: is(layer, LayerType.IPV4, 20)",
            "X.java:3: u8(ipLayer, 9)",
            "X.java:4: getInt(stack.offset(layer) + 16)",
            "X.java:5: getShort(at + 2)",
            "X.java:6: headerLength(0) >= 14",
            "X.java:7: putShort(ip + 10,",
            "X.java:7: offset(layer) + 6"), found);
    }

    private static List<String> offences(String rel, String source) {
        List<String> out = new ArrayList<>();
        String[] lines = source.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("*") || line.startsWith("/*") || line.startsWith("//")) {
                continue;
            }
            Matcher m = OFFENCE.matcher(lines[i]);
            while (m.find()) {
                out.add(rel + ":" + (i + 1) + ": " + m.group());
            }
        }
        return out;
    }
}
