package io.tunnelscope.decode;

import java.nio.ByteBuffer;

/**
 * Appends addresses in the text forms tcpdump and tshark print, to a caller's
 * {@link StringBuilder}, without allocating.
 */
public final class Addresses {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Addresses() {
    }

    /** Dotted quad of a big-endian IPv4 address held in an int. */
    /** An IPv4 address in dotted decimal: the one IPv4 formatter. */
    public static String ipv4(int address) {
        return appendIpv4(new StringBuilder(15), address).toString();
    }

    /** The IPv4 address in {@code b[off..off+4)}. */
    public static String ipv4(byte[] b, int off) {
        return ipv4(((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff));
    }

    /** The IPv6 address in {@code b[off..off+16)}, RFC 5952 text form. */
    public static String ipv6(byte[] b, int off) {
        return appendIpv6(new StringBuilder(39), ByteBuffer.wrap(b), off).toString();
    }

    public static StringBuilder appendIpv4(StringBuilder sb, int address) {
        sb.append((address >>> 24) & 0xff).append('.')
            .append((address >>> 16) & 0xff).append('.')
            .append((address >>> 8) & 0xff).append('.')
            .append(address & 0xff);
        return sb;
    }

    /**
     * The 16-byte IPv6 address at {@code offset} in the RFC 5952 form: lower-case hex without
     * leading zeros, the longest run of two or more zero groups (the first on a tie) as "::".
     * IPv4-mapped ({@code ::ffff:a.b.c.d}) and IPv4-compatible ({@code ::a.b.c.d}) addresses end
     * in dotted form, as inet_ntop (and so tcpdump) prints them.
     */
    public static StringBuilder appendIpv6(StringBuilder sb, ByteBuffer buf, int offset) {
        int bestStart = -1;
        int bestLen = 0;
        int runStart = -1;
        for (int i = 0; i < 8; i++) {
            if (buf.getShort(offset + 2 * i) == 0) {
                if (runStart < 0) {
                    runStart = i;
                }
                int len = i - runStart + 1;
                if (len > bestLen) {
                    bestLen = len;
                    bestStart = runStart;
                }
            } else {
                runStart = -1;
            }
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        boolean embedV4 = bestStart == 0
            && (bestLen == 6 || (bestLen == 5 && (buf.getShort(offset + 10) & 0xffff) == 0xffff));
        int groups = embedV4 ? 6 : 8;
        for (int i = 0; i < groups; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (i > 0 && i != bestStart + bestLen) {
                sb.append(':');
            }
            appendHexGroup(sb, buf.getShort(offset + 2 * i) & 0xffff);
        }
        if (embedV4) {
            if (bestLen == 5) {
                sb.append(':');
            }
            appendIpv4(sb, buf.getInt(offset + 12));
        }
        return sb;
    }

    /** The MAC at {@code offset} (6 bytes) as a 48-bit value, to compare and hash without text. */
    public static long mac(ByteBuffer buf, int offset) {
        return (buf.getShort(offset) & 0xFFFFL) << 32 | buf.getInt(offset + Short.BYTES) & 0xFFFF_FFFFL;
    }

    /** Colon-separated lower-case MAC at {@code offset} (6 bytes). */
    public static StringBuilder appendMac(StringBuilder sb, ByteBuffer buf, int offset) {
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                sb.append(':');
            }
            int b = buf.get(offset + i) & 0xff;
            sb.append(HEX[b >>> 4]).append(HEX[b & 15]);
        }
        return sb;
    }

    private static void appendHexGroup(StringBuilder sb, int v) {
        boolean started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            int d = (v >>> shift) & 15;
            if (d != 0 || started || shift == 0) {
                sb.append(HEX[d]);
                started = true;
            }
        }
    }
}
