package io.tunnelscope.collect;

import java.util.Arrays;

/**
 * A hash map from tuples of {@code width} primitive {@code long}s to objects. Callers look up
 * through a key array they refill for each lookup, so a lookup boxes and allocates nothing; a key
 * is copied only when it is put. Tuples are found by a 64-bit hash in a {@link LongObjectMap} and
 * compared in full, so tuples with equal hashes are told apart. Not thread-safe.
 */
public final class LongTupleMap<V> {
    private static final class Entry<V> {
        final long[] key;
        V value;
        Entry<V> next;

        Entry(long[] key, V value, Entry<V> next) {
            this.key = key;
            this.value = value;
            this.next = next;
        }
    }

    private final int width;
    /** Bits of the hash kept: all of them, except in tests that need tuples to collide. */
    private final long hashMask;
    private final LongObjectMap<Entry<V>> byHash = new LongObjectMap<>();
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
        this.hashMask = hashMask;
    }

    /** The value of the tuple {@code key[0..width)}, or null. */
    public V get(long[] key) {
        for (Entry<V> e = byHash.get(hash(key)); e != null; e = e.next) {
            if (same(e.key, key)) {
                return e.value;
            }
        }
        return null;
    }

    /** Maps the tuple {@code key[0..width)} (copied) to {@code value}; returns the previous value or null. */
    public V put(long[] key, V value) {
        if (value == null) {
            throw new NullPointerException("value");
        }
        long hash = hash(key);
        Entry<V> head = byHash.get(hash);
        for (Entry<V> e = head; e != null; e = e.next) {
            if (same(e.key, key)) {
                V previous = e.value;
                e.value = value;
                return previous;
            }
        }
        byHash.put(hash, new Entry<>(Arrays.copyOf(key, width), value, head));
        size++;
        return null;
    }

    public int size() {
        return size;
    }

    private long hash(long[] key) {
        long h = width;
        for (int i = 0; i < width; i++) {
            h = (h ^ key[i]) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
        }
        return h & hashMask;
    }

    private boolean same(long[] stored, long[] key) {
        for (int i = 0; i < width; i++) {
            if (stored[i] != key[i]) {
                return false;
            }
        }
        return true;
    }
}
