package io.tunnelscope.gui;

import java.util.AbstractList;
import java.util.Arrays;
import javafx.collections.ObservableListBase;

/**
 * The rows of the packet table: an {@code int[]} of packet indexes behind an observable list, so
 * the table holds no object per packet; {@link #get(int)} boxes an index only for rows on screen.
 * A live capture appends rows in batches ({@link #append}).
 */
final class IndexList extends ObservableListBase<Integer> {
    private int[] indexes = new int[0];
    private int size;

    @Override
    public Integer get(int row) {
        if (row < 0 || row >= size) {
            throw new IndexOutOfBoundsException(row);
        }
        return indexes[row];
    }

    @Override
    public int size() {
        return size;
    }

    /** The rows' packet indexes (a copy when the backing array has spare room). */
    int[] indexes() {
        return size == indexes.length ? indexes : Arrays.copyOf(indexes, size);
    }

    /** The row showing packet {@code packet}, or -1. */
    int rowOf(int packet) {
        for (int r = 0; r < size; r++) {
            if (indexes[r] == packet) {
                return r;
            }
        }
        return -1;
    }

    /** Replaces every row. */
    void set(int[] newIndexes) {
        int[] old = indexes;
        int oldSize = size;
        indexes = newIndexes;
        size = newIndexes.length;
        beginChange();
        if (oldSize > 0) {
            nextRemove(0, new AbstractList<Integer>() {
                @Override
                public Integer get(int i) {
                    return old[i];
                }

                @Override
                public int size() {
                    return oldSize;
                }
            });
        }
        if (size > 0) {
            nextAdd(0, size);
        }
        endChange();
    }

    /** Adds rows {@code more[0, n)} at the end (one change event for the batch). */
    void append(int[] more, int n) {
        if (n <= 0) {
            return;
        }
        if (size + n > indexes.length) {
            indexes = Arrays.copyOf(indexes, Math.max(size + n, indexes.length * 2 + 16));
        }
        System.arraycopy(more, 0, indexes, size, n);
        int from = size;
        size += n;
        beginChange();
        nextAdd(from, size);
        endChange();
    }
}
