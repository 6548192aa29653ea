package io.tunnelscope.correlate;

/**
 * Which underlay points saw a tunnel packet, by its outer header alone (outer source, destination,
 * IP ID and UDP source port): a packet damaged on the way has a new identity (its payload digest
 * changed) but the same outer header, so the receiver did get it. Keeps a few windows of packets,
 * in primitive arrays (an open-addressing table of key to point mask and last time, and a ring of
 * sightings by age): nothing is allocated per packet once the arrays have grown.
 */
final class OuterSightings {
    private final long keepNanos;
    private final int maxSightings;
    private long forgottenEarly;

    /**
     * The table: {@value #STRIDE} longs per slot (key, point mask, last time) side by side, so a
     * probe reads one cache line; a slot is free when its mask is 0 (a used one has a point).
     */
    private static final int STRIDE = 3;
    private long[] table = new long[1024 * STRIDE];
    private int tableMask = 1023;
    private int size;

    private long[] ringTime = new long[1024];
    private long[] ringKey = new long[1024];
    private int head;
    private int count;

    /** Keeps sightings for {@code keepNanos}, at most {@code maxSightings} (the oldest go first). */
    OuterSightings(long keepNanos, int maxSightings) {
        this.keepNanos = keepNanos;
        this.maxSightings = Math.max(1, maxSightings);
    }

    /** Sightings dropped before their time because {@code maxSightings} were kept. */
    long forgottenEarly() {
        return forgottenEarly;
    }

    static long key(Observation o) {
        long h = o.outerSrcLow * 0x9E3779B97F4A7C15L ^ o.outerSrcHigh;
        h = (h ^ o.outerDstLow) * 0xBF58476D1CE4E5B9L ^ o.outerDstHigh;
        h = (h ^ o.outerIpId) * 0x94D049BB133111EBL;
        return h ^ o.outerSourcePort ^ (h >>> 29);
    }

    void add(Observation o) {
        if (!o.encapsulated() || o.point >= 64) {
            return;
        }
        long oldest = o.adjustedNanos - keepNanos;
        int ringMask = ringTime.length - 1;
        while (count > 0 && (ringTime[head] < oldest || count >= maxSightings)) {
            if (ringTime[head] >= oldest) {
                forgottenEarly++;
            }
            long old = ringKey[head];
            long at = ringTime[head];
            head = (head + 1) & ringMask;
            count--;
            int slot = find(old);
            if (slot >= 0 && table[slot * STRIDE + 2] <= at) {
                removeAt(slot);
            }
        }
        long key = key(o);
        int at = findOrInsert(key) * STRIDE;
        table[at + 1] |= 1L << o.point;
        table[at + 2] = o.adjustedNanos;
        if (count == ringTime.length) {
            growRing();
        }
        int tail = (head + count) & (ringTime.length - 1);
        ringTime[tail] = o.adjustedNanos;
        ringKey[tail] = key;
        count++;
    }

    /** Whether {@code point} saw a tunnel packet with the same outer header as {@code sent}. */
    boolean seen(Observation sent, int point) {
        if (point >= 64) {
            return false;
        }
        int slot = find(key(sent));
        return slot >= 0 && (table[slot * STRIDE + 1] & (1L << point)) != 0;
    }

    private static int home(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    private int find(long key) {
        long[] t = table;
        int i = home(key) & tableMask;
        while (t[i * STRIDE + 1] != 0) {
            if (t[i * STRIDE] == key) {
                return i;
            }
            i = (i + 1) & tableMask;
        }
        return -1;
    }

    /**
     * The slot of {@code key}, taking a free one (its mask still 0: the caller sets a point at
     * once) when the key is new; one probe unless the table must grow first.
     */
    private int findOrInsert(long key) {
        int i = home(key) & tableMask;
        while (table[i * STRIDE + 1] != 0) {
            if (table[i * STRIDE] == key) {
                return i;
            }
            i = (i + 1) & tableMask;
        }
        if (size + 1 > (tableMask + 1 >> 1) + (tableMask + 1 >> 2)) {
            growTable();
            i = home(key) & tableMask;
            while (table[i * STRIDE + 1] != 0) {
                i = (i + 1) & tableMask;
            }
        }
        table[i * STRIDE] = key;
        table[i * STRIDE + 2] = 0;
        size++;
        return i;
    }

    private void removeAt(int gap) {
        int i = gap;
        while (true) {
            i = (i + 1) & tableMask;
            if (table[i * STRIDE + 1] == 0) {
                break;
            }
            int home = home(table[i * STRIDE]) & tableMask;
            if (((i - home) & tableMask) >= ((i - gap) & tableMask)) {
                System.arraycopy(table, i * STRIDE, table, gap * STRIDE, STRIDE);
                gap = i;
            }
        }
        table[gap * STRIDE] = 0;
        table[gap * STRIDE + 1] = 0;
        table[gap * STRIDE + 2] = 0;
        size--;
    }

    private void growTable() {
        long[] old = table;
        int capacity = (tableMask + 1) * 2;
        table = new long[capacity * STRIDE];
        tableMask = capacity - 1;
        for (int j = 0; j < old.length; j += STRIDE) {
            if (old[j + 1] != 0) {
                int i = home(old[j]) & tableMask;
                while (table[i * STRIDE + 1] != 0) {
                    i = (i + 1) & tableMask;
                }
                System.arraycopy(old, j, table, i * STRIDE, STRIDE);
            }
        }
    }

    private void growRing() {
        int capacity = ringTime.length * 2;
        long[] t = new long[capacity];
        long[] k = new long[capacity];
        for (int n = 0; n < count; n++) {
            int from = (head + n) & (ringTime.length - 1);
            t[n] = ringTime[from];
            k[n] = ringKey[from];
        }
        ringTime = t;
        ringKey = k;
        head = 0;
    }
}
