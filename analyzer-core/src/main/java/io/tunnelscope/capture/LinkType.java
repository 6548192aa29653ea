package io.tunnelscope.capture;

/**
 * LINKTYPE_ values (tcpdump.org/linktypes.html) of the capture points an overlay produces, with
 * their names. An open set: any other value is kept, named {@code LINKTYPE_<n>}, and its packets
 * are counted rather than decoded.
 */
public final class LinkType {
    /** BSD loopback: 4-byte address family in host byte order of the capturing machine. */
    public static final int NULL = 0;
    /** Ethernet II / 802.3. */
    public static final int ETHERNET = 1;
    /** LINKTYPE_PPP: PPP, with or without HDLC-like framing (RFC 1661, RFC 1662). */
    public static final int PPP = 9;
    /** LINKTYPE_PPP_HDLC: PPP in HDLC-like framing (RFC 1662). */
    public static final int PPP_HDLC = 50;
    /** DLT_RAW as some writers put it in files (most BSDs and Linux). */
    public static final int RAW_12 = 12;
    /** DLT_RAW as OpenBSD puts it in files. */
    public static final int RAW_14 = 14;
    /** Raw IP, version taken from the first nibble: TUN devices such as flannel0. */
    public static final int RAW = 101;
    /** OpenBSD loopback: 4-byte address family in network byte order. */
    public static final int LOOP = 108;
    /** Linux cooked capture v1 ("any" device of older libpcap). */
    public static final int LINUX_SLL = 113;
    /** Raw IPv4. */
    public static final int IPV4 = 228;
    /** Raw IPv6. */
    public static final int IPV6 = 229;
    /** Linux cooked capture v2 (interface index and packet type kept). */
    public static final int LINUX_SLL2 = 276;

    private LinkType() {
    }

    /** Maps the DLT_RAW aliases 12 and 14 to {@link #RAW}; other values unchanged. */
    public static int normalize(int linkType) {
        return linkType == RAW_12 || linkType == RAW_14 ? RAW : linkType;
    }

    /** True for the link types the decoder understands. */
    public static boolean isSupported(int linkType) {
        switch (normalize(linkType)) {
            case NULL, ETHERNET, RAW, LOOP, LINUX_SLL, IPV4, IPV6, LINUX_SLL2:
                return true;
            default:
                return false;
        }
    }

    /** A short name as tshark and tcpdump show it. */
    public static String name(int linkType) {
        switch (linkType) {
            case NULL: return "NULL";
            case ETHERNET: return "EN10MB";
            case PPP: return "PPP";
            case PPP_HDLC: return "PPP_SERIAL";
            case RAW_12:
            case RAW_14:
            case RAW: return "RAW";
            case LOOP: return "LOOP";
            case LINUX_SLL: return "LINUX_SLL";
            case IPV4: return "IPV4";
            case IPV6: return "IPV6";
            case LINUX_SLL2: return "LINUX_SLL2";
            default: return "LINKTYPE_" + linkType;
        }
    }
}
