package io.tunnelscope.decode;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.Protocols;
import io.tunnelscope.proto.payload.Payload;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A "decode as" override, as Wireshark spells it: {@code udp.port=N:NAME}, where NAME is a
 * protocol of the registry that may be named so ({@link ProtocolDescriptor#decodeAsTarget()}:
 * {@code vxlan}, {@code flannel-udp}, {@code geneve}, ...) or {@code none} (plain payload, which
 * also switches the VXLAN heuristic off for the port).
 *
 * @param port     UDP port 0..65535
 * @param protocol what its payload is; {@link #NONE} for plain payload
 */
public record DecodeAs(int port, ProtocolDescriptor protocol) {
    /** The word for "no dissector". */
    public static final String NONE_NAME = "none";
    /** Plain payload. */
    public static final ProtocolDescriptor NONE = Payload.DESCRIPTOR;

    public DecodeAs {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("UDP port " + port + " out of range 0..65535");
        }
        if (protocol == null) {
            throw new IllegalArgumentException("protocol is null");
        }
        if (protocol != NONE && !protocol.decodeAsTarget()) {
            throw new IllegalArgumentException("UDP port " + port + ": " + protocol.name() + " cannot be decoded from a UDP payload");
        }
    }

    /** The protocols a UDP port may be decoded as, by name, with {@code none} last. */
    public static List<String> choices() {
        List<String> names = new ArrayList<>();
        for (ProtocolDescriptor d : Protocols.decodeAsTargets()) {
            names.add(d.name());
        }
        names.add(NONE_NAME);
        return names;
    }

    /** The protocol a decode-as name means ({@code none}: {@link #NONE}), or null. */
    public static ProtocolDescriptor protocolNamed(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals(NONE_NAME)) {
            return NONE;
        }
        ProtocolDescriptor d = Protocols.byName(n);
        return d != null && d.decodeAsTarget() ? d : null;
    }

    /**
     * Parses {@code udp.port=N:name}.
     *
     * @throws IllegalArgumentException with a message saying what is wrong and what is expected
     */
    public static DecodeAs parse(String spec) {
        String expected = "expected udp.port=PORT:" + String.join("|", choices());
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
        ProtocolDescriptor d = protocolNamed(name);
        if (d == null) {
            throw new IllegalArgumentException("decode-as '" + spec + "': unknown dissector '" + name + "', " + expected);
        }
        return new DecodeAs(port, d);
    }

    /** The name as {@code udp.port=N:NAME} spells it. */
    public String protocolName() {
        return protocol == NONE ? NONE_NAME : protocol.name();
    }

    @Override
    public String toString() {
        return "udp.port=" + port + ":" + protocolName();
    }
}
