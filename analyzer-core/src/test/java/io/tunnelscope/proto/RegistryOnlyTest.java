package io.tunnelscope.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.Encapsulation;
import io.tunnelscope.decode.IpProtocols;
import io.tunnelscope.decode.LayerType;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;
import io.tunnelscope.testing.ProjectFiles;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The registry is the only place protocol names and numbers live: no main source outside the
 * {@code proto} packages spells a tunnel's name as a string literal or writes a registered UDP port
 * or EtherType as a number (a second table, a switch on names), and what used to be parallel
 * tables (layer names, encapsulation names, IP protocol names, decode-as names, dispatch tables)
 * now answers from the descriptors.
 */
class RegistryOnlyTest {

    /**
     * Literals that are not protocol tables, each with its reason: the Linux link kinds of
     * {@code ip -j -d link} (a device's kind "vxlan" is the kernel's word for the device, which the
     * node state maps onto a protocol once, in {@code StateChecks.encapsulation}).
     */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
        "io/tunnelscope/state/StateChecks.java", Set.of("\"vxlan\"", "\"geneve\"", "\"ipip\"", "\"gre\""),
        "io/tunnelscope/state/IpJson.java", Set.of("\"vxlan\""),
        "io/tunnelscope/state/OverlayDevices.java", Set.of("\"vxlan\""),
        "io/tunnelscope/state/NetworkConfig.java", Set.of("\"vxlan\"", "\"geneve\"", "\"ipip\"", "\"gre\""));

    /**
     * Tables whose words only look like protocol names: libpcap's link-type names (PPP, IPV4 are
     * DLT names, the capture format's own registry), and iptables' match modules ({@code -m tcp}).
     */
    private static final Set<String> NOT_PROTOCOL_TABLES = Set.of(
        "io/tunnelscope/capture/LinkType.java", "io/tunnelscope/state/IptablesEvaluator.java");

    @Test
    void noSecondTableOfNamesOrNumbersInMainSources() {
        Set<String> names = new HashSet<>();
        for (ProtocolDescriptor d : Protocols.all()) {
            if (d.isTunnel()) {
                names.add("\"" + d.name() + "\"");
            }
            if (!d.tcpdumpName().equals(d.name())) {
                names.add("\"" + d.tcpdumpName() + "\"");
            }
        }
        Set<String> numbers = new HashSet<>();
        for (ProtocolDescriptor d : Protocols.all()) {
            for (int p : d.udpPorts()) {
                numbers.add(Integer.toString(p));
            }
            for (int t : d.etherTypes()) {
                numbers.add(String.format("0x%04x", t));
            }
        }
        List<String> offences = new ArrayList<>();
        ProjectFiles.mainSourcesOutsideProto().forEach((rel, source) -> scan(rel, source, names, numbers, offences));
        assertTrue(offences.isEmpty(), "protocol names or numbers outside the registry:\n" + String.join("\n", offences));
    }

    /**
     * No second name table: a {@code case} label or a map entry that pairs something with a
     * registered protocol's name or title ({@code case 6 -> "TCP"}) outside the registry.
     */
    @Test
    void noCaseOrMapEntryNamesAProtocolOutsideTheRegistry() {
        Set<String> words = new HashSet<>();
        for (ProtocolDescriptor d : Protocols.all()) {
            words.add(d.name().toLowerCase(java.util.Locale.ROOT));
            words.add(d.title().toLowerCase(java.util.Locale.ROOT));
            words.add(d.tcpdumpName().toLowerCase(java.util.Locale.ROOT));
        }
        java.util.regex.Pattern table = java.util.regex.Pattern.compile("\\bcase\\b|Map\\.entry\\(|Map\\.of\\(");
        java.util.regex.Pattern literal = java.util.regex.Pattern.compile("\"([^\"\\\\]*)\"");
        List<String> offences = new ArrayList<>();
        for (Map.Entry<String, String> file : ProjectFiles.mainSourcesOutsideProto().entrySet()) {
            String rel = file.getKey();
            if (NOT_PROTOCOL_TABLES.contains(rel)) {
                continue;
            }
            String[] lines = file.getValue().split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].strip();
                if (line.startsWith("*") || line.startsWith("//") || !table.matcher(line).find()) {
                    continue;
                }
                java.util.regex.Matcher m = literal.matcher(line);
                while (m.find()) {
                    if (words.contains(m.group(1).toLowerCase(java.util.Locale.ROOT))) {
                        offences.add(rel + ":" + (i + 1) + ": " + line);
                    }
                }
            }
        }
        assertTrue(offences.isEmpty(), "protocol names in a table outside the registry:\n" + String.join("\n", offences));
    }

    /** The scan finds what it looks for (so that its silence means something). */
    @Test
    void scanFindsANameAndANumberButNotInCommentsOrInsideText() {
        List<String> offences = new ArrayList<>();
        String source = """
            class X {
                // "vxlan" in a comment, 8472 in a comment
                /* "geneve" */
                String help = "udp port 8472 carries vxlan";
                int port = 8472;
                boolean b = kind.equals("flannel-udp");
                int type = 0x86dd;
            }
            """;
        scan("X.java", source, Set.of("\"vxlan\"", "\"flannel-udp\"", "\"geneve\""), Set.of("8472", "0x86dd"), offences);
        assertEquals(List.of("X.java:5: 8472", "X.java:6: \"flannel-udp\"", "X.java:7: 0x86dd"), offences);
    }

    @Test
    void registryIsConsistent() {
        Set<Integer> ids = new TreeSet<>();
        Set<String> names = new HashSet<>();
        for (ProtocolDescriptor d : Protocols.all()) {
            assertTrue(ids.add(d.id()), "id " + d.id());
            assertTrue(names.add(d.name()), d.name());
            assertEquals(d, Protocols.byId(d.id()));
            assertEquals(d, Protocols.byName(d.name().toUpperCase(java.util.Locale.ROOT)));
            assertEquals(d.isTunnel(), d.overheadIpv4() >= 0, d.name());
            if (d.isTunnel()) {
                assertEquals(20, d.overheadIpv6() - d.overheadIpv4(), d.name() + ": an IPv6 header is 20 bytes longer");
            }
        }
    }

    @Test
    void formerParallelTablesAnswerFromTheRegistry() {
        for (ProtocolDescriptor d : Protocols.all()) {
            assertEquals(d.title(), LayerType.name(d.id()));
            if (d.isTunnel()) {
                assertEquals(d.name(), Encapsulation.name(d.id()));
                assertEquals(d.id(), Encapsulation.byName(d.name()));
            }
            for (int p : d.ipProtocols()) {
                assertEquals(d.name(), IpProtocols.name(p));
                assertEquals(p, IpProtocols.number(d.name()));
            }
            for (int port : d.udpPorts()) {
                assertEquals(d, DecodeTables.defaults().udpProtocol(port));
            }
        }
        assertEquals("ip-proto-253", IpProtocols.tcpdumpName(253));
        assertEquals("icmp6", IpProtocols.tcpdumpName(58));
        assertEquals(50, Protocols.overhead("vxlan", false));
        assertEquals(70, Protocols.overhead("vxlan", true));
        assertEquals(-1, Protocols.overhead("tcp", false));
        assertNotNull(Protocols.byEtherType(0x86dd));
    }

    @Test
    void aSecondClaimOnOneSlotOrABadDescriptorIsRefused() {
        assertThrows(IllegalArgumentException.class,
            () -> ProtocolDescriptor.builder(40, "Upper", "U", Kind.OTHER).build());
        assertThrows(IllegalArgumentException.class,
            () -> ProtocolDescriptor.builder(40, "t", "T", Kind.TUNNEL).build(), "a tunnel needs its overhead");
        assertThrows(IllegalArgumentException.class,
            () -> ProtocolDescriptor.builder(40, "t", "T", Kind.OTHER).udpPorts(1).conventionalUdpPorts(2).build());
        assertThrows(IllegalArgumentException.class,
            () -> ProtocolDescriptor.builder(Protocols.MAX_ID + 1, "t", "T", Kind.OTHER).build());
    }

    static void scan(String file, String source, Set<String> names, Set<String> numbers, List<String> offences) {
        Set<String> allowed = ALLOWED.getOrDefault(file, Set.of());
        int line = 1;
        int n = source.length();
        int i = 0;
        while (i < n) {
            char c = source.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (source.startsWith("//", i)) {
                while (i < n && source.charAt(i) != '\n') {
                    i++;
                }
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                line += count(source, i, end);
                i = end;
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
                line += count(source, i, end);
                i = end;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && source.charAt(j) != c && source.charAt(j) != '\n') {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                String literal = source.substring(i, Math.min(n, j + 1));
                if (c == '"' && names.contains(literal) && !allowed.contains(literal)) {
                    offences.add(file + ":" + line + ": " + literal);
                }
                i = j + 1;
            } else if (Character.isJavaIdentifierStart(c)) {
                int j = i;
                while (j < n && Character.isJavaIdentifierPart(source.charAt(j))) {
                    j++;
                }
                i = j;
            } else if (Character.isDigit(c)) {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(source.charAt(j)) || source.charAt(j) == '_')) {
                    j++;
                }
                String number = source.substring(i, j).toLowerCase(java.util.Locale.ROOT);
                if (numbers.contains(number) && !allowed.contains(number)) {
                    offences.add(file + ":" + line + ": " + number);
                }
                i = j;
            } else {
                i++;
            }
        }
    }

    private static int count(String s, int from, int to) {
        int lines = 0;
        for (int k = from; k < to; k++) {
            if (s.charAt(k) == '\n') {
                lines++;
            }
        }
        return lines;
    }
}
