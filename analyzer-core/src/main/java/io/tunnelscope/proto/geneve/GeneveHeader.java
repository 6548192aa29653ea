package io.tunnelscope.proto.geneve;

import io.tunnelscope.proto.Flyweight;
import java.nio.ByteBuffer;

/**
 * Geneve header (RFC 8926 section 3.4), UDP port 6081, with its TLV options (section 3.5).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Ver|  Opt Len  |O|C|    Rsvd.  |          Protocol Type        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Virtual Network Identifier (VNI)       |    Reserved   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Variable-Length Options                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * Option:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Option Class         |      Type     |R|R|R| Length  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |              Variable-Length Option Data (Length * 4)         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Opt Len counts 4-byte words. The payload is picked by Protocol Type (0x6558 Ethernet, 0x0800
 * IPv4, 0x86dd IPv6).
 */
public final class GeneveHeader extends Flyweight {
    public static final int VERSION_OPTION_LENGTH_OFFSET = 0;
    public static final int FLAGS_OFFSET = 1;
    public static final int PROTOCOL_TYPE_OFFSET = 2;
    public static final int VNI_OFFSET = 4;
    public static final int OPTIONS_OFFSET = 8;
    public static final int MIN_LENGTH = 8;
    public static final int FLAG_OAM = 0x80;
    public static final int FLAG_CRITICAL = 0x40;
    public static final int OPTION_HEADER_LENGTH = 4;

    public GeneveHeader wrap(ByteBuffer buf, int off, int avail) {
        set(buf, off, avail);
        return this;
    }

    public boolean isComplete() { return available >= MIN_LENGTH; }

    public int version() { return u8(VERSION_OPTION_LENGTH_OFFSET) >>> 6; }

    /** Length of the options in bytes. */
    public int optionsLength() { return (u8(VERSION_OPTION_LENGTH_OFFSET) & 0x3f) * 4; }

    /** Whole header length in bytes: 8 + options. */
    public int headerLength() { return MIN_LENGTH + optionsLength(); }

    public boolean oam() { return (u8(FLAGS_OFFSET) & FLAG_OAM) != 0; }

    public boolean critical() { return (u8(FLAGS_OFFSET) & FLAG_CRITICAL) != 0; }

    /** The O and C bits as they sit in their byte ({@link #FLAG_OAM}, {@link #FLAG_CRITICAL}). */
    public int flags() { return u8(FLAGS_OFFSET) & (FLAG_OAM | FLAG_CRITICAL); }

    public int protocolType() { return u16(PROTOCOL_TYPE_OFFSET); }

    public int vni() { return u24(VNI_OFFSET); }

    /** The 24-bit VNI of the header at absolute index {@code at}, without wrapping a flyweight. */
    public static int vni(ByteBuffer b, int at) {
        return ((b.get(at + VNI_OFFSET) & 0xff) << 16) | (b.getShort(at + VNI_OFFSET + 1) & 0xffff);
    }

    /**
     * Walks the options (requires {@link #headerLength()} bytes).
     *
     * @return the number of options, or -1 when one overruns the options length
     */
    public int optionCount() {
        int end = headerLength();
        int i = OPTIONS_OFFSET;
        int n = 0;
        while (i < end) {
            if (i + OPTION_HEADER_LENGTH > end) {
                return -1;
            }
            int len = OPTION_HEADER_LENGTH + (u8(i + 3) & 0x1f) * 4;
            if (i + len > end) {
                return -1;
            }
            i += len;
            n++;
        }
        return n;
    }

    /** Offset (from the header start) of option {@code n}, or -1 (requires a valid walk). */
    public int optionOffset(int n) {
        int end = headerLength();
        int i = OPTIONS_OFFSET;
        for (int k = 0; i + OPTION_HEADER_LENGTH <= end; k++) {
            if (k == n) {
                return i;
            }
            i += OPTION_HEADER_LENGTH + (u8(i + 3) & 0x1f) * 4;
        }
        return -1;
    }

    public int optionClass(int optionOffset) { return u16(optionOffset); }

    public int optionType(int optionOffset) { return u8(optionOffset + 2); }

    /** Option data length in bytes. */
    public int optionDataLength(int optionOffset) { return (u8(optionOffset + 3) & 0x1f) * 4; }

    /** The high bit of an option's type: a receiver that does not know it must drop the packet. */
    public static final int OPTION_TYPE_CRITICAL = 0x80;

    /**
     * Appends the options as tcpdump prints them ({@code class Standard (0x0) type 0x80(C) len 8},
     * comma-separated; the length counts the option's 4-byte header), {@code [bad length]} where
     * one overruns the header. Needs {@link #headerLength()} bytes.
     */
    public StringBuilder appendOptions(StringBuilder out) {
        int end = Math.min(headerLength(), available);
        int i = OPTIONS_OFFSET;
        String sep = "";
        while (i + OPTION_HEADER_LENGTH <= end) {
            int type = optionType(i);
            int length = OPTION_HEADER_LENGTH + optionDataLength(i);
            out.append(sep).append("class ").append(optionClassName(optionClass(i))).append(" (0x")
                .append(Integer.toHexString(optionClass(i))).append(") type 0x").append(Integer.toHexString(type))
                .append((type & OPTION_TYPE_CRITICAL) != 0 ? "(C)" : "").append(" len ").append(length);
            if (i + length > end) {
                return out.append(" [bad length]");
            }
            sep = ", ";
            i += length;
        }
        return out;
    }

    /** IANA's Geneve option class registry, as ranges: first, last, holder. */
    private static final Object[][] OPTION_CLASSES = {
        {0x0100, 0x0100, "Linux"}, {0x0101, 0x0101, "Open vSwitch"},
        {0x0102, 0x0102, "Open Virtual Networking (OVN)"}, {0x0103, 0x0103, "In-band Network Telemetry (INT)"},
        {0x0104, 0x0104, "VMware"}, {0x0105, 0x0105, "Amazon"}, {0x0106, 0x0106, "Cisco"},
        {0x0107, 0x0107, "Oracle"}, {0x0108, 0x0110, "Amazon"}, {0x0111, 0x0118, "IBM"},
        {0x0119, 0x0128, "Ericsson"}, {0x0129, 0x0129, "Oxide"}, {0x0130, 0x0131, "Cisco"},
        {0x0132, 0x0135, "Google"}, {0x0136, 0x0136, "InfoQuick"},
    };

    /**
     * The holder of a Geneve option class as IANA's registry (and tcpdump) names it: Standard for
     * 0x0000–0x00ff, Experimental for 0xfff0–0xffff, Unknown for an unassigned class.
     */
    public static String optionClassName(int optionClass) {
        if (optionClass <= 0x00ff) {
            return "Standard";
        }
        if (optionClass >= 0xfff0) {
            return "Experimental";
        }
        for (Object[] range : OPTION_CLASSES) {
            if (optionClass >= (int) range[0] && optionClass <= (int) range[1]) {
                return (String) range[2];
            }
        }
        return "Unknown";
    }
}
