package io.tunnelscope.gui;

import java.util.AbstractList;
import javafx.collections.ObservableListBase;

/**
 * The rows of the packet table: an {@code int[]} of packet indexes behind an observable list, so
 * the table holds no object per packet; {@link #get(int)} boxes an index only for rows on screen.
 */
final class IndexList extends ObservableListBase<Integer> {
    private int[] indexes = new int[0];

    @Override
    public Integer get(int row) {
        return indexes[row];
    }

    @Override
    public int size() {
        return indexes.length;
    }

    int[] indexes() {
        return indexes;
    }

    /** Replaces every row. */
    void set(int[] newIndexes) {
        int[] old = indexes;
        indexes = newIndexes;
        beginChange();
        if (old.length > 0) {
            nextRemove(0, new AbstractList<Integer>() {
                @Override
                public Integer get(int i) {
                    return old[i];
                }

                @Override
                public int size() {
                    return old.length;
                }
            });
        }
        if (newIndexes.length > 0) {
            nextAdd(0, newIndexes.length);
        }
        endChange();
    }
}
