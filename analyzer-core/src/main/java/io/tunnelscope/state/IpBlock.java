package io.tunnelscope.state;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 address block ({@code 10.244.1.0/24}, {@code fd00::/8}; a single address is a
 * block of its full length). Parsed without name resolution: only literals are accepted.
 *
 * @param bytes        the network address (4 or 16 bytes), host bits cleared
 * @param prefixLength the prefix length
 */
public record IpBlock(byte[] bytes, int prefixLength) {
    /** Every IPv4 address. */
    public static final IpBlock ANY_IPV4 = new IpBlock(new byte[4], 0);

    public IpBlock {
        bytes = mask(bytes.clone(), prefixLength);
    }

    /** Parses {@code a.b.c.d[/n]} or an IPv6 literal with an optional {@code /n}; null when it is neither. */
    public static IpBlock parse(String text) {
        if (text == null) {
            return null;
        }
        String s = text.trim();
        int slash = s.indexOf('/');
        byte[] address = address(slash < 0 ? s : s.substring(0, slash));
        if (address == null) {
            return null;
        }
        int prefix = address.length * 8;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            if (prefix < 0 || prefix > address.length * 8) {
                return null;
            }
        }
        return new IpBlock(address, prefix);
    }

    /**
     * The bytes of an IPv4 dotted quad or an IPv6 literal (an IPv6 zone {@code %eth0} is dropped),
     * or null. Never resolves a name.
     */
    public static byte[] address(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (text.indexOf(':') < 0) {
            return ipv4(text);
        }
        String s = text;
        int zone = s.indexOf('%');
        if (zone >= 0) {
            s = s.substring(0, zone);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!hex && c != ':' && c != '.') {
                return null;
            }
        }
        try {
            // a literal of hex digits, ':' and '.' only: InetAddress parses it without any lookup
            byte[] bytes = InetAddress.getByName(s).getAddress();
            return bytes.length == 16 ? bytes : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3) {
                return null;
            }
            int v = 0;
            for (int j = 0; j < p.length(); j++) {
                char c = p.charAt(j);
                if (c < '0' || c > '9') {
                    return null;
                }
                v = v * 10 + (c - '0');
            }
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    /** The IPv4 address as an int, for {@code a.b.c.d}; fails for anything else. */
    public static int ipv4Int(String dotted) {
        byte[] b = ipv4(dotted);
        if (b == null) {
            throw new IllegalArgumentException("not an IPv4 address: " + dotted);
        }
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    public boolean ipv4() {
        return bytes.length == 4;
    }

    /** Whether {@code address} (4 or 16 bytes) lies in this block. */
    public boolean contains(byte[] address) {
        if (address == null || address.length != bytes.length) {
            return false;
        }
        return Arrays.equals(mask(address.clone(), prefixLength), bytes);
    }

    /** Whether the literal {@code address} lies in this block. */
    public boolean contains(String address) {
        return contains(address(address));
    }

    /** Whether every address of {@code other} lies in this block. */
    public boolean covers(IpBlock other) {
        return other.bytes.length == bytes.length && other.prefixLength >= prefixLength && contains(other.bytes);
    }

    /** The IPv4 network as an int (IPv4 blocks only). */
    public int ipv4Network() {
        return (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
    }

    private static byte[] mask(byte[] b, int prefix) {
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            b[i] = (byte) (b[i] & (0xFF00 >> keep));
        }
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpBlock other && other.prefixLength == prefixLength && Arrays.equals(other.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes) * 31 + prefixLength;
    }

    /** {@code a.b.c.d/n} (IPv6 in its compressed form). */
    @Override
    public String toString() {
        String address;
        try {
            address = InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        if (bytes.length == 16) {
            address = compress(address);
        }
        return address + "/" + prefixLength;
    }

    /** Java prints IPv6 uncompressed ({@code fd00:0:0:0:0:0:0:0}); shorten the longest run of zeros. */
    static String compress(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < groups.length; i++) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }
}
