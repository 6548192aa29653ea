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

    private long[] keys = new long[1024];
    private long[] masks = new long[1024];
    private long[] times = new long[1024];
    private boolean[] used = new boolean[1024];
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
            if (slot >= 0 && times[slot] <= at) {
                removeAt(slot);
            }
        }
        long key = key(o);
        int slot = find(key);
        if (slot < 0) {
            slot = insert(key);
        }
        masks[slot] |= 1L << o.point;
        times[slot] = o.adjustedNanos;
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
        return slot >= 0 && (masks[slot] & (1L << point)) != 0;
    }

    private static int home(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    private int find(long key) {
        int i = home(key) & tableMask;
        while (used[i]) {
            if (keys[i] == key) {
                return i;
            }
            i = (i + 1) & tableMask;
        }
        return -1;
    }

    private int insert(long key) {
        if (size + 1 > (keys.length >> 1) + (keys.length >> 2)) {
            growTable();
        }
        int i = home(key) & tableMask;
        while (used[i]) {
            i = (i + 1) & tableMask;
        }
        used[i] = true;
        keys[i] = key;
        masks[i] = 0;
        times[i] = 0;
        size++;
        return i;
    }

    private void removeAt(int gap) {
        int i = gap;
        while (true) {
            i = (i + 1) & tableMask;
            if (!used[i]) {
                break;
            }
            int home = home(keys[i]) & tableMask;
            if (((i - home) & tableMask) >= ((i - gap) & tableMask)) {
                keys[gap] = keys[i];
                masks[gap] = masks[i];
                times[gap] = times[i];
                gap = i;
            }
        }
        used[gap] = false;
        size--;
    }

    private void growTable() {
        long[] oldKeys = keys;
        long[] oldMasks = masks;
        long[] oldTimes = times;
        boolean[] oldUsed = used;
        int capacity = oldKeys.length * 2;
        keys = new long[capacity];
        masks = new long[capacity];
        times = new long[capacity];
        used = new boolean[capacity];
        tableMask = capacity - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldUsed[j]) {
                int i = home(oldKeys[j]) & tableMask;
                while (used[i]) {
                    i = (i + 1) & tableMask;
                }
                used[i] = true;
                keys[i] = oldKeys[j];
                masks[i] = oldMasks[j];
                times[i] = oldTimes[j];
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
