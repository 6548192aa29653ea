package io.tunnelscope.proto.loopback;

import io.tunnelscope.proto.Flyweight;
import java.nio.ByteBuffer;

/**
 * BSD loopback header (LINKTYPE_NULL and LINKTYPE_LOOP, tcpdump.org/linktypes/LINKTYPE_NULL.html):
 * a 4-byte address family. LINKTYPE_LOOP writes it in network byte order; LINKTYPE_NULL in the
 * capturing host's order, so {@link #addressFamily(boolean)} detects the order by value: the AF_
 * values are small, so the order whose upper 16 bits are zero is taken.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Address family                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS).
 */
public final class LoopbackHeader extends Flyweight {
    public static final int FAMILY_OFFSET = 0;
    public static final int LENGTH = 4;

    public static final int AF_INET = 2;
    public static final int AF_INET6_BSD = 24;
    public static final int AF_INET6_FREEBSD = 28;
    public static final int AF_INET6_DARWIN = 30;

    public LoopbackHeader wrap(ByteBuffer buf, int off, int avail) {
        set(buf, off, avail);
        return this;
    }

    public boolean isComplete() { return available >= LENGTH; }

    /**
     * The address family.
     *
     * @param networkOrder true for LINKTYPE_LOOP (always big-endian); false to detect the order
     */
    public int addressFamily(boolean networkOrder) {
        int be = i32(FAMILY_OFFSET);
        if (networkOrder || (be & 0xffff0000) == 0) {
            return be;
        }
        return Integer.reverseBytes(be);
    }

    /** 4 for AF_INET, 6 for the AF_INET6 values, 0 otherwise. */
    public static int ipVersion(int family) {
        switch (family) {
            case AF_INET: return 4;
            case AF_INET6_BSD, AF_INET6_FREEBSD, AF_INET6_DARWIN: return 6;
            default: return 0;
        }
    }
}
