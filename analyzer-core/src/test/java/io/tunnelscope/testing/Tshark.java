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

    /** Dissects every frame of a capture file. */
    public static List<Frame> frames(Path capture) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tshark", "-n", "-r", capture.toString(),
                "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
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

    private static List<String> split(String value, String separator) {
        if (value == null || value.isEmpty()) {
            return List.of();
        }
        return List.of(value.split(separator));
    }
}
