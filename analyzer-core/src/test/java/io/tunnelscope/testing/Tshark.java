package io.tunnelscope.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs tshark as an independent oracle and reads back, per frame, the fields the fast path must
 * agree with. Decodes as the issue prescribes: {@code -d udp.port==8472,vxlan
 * -d udp.port==8285,ip}, with IP reassembly off so every fragment is judged as captured, and with
 * IPv4, TCP and UDP checksums verified ({@code -o ip.check_checksum:TRUE} etc.; ICMP and ICMPv6
 * are always verified).
 */
public final class Tshark {
    /** The fields asked for, in column order. */
    private static final String[] FIELDS = {
        "frame.number", "frame.protocols", "ip.src", "ip.dst", "ip.proto", "ipv6.src", "ipv6.dst",
        "udp.srcport", "udp.dstport", "tcp.srcport", "tcp.dstport", "vxlan.vni", "geneve.vni",
        "ip.checksum.status", "tcp.checksum.status", "udp.checksum.status", "icmp.checksum.status",
        "icmpv6.checksum.status",
    };

    /** A checksum status as tshark prints it: 0 bad, 1 good, 2 not verified. */
    public static final String CHECKSUM_BAD = "0";

    private Tshark() {
    }

    /** True when a tshark binary answers. */
    public static boolean available() {
        try {
            Process p = new ProcessBuilder("tshark", "-v").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * One frame as tshark dissects it; every list holds all occurrences, outermost first (quoted
     * headers of ICMP errors included). {@code checksums} maps ip, tcp, udp, icmp and icmpv6 to
     * their checksum statuses ({@link #CHECKSUM_BAD}, 1 good, 2 not verified).
     */
    public record Frame(long number, List<String> protocols, List<String> ipSrc, List<String> ipDst,
                        List<String> ipProto, List<String> ipv6Src, List<String> ipv6Dst,
                        List<String> udpSrcPort, List<String> udpDstPort,
                        List<String> tcpSrcPort, List<String> tcpDstPort,
                        List<String> vxlanVni, List<String> geneveVni, Map<String, List<String>> checksums) {
    }

    /** Dissects every frame of a capture file, every fragment as captured. */
    public static List<Frame> frames(Path capture) throws IOException, InterruptedException {
        return frames(capture, false);
    }

    /** Dissects every frame of a capture file, IP fragments reassembled when {@code defragment}. */
    public static List<Frame> frames(Path capture, boolean defragment) throws IOException, InterruptedException {
        String reassemble = defragment ? "TRUE" : "FALSE";
        List<String> command = new ArrayList<>(List.of("tshark", "-n", "-r", capture.toString(),
                "-o", "ip.defragment:" + reassemble, "-o", "ipv6.defragment:" + reassemble,
                "-o", "tcp.desegment_tcp_streams:FALSE",
                "-d", "udp.port==8472,vxlan", "-d", "udp.port==8285,ip",
                "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"));
        for (String field : FIELDS) {
            command.add("-e");
            command.add(field);
        }
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<Frame> frames = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String[] c = Arrays.copyOf(line.split("\t", -1), FIELDS.length);
                frames.add(new Frame(Long.parseLong(c[0]), split(c[1], ":"), split(c[2], ","),
                        split(c[3], ","), split(c[4], ","), split(c[5], ","), split(c[6], ","),
                        split(c[7], ","), split(c[8], ","), split(c[9], ","), split(c[10], ","),
                        split(c[11], ","), split(c[12], ","),
                        Map.of("ip", split(c[13], ","), "tcp", split(c[14], ","), "udp", split(c[15], ","),
                                "icmp", split(c[16], ","), "icmpv6", split(c[17], ","))));
            }
        }
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException("tshark failed on " + capture);
        }
        return frames;
    }

    /**
     * What tshark's TCP analysis says about one frame: the {@code tcp.analysis.*} expert items by
     * their field names (e.g. {@code tcp.analysis.retransmission}), the ACK's RTT in nanoseconds
     * (-1 without one), the duplicate-ACK number (0 when none) and the stream number.
     */
    public record TcpFrame(long number, java.util.Set<String> flags, long ackRttNanos, int duplicateAckNumber,
                           int stream) {
    }

    private static final java.util.Map<String, String> TCP_EXPERT_FIELDS = java.util.Map.ofEntries(
            java.util.Map.entry("This frame is a (suspected) retransmission", "tcp.analysis.retransmission"),
            java.util.Map.entry("This frame is a (suspected) fast retransmission", "tcp.analysis.fast_retransmission"),
            java.util.Map.entry("This frame is a (suspected) spurious retransmission",
                    "tcp.analysis.spurious_retransmission"),
            java.util.Map.entry("This frame is a (suspected) out-of-order segment", "tcp.analysis.out_of_order"),
            java.util.Map.entry("Previous segment(s) not captured (common at capture start)",
                    "tcp.analysis.lost_segment"),
            java.util.Map.entry("ACKed segment that wasn't captured (common at capture start)",
                    "tcp.analysis.ack_lost_segment"),
            java.util.Map.entry("TCP keep-alive segment", "tcp.analysis.keep_alive"),
            java.util.Map.entry("ACK to a TCP keep-alive segment", "tcp.analysis.keep_alive_ack"),
            java.util.Map.entry("TCP Zero Window segment", "tcp.analysis.zero_window"),
            java.util.Map.entry("TCP Zero Window Probe", "tcp.analysis.zero_window_probe"),
            java.util.Map.entry("ACK to a TCP Zero Window Probe", "tcp.analysis.zero_window_probe_ack"),
            java.util.Map.entry("TCP window specified by the receiver is now completely full",
                    "tcp.analysis.window_full"),
            java.util.Map.entry("TCP window update", "tcp.analysis.window_update"),
            java.util.Map.entry("A new tcp session is started with the same ports as an earlier session in this trace",
                    "tcp.analysis.reused_ports"));

    /**
     * tshark's TCP analysis of every TCP frame of a capture (decoded as {@link #frames}; outer IP
     * fragments reassembled when {@code defragment}), keyed by frame number.
     */
    public static java.util.Map<Long, TcpFrame> tcpAnalysis(Path capture, boolean defragment)
            throws IOException, InterruptedException {
        List<String> command = List.of("tshark", "-n", "-r", capture.toString(),
                "-o", "ip.defragment:" + (defragment ? "TRUE" : "FALSE"), "-o", "tcp.desegment_tcp_streams:FALSE",
                "-d", "udp.port==8472,vxlan", "-d", "udp.port==8285,ip", "-Y", "tcp && !icmp && !icmpv6",
                "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=|",
                "-e", "frame.number", "-e", "_ws.expert.message", "-e", "tcp.analysis.ack_rtt",
                "-e", "tcp.analysis.duplicate_ack_num", "-e", "tcp.stream");
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        java.util.Map<Long, TcpFrame> out = new java.util.TreeMap<>();
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String[] c = Arrays.copyOf(line.split("\t", -1), 5);
                java.util.Set<String> flags = new java.util.TreeSet<>();
                for (String message : split(c[1], "\\|")) {
                    String field = message.startsWith("Duplicate ACK (#") ? "tcp.analysis.duplicate_ack"
                            : TCP_EXPERT_FIELDS.get(message);
                    if (field != null) {
                        flags.add(field);
                    }
                }
                long rtt = c[2] == null || c[2].isEmpty() ? -1
                        : new java.math.BigDecimal(c[2]).movePointRight(9).longValueExact();
                int dup = c[3] == null || c[3].isEmpty() ? 0 : Integer.parseInt(c[3]);
                int stream = c[4] == null || c[4].isEmpty() ? -1 : Integer.parseInt(c[4].split("\\|")[0]);
                long number = Long.parseLong(c[0]);
                out.put(number, new TcpFrame(number, flags, rtt, dup, stream));
            }
        }
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException("tshark failed on " + capture);
        }
        return out;
    }

    /**
     * One row of {@code tshark -z conv,ip} (or {@code conv,ipv6}): the two addresses, frames and
     * bytes from B to A ({@code <-}) and from A to B ({@code ->}), the bytes as tshark prints them
     * ({@code 8849 bytes}, {@code 77 kB}), the start relative to the first frame and the duration
     * in seconds as printed.
     */
    public record ConversationRow(String addressA, String addressB, long framesBtoA, String bytesBtoA,
                                  long framesAtoB, String bytesAtoB, String relativeStart, String duration) {
    }

    /**
     * {@code tshark -q -z conv,ip -z conv,ipv6} of a capture (decoded as {@link #frames}, fragments
     * reassembled): the rows of both tables.
     */
    public static List<ConversationRow> conversations(Path capture) throws IOException, InterruptedException {
        List<String> command = List.of("tshark", "-n", "-q", "-r", capture.toString(),
                "-d", "udp.port==8472,vxlan", "-d", "udp.port==8285,ip", "-z", "conv,ip", "-z", "conv,ipv6");
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<ConversationRow> rows = new ArrayList<>();
        java.util.regex.Pattern row = java.util.regex.Pattern.compile(
                "(\\S+)\\s+<->\\s+(\\S+)\\s+(\\d+)\\s+(\\d+ \\S*bytes|\\d+ [kMGT]B)\\s+(\\d+)\\s+"
                        + "(\\d+ \\S*bytes|\\d+ [kMGT]B)\\s+\\d+\\s+(?:\\d+ \\S*bytes|\\d+ [kMGT]B)\\s+(\\S+)\\s+(\\S+)\\s*");
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                java.util.regex.Matcher m = row.matcher(line);
                if (m.matches()) {
                    rows.add(new ConversationRow(m.group(1), m.group(2), Long.parseLong(m.group(3)), m.group(4),
                            Long.parseLong(m.group(5)), m.group(6), m.group(7), m.group(8)));
                }
            }
        }
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException("tshark failed on " + capture);
        }
        return rows;
    }

    private static List<String> split(String value, String separator) {
        if (value == null || value.isEmpty()) {
            return List.of();
        }
        return List.of(value.split(separator));
    }
}
