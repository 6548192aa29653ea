package io.tunnelscope.collect;

import java.util.Arrays;

/**
 * Counts occurrences of primitive {@code long} keys, at most {@code maxKeys} distinct keys (later
 * new keys are ignored), remembering the order keys first appeared in. No boxing per count.
 */
public final class LongCounter {
    private final int maxKeys;
    private long[] keys;
    private int[] slots;
    private long[] counts;
    private int size;
    private int mask;

    public LongCounter(int maxKeys) {
        this.maxKeys = maxKeys;
        int capacity = Integer.highestOneBit(Math.max(8, maxKeys * 2) - 1) << 1;
        this.keys = new long[Math.min(maxKeys, 16)];
        this.counts = new long[keys.length];
        this.slots = new int[capacity];
        Arrays.fill(slots, -1);
        this.mask = capacity - 1;
    }

    /** Counts {@code key} once, unless it is new and {@code maxKeys} keys are counted already. */
    public void add(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        int i = (int) (h ^ (h >>> 32)) & mask;
        int at;
        while ((at = slots[i]) >= 0) {
            if (keys[at] == key) {
                counts[at]++;
                return;
            }
            i = (i + 1) & mask;
        }
        if (size >= maxKeys) {
            return;
        }
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, Math.min(maxKeys, size * 2));
            counts = Arrays.copyOf(counts, keys.length);
        }
        keys[size] = key;
        counts[size] = 1;
        slots[i] = size++;
    }

    public int size() {
        return size;
    }

    /** The {@code n}th distinct key, in the order keys first appeared. */
    public long key(int n) {
        return keys[n];
    }

    /** The count of the {@code n}th distinct key. */
    public long count(int n) {
        return counts[n];
    }
}
