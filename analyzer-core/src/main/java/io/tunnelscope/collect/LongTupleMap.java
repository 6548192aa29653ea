package io.tunnelscope.collect;

import java.util.Arrays;

/**
 * A hash map from tuples of {@code width} primitive {@code long}s to objects. Callers look up
 * through a key array they refill for each lookup, so a lookup boxes and allocates nothing; a key
 * is copied only when it is put. The tuples live inline in one {@code long[]} (open addressing,
 * linear probing), each slot its 64-bit hash followed by the tuple, so a lookup reads one stretch
 * of memory for the key and one reference for the value; tuples with equal hashes are compared
 * in full and told apart. Not thread-safe.
 */
public final class LongTupleMap<V> {
    /** The hash field of a free slot; a tuple whose hash is this is stored under {@link #ZERO_HASH}. */
    private static final long FREE = 0;
    private static final long ZERO_HASH = 0x8000_0000_0000_0001L;

    private final int width;
    private final int stride;
    /** Bits of the hash kept: all of them, except in tests that need tuples to collide. */
    private final long hashMask;
    /** Slot {@code s} at {@code s * stride}: its hash (FREE when free), then the tuple. */
    private long[] slots;
    private Object[] values;
    private int mask;
    private int size;

    /** A map whose keys are the first {@code width} elements of the arrays passed. */
    public LongTupleMap(int width) {
        this(width, -1L);
    }

    LongTupleMap(int width, long hashMask) {
        if (width < 1) {
            throw new IllegalArgumentException("width " + width);
        }
        this.width = width;
        this.stride = width + 1;
        this.hashMask = hashMask;
        allocate(16);
    }

    private void allocate(int capacity) {
        slots = new long[capacity * stride];
        values = new Object[capacity];
        mask = capacity - 1;
    }

    /** The value of the tuple {@code key[0..width)}, or null. */
    @SuppressWarnings("unchecked")
    public V get(long[] key) {
        long hash = hash(key);
        for (int s = start(hash); ; s = (s + 1) & mask) {
            long h = slots[s * stride];
            if (h == FREE) {
                return null;
            }
            if (h == hash && same(s, key)) {
                return (V) values[s];
            }
        }
    }

    /** Maps the tuple {@code key[0..width)} (copied) to {@code value}; returns the previous value or null. */
    @SuppressWarnings("unchecked")
    public V put(long[] key, V value) {
        if (value == null) {
            throw new NullPointerException("value");
        }
        long hash = hash(key);
        int s = start(hash);
        for (; ; s = (s + 1) & mask) {
            long h = slots[s * stride];
            if (h == FREE) {
                break;
            }
            if (h == hash && same(s, key)) {
                V previous = (V) values[s];
                values[s] = value;
                return previous;
            }
        }
        if ((size + 1) * 2 > values.length) {
            grow();
            s = start(hash);
            while (slots[s * stride] != FREE) {
                s = (s + 1) & mask;
            }
        }
        int at = s * stride;
        slots[at] = hash;
        System.arraycopy(key, 0, slots, at + 1, width);
        values[s] = value;
        size++;
        return null;
    }

    public int size() {
        return size;
    }

    private void grow() {
        long[] oldSlots = slots;
        Object[] oldValues = values;
        allocate(oldValues.length * 2);
        for (int o = 0; o < oldValues.length; o++) {
            long hash = oldSlots[o * stride];
            if (hash == FREE) {
                continue;
            }
            int s = start(hash);
            while (slots[s * stride] != FREE) {
                s = (s + 1) & mask;
            }
            System.arraycopy(oldSlots, o * stride, slots, s * stride, stride);
            values[s] = oldValues[o];
        }
    }

    private int start(long hash) {
        return (int) (hash ^ (hash >>> 29) ^ (hash >>> 47)) & mask;
    }

    private long hash(long[] key) {
        long h = width;
        for (int i = 0; i < width; i++) {
            h = (h ^ key[i]) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
        }
        h &= hashMask;
        return h == FREE ? ZERO_HASH : h;
    }

    private boolean same(int slot, long[] key) {
        return Arrays.equals(slots, slot * stride + 1, slot * stride + 1 + width, key, 0, width);
    }
}
