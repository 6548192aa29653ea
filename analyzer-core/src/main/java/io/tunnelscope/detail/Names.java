package io.tunnelscope.detail;

import io.kaitai.struct.KaitaiStruct;
import io.tunnelscope.decode.Addresses;
import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.Protocols;
import java.util.Locale;

/** Names and display values of the detail tree. */
final class Names {

    private static final int HEX_BYTES_SHOWN = 16;

    private Names() {
    }

    /** {@code srcAddr} → {@code src_addr}: the .ksy id of a generated Java name. */
    static String snake(String camel) {
        StringBuilder sb = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    sb.append('_');
                }
                sb.append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The .ksy type id of a generated struct, e.g. {@code ipv4_packet}, {@code vlan_tag}. */
    static String typeName(KaitaiStruct s) {
        return snake(s.getClass().getSimpleName());
    }

    /** A field value as the detail view shows it. */
    static String display(String field, Object v) {
        if (v instanceof byte[] b) {
            return bytes(field, b);
        }
        if (v instanceof Boolean bool) {
            return bool ? "1" : "0";
        }
        if (v instanceof Number n) {
            long x = n.longValue();
            switch (field) {
                case "ether_type", "tpid", "protocol_type":
                    ProtocolDescriptor e = Protocols.byEtherType((int) x);
                    String t = e != null ? e.title() : null;
                    return String.format(Locale.ROOT, "0x%04x", x) + (t != null ? " (" + t + ")" : "");
                case "protocol", "next_header":
                    ProtocolDescriptor d = Protocols.byIpProtocol((int) x);
                    String p = d != null ? d.title() : null;
                    return x + (p != null ? " (" + p + ")" : "");
                case "checksum", "header_checksum":
                    return String.format(Locale.ROOT, "0x%04x", x);
                default:
                    return Long.toString(x);
            }
        }
        return String.valueOf(v);
    }

    private static String bytes(String field, byte[] b) {
        if (field.endsWith("_mac") && b.length == 6) {
            return mac(b);
        }
        if (field.endsWith("_addr") && b.length == 4) {
            return ipv4(b, 0);
        }
        if (field.endsWith("_addr") && b.length == 16) {
            return ipv6(b, 0);
        }
        return hex(b);
    }

    static String mac(byte[] b) {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < b.length; i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(String.format(Locale.ROOT, "%02x", b[i] & 0xff));
        }
        return sb.toString();
    }

    static String ipv4(byte[] b, int off) {
        return Addresses.ipv4(b, off);
    }

    static String ipv6(byte[] b, int off) {
        return Addresses.ipv6(b, off);
    }

    static String hex(byte[] b) {
        int shown = Math.min(b.length, HEX_BYTES_SHOWN);
        StringBuilder sb = new StringBuilder(shown * 3 + 16);
        for (int i = 0; i < shown; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(String.format(Locale.ROOT, "%02x", b[i] & 0xff));
        }
        if (b.length > shown) {
            sb.append(" … (").append(b.length).append(" bytes)");
        }
        return sb.toString();
    }
}
