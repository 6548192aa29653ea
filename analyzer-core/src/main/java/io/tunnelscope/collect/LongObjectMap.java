package io.tunnelscope.collect;

import java.util.Arrays;

/**
 * A hash map from primitive {@code long} keys to objects: open addressing with linear probing and
 * backward-shift deletion, so lookups and updates box nothing and allocate nothing (the tables
 * grow by doubling). Probes read the key array alone (key 0 marks a free slot and is kept aside),
 * so a lookup of an absent key touches one array and a present one two. Not thread-safe;
 * iteration order is unspecified.
 */
public final class LongObjectMap<V> {
    /** The key of a free slot; an entry with this key lives in {@link #zeroValue}. */
    private static final long FREE = 0;

    private long[] keys;
    private Object[] values;
    private int mask;
    /** Entries in the table (not counting the one with key 0). */
    private int used;
    private int resizeAt;
    private Object zeroValue;

    public LongObjectMap() {
        this(16);
    }

    public LongObjectMap(int expected) {
        allocate(capacityFor(expected));
    }

    /** A power-of-two table size at least twice {@code expected} (at least 4, at most 2^30). */
    static int capacityFor(int expected) {
        return Integer.highestOneBit(Math.max(4, (int) Math.min(1 << 30, expected * 2L)) - 1) << 1;
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        values = new Object[capacity];
        mask = capacity - 1;
        resizeAt = capacity / 2 + capacity / 4;
    }

    /** The home slot of {@code key} before masking: a Fibonacci multiply folded to 32 bits. */
    static int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    /** The value of {@code key}, or null. */
    @SuppressWarnings("unchecked")
    public V get(long key) {
        if (key == FREE) {
            return (V) zeroValue;
        }
        long[] k = keys;
        int i = slot(key) & mask;
        long at;
        while ((at = k[i]) != FREE) {
            if (at == key) {
                return (V) values[i];
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** Maps {@code key} to {@code value} (not null); returns the previous value or null. */
    @SuppressWarnings("unchecked")
    public V put(long key, V value) {
        if (value == null) {
            throw new NullPointerException("value");
        }
        if (key == FREE) {
            Object previous = zeroValue;
            zeroValue = value;
            return (V) previous;
        }
        int i = slot(key) & mask;
        long at;
        while ((at = keys[i]) != FREE) {
            if (at == key) {
                Object previous = values[i];
                values[i] = value;
                return (V) previous;
            }
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = value;
        if (++used > resizeAt) {
            grow();
        }
        return null;
    }

    /** Removes {@code key}; returns its value or null. */
    @SuppressWarnings("unchecked")
    public V remove(long key) {
        if (key == FREE) {
            Object previous = zeroValue;
            zeroValue = null;
            return (V) previous;
        }
        int i = slot(key) & mask;
        long at;
        while ((at = keys[i]) != FREE) {
            if (at == key) {
                Object previous = values[i];
                shiftBack(i);
                used--;
                return (V) previous;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    private void shiftBack(int gap) {
        int i = gap;
        while (true) {
            i = (i + 1) & mask;
            long key = keys[i];
            if (key == FREE) {
                break;
            }
            int home = slot(key) & mask;
            // Move the entry into the gap when its home is not within (gap, i] cyclically.
            if (((i - home) & mask) >= ((i - gap) & mask)) {
                keys[gap] = key;
                values[gap] = values[i];
                gap = i;
            }
        }
        keys[gap] = FREE;
        values[gap] = null;
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        allocate(oldKeys.length * 2);
        for (int j = 0; j < oldKeys.length; j++) {
            long key = oldKeys[j];
            if (key != FREE) {
                int i = slot(key) & mask;
                while (keys[i] != FREE) {
                    i = (i + 1) & mask;
                }
                keys[i] = key;
                values[i] = oldValues[j];
            }
        }
    }

    public int size() {
        return zeroValue == null ? used : used + 1;
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    public void clear() {
        Arrays.fill(values, null);
        Arrays.fill(keys, FREE);
        used = 0;
        zeroValue = null;
    }
}
