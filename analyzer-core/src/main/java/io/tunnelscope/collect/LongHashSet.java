package io.tunnelscope.collect;

/**
 * A set of primitive {@code long} values: open addressing with linear probing in one array, so
 * adding and testing box nothing and allocate nothing (the table grows by doubling). Not
 * thread-safe.
 */
public final class LongHashSet {
    /** Marks a free slot; the value itself is remembered by {@link #hasFree}. */
    private static final long FREE = 0;

    private long[] slots;
    private int mask;
    private int size;
    private int resizeAt;
    private boolean hasFree;

    public LongHashSet() {
        this(16);
    }

    public LongHashSet(int expected) {
        allocate(LongObjectMap.capacityFor(expected));
    }

    private void allocate(int capacity) {
        slots = new long[capacity];
        mask = capacity - 1;
        resizeAt = capacity / 2 + capacity / 4;
    }

    /** Adds {@code value}; true when it was not in the set yet. */
    public boolean add(long value) {
        if (value == FREE) {
            if (hasFree) {
                return false;
            }
            hasFree = true;
            size++;
            return true;
        }
        int i = slotFor(value);
        if (slots[i] == value) {
            return false;
        }
        slots[i] = value;
        if (++size > resizeAt) {
            grow();
        }
        return true;
    }

    public boolean contains(long value) {
        if (value == FREE) {
            return hasFree;
        }
        return slots[slotFor(value)] == value;
    }

    /** The slot holding {@code value} (not {@link #FREE}), or the free slot where it would go. */
    private int slotFor(long value) {
        int i = LongObjectMap.slot(value) & mask;
        long v;
        while ((v = slots[i]) != FREE && v != value) {
            i = (i + 1) & mask;
        }
        return i;
    }

    public int size() {
        return size;
    }

    /** Gives every value of the set to {@code action}, in no particular order. */
    public void forEach(java.util.function.LongConsumer action) {
        if (hasFree) {
            action.accept(FREE);
        }
        for (long v : slots) {
            if (v != FREE) {
                action.accept(v);
            }
        }
    }

    /** The values, in no particular order (a new array). */
    public long[] toArray() {
        long[] values = new long[size];
        int n = 0;
        if (hasFree) {
            values[n++] = FREE;
        }
        for (long v : slots) {
            if (v != FREE) {
                values[n++] = v;
            }
        }
        return values;
    }

    /** Adds every value of {@code other} (to merge sets gathered apart). */
    public void addAll(LongHashSet other) {
        if (other.hasFree) {
            add(FREE);
        }
        for (long v : other.slots) {
            if (v != FREE) {
                add(v);
            }
        }
    }

    private void grow() {
        long[] old = slots;
        allocate(old.length * 2);
        for (long v : old) {
            if (v != FREE) {
                slots[slotFor(v)] = v;
            }
        }
    }
}
