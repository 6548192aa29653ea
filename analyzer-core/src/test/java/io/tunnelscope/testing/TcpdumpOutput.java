package io.tunnelscope.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads tcpdump's expected output ({@code .out} files of its test suite) into per-packet facts:
 * the IP address pairs with ports in the order tcpdump prints them (outer first), and the VNIs.
 * A packet starts at a line beginning with its number ({@code "    1  2013-05-18 ..."}).
 */
public final class TcpdumpOutput {
    private static final Pattern PACKET_START = Pattern.compile("^\\s*(\\d+)\\s{2}\\S");
    /** {@code A > B:} where A and B are addresses with an optional port, not MAC addresses. */
    private static final Pattern PAIR = Pattern.compile("(\\S+) > (\\S+?):(?=\\s|$)");
    private static final Pattern MAC = Pattern.compile("([0-9a-f]{2}:){5}[0-9a-f]{2},?");
    private static final Pattern VNI = Pattern.compile("vni (0x[0-9a-f]+|\\d+)");

    private TcpdumpOutput() {
    }

    /** One endpoint as tcpdump prints it: address and port (-1 when none). */
    public record Endpoint(String address, int port) {
        @Override
        public String toString() {
            return port < 0 ? address : address + "." + port;
        }
    }

    /** One packet: its number, address pairs outer to inner, and VNIs outer to inner. */
    public record Packet(int number, List<Endpoint[]> pairs, List<Long> vnis) {
    }

    /** Parses a whole {@code .out} file. */
    public static List<Packet> read(Path out) throws IOException {
        List<Packet> packets = new ArrayList<>();
        StringBuilder block = null;
        int number = 0;
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            Matcher start = PACKET_START.matcher(line);
            if (start.find()) {
                if (block != null) {
                    packets.add(parse(number, block.toString()));
                }
                number = Integer.parseInt(start.group(1));
                block = new StringBuilder(line.substring(start.end() - 1));
            } else if (block != null) {
                block.append('\n').append(line);
            }
        }
        if (block != null) {
            packets.add(parse(number, block.toString()));
        }
        return packets;
    }

    private static Packet parse(int number, String text) {
        List<Endpoint[]> pairs = new ArrayList<>();
        Matcher m = PAIR.matcher(text);
        while (m.find()) {
            String a = m.group(1);
            String b = m.group(2);
            if (MAC.matcher(a).matches() || MAC.matcher(b).matches()) {
                continue;
            }
            if (a.matches("\\d{1,5}") && b.matches("\\d{1,5}") && !pairs.isEmpty()) {
                // After IPv6 extension headers (e.g. "HBH (jumbo: 80040)  41851 > 43913:") tcpdump
                // prints the ports as a pair of their own: they belong to the previous level.
                Endpoint[] last = pairs.get(pairs.size() - 1);
                if (last[0].port() < 0 && last[1].port() < 0) {
                    last[0] = new Endpoint(last[0].address(), Integer.parseInt(a));
                    last[1] = new Endpoint(last[1].address(), Integer.parseInt(b));
                }
                continue;
            }
            Endpoint from = endpoint(a);
            Endpoint to = endpoint(b);
            if (from != null && to != null) {
                pairs.add(new Endpoint[] {from, to});
            }
        }
        List<Long> vnis = new ArrayList<>();
        Matcher v = VNI.matcher(text);
        while (v.find()) {
            String s = v.group(1);
            vnis.add(s.startsWith("0x") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s));
        }
        return new Packet(number, pairs, vnis);
    }

    /** {@code 10.0.0.1}, {@code 10.0.0.1.4789}, {@code 2001:db8::1}, {@code 2001:db8::1.53}. */
    static Endpoint endpoint(String token) {
        if (token.indexOf(':') >= 0) {
            if (!token.matches("[0-9a-fA-F:]+(\\.\\d+)?")) {
                return null;
            }
            int dot = token.lastIndexOf('.');
            return dot < 0 ? new Endpoint(token, -1)
                    : new Endpoint(token.substring(0, dot), Integer.parseInt(token.substring(dot + 1)));
        }
        String[] parts = token.split("\\.");
        if (parts.length < 4 || parts.length > 5) {
            return null;
        }
        for (String part : parts) {
            if (!part.matches("\\d{1,5}")) {
                return null;
            }
        }
        String address = parts[0] + "." + parts[1] + "." + parts[2] + "." + parts[3];
        return new Endpoint(address, parts.length == 5 ? Integer.parseInt(parts[4]) : -1);
    }
}
