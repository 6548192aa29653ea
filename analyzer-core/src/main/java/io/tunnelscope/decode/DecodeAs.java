package io.tunnelscope.decode;

/**
 * A "decode as" override, as Wireshark spells it: {@code udp.port=N:vxlan|flannel-udp|geneve|none}.
 *
 * @param port      UDP port 0..65535
 * @param dissector what its payload is
 */
public record DecodeAs(int port, UdpDissector dissector) {

    public DecodeAs {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("UDP port " + port + " out of range 0..65535");
        }
        if (dissector == null) {
            throw new IllegalArgumentException("dissector is null");
        }
    }

    /**
     * Parses {@code udp.port=N:name}.
     *
     * @throws IllegalArgumentException with a message saying what is wrong and what is expected
     */
    public static DecodeAs parse(String spec) {
        String expected = "expected udp.port=PORT:vxlan|flannel-udp|geneve|none";
        if (spec == null) {
            throw new IllegalArgumentException("decode-as: missing value, " + expected);
        }
        String s = spec.trim();
        String prefix = "udp.port=";
        if (!s.regionMatches(true, 0, prefix, 0, prefix.length())) {
            throw new IllegalArgumentException("decode-as '" + spec + "': only udp.port is supported, " + expected);
        }
        String rest = s.substring(prefix.length());
        int colon = rest.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("decode-as '" + spec + "': missing ':dissector', " + expected);
        }
        String portText = rest.substring(0, colon).trim();
        String name = rest.substring(colon + 1).trim();
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("decode-as '" + spec + "': port '" + portText + "' is not a number, " + expected);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("decode-as '" + spec + "': port " + port + " out of range 0..65535");
        }
        UdpDissector d = UdpDissector.byName(name);
        if (d == null) {
            throw new IllegalArgumentException("decode-as '" + spec + "': unknown dissector '" + name + "', " + expected);
        }
        return new DecodeAs(port, d);
    }

    @Override
    public String toString() {
        return "udp.port=" + port + ":" + dissector.cliName();
    }
}
