package io.tunnelscope.proto.mpls;

import io.tunnelscope.proto.Flyweight;
import java.nio.ByteBuffer;

/**
 * One MPLS label stack entry (RFC 3032 section 2.1; TC as RFC 5462 names it). The stack is a run
 * of these, the last with the bottom-of-stack bit S.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Label                  | TC  |S|      TTL      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class MplsLabel extends Flyweight {
    public static final int LENGTH = 4;
    public static final int BOTTOM_OF_STACK = 0x100;

    public MplsLabel wrap(ByteBuffer buf, int off, int avail) {
        set(buf, off, avail);
        return this;
    }

    public boolean isComplete() { return available >= LENGTH; }

    private int entry() { return i32(0); }

    public int label() { return entry() >>> 12; }

    public int trafficClass() { return (entry() >>> 9) & 0x7; }

    public boolean bottomOfStack() { return (entry() & BOTTOM_OF_STACK) != 0; }

    public int ttl() { return entry() & 0xff; }

    /**
     * Bytes of the label stack starting here: four per entry up to the bottom of the stack, or,
     * when the available bytes end first, those bytes plus the entry that was still to come (more
     * than {@link #available()}: the stack does not fit).
     */
    public int stackLength() {
        int length = 0;
        while (length + LENGTH <= available) {
            length += LENGTH;
            if ((i32(length - LENGTH) & BOTTOM_OF_STACK) != 0) {
                return length;
            }
        }
        return length + LENGTH;
    }
}
