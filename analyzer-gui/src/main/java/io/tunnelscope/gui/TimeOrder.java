package io.tunnelscope.gui;

/**
 * The packets of every loaded file in one time order, the order the list numbers them in (the
 * {@code No.} column). Files are loaded one after the other, each in its own order: a file whose
 * timestamps never go back needs no sorting, and files in order are merged, not sorted; one file
 * in order is already the time order. Ties keep file order, then the files' order.
 */
final class TimeOrder {
    private TimeOrder() {
    }

    /** Packets {@code 0..n-1} in that order: one file in order, or its part loaded so far. */
    static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    /** The time order of the store's packets; {@code sorted[f]}: file {@code f}'s timestamps never go back. */
    static int[] of(PacketStore store, boolean[] sorted) {
        int n = store.size();
        int files = store.fileStart().length;
        int[] order = identity(n);
        if (files == 0) {
            return order;
        }
        int[] start = new int[files + 1];
        for (int f = 0; f < files; f++) {
            start[f] = store.fileStart()[f];
        }
        start[files] = n;
        for (int f = 0; f < files; f++) {
            if (!sorted[f]) {
                int[] run = java.util.Arrays.copyOfRange(order, start[f], start[f + 1]);
                int[] inOrder = IntSort.sorted(run, (a, b) -> Long.compare(store.timestamp(a), store.timestamp(b)));
                System.arraycopy(inOrder, 0, order, start[f], inOrder.length);
            }
        }
        if (files == 1) {
            return order;
        }
        return merge(store, order, start);
    }

    /** Merges the files' runs of {@code runs} (file {@code f} at {@code start[f]..start[f+1]}) by time. */
    private static int[] merge(PacketStore store, int[] runs, int[] start) {
        int files = start.length - 1;
        int[] at = new int[files];
        for (int f = 0; f < files; f++) {
            at[f] = start[f];
        }
        int[] out = new int[runs.length];
        // A binary heap of file numbers keyed by the time of each file's next packet.
        int[] heap = new int[files];
        int size = 0;
        for (int f = 0; f < files; f++) {
            if (at[f] < start[f + 1]) {
                heap[size] = f;
                up(heap, size++, store, runs, at);
            }
        }
        int k = 0;
        while (size > 0) {
            int f = heap[0];
            out[k++] = runs[at[f]++];
            if (at[f] < start[f + 1]) {
                down(heap, size, store, runs, at);
            } else {
                heap[0] = heap[--size];
                down(heap, size, store, runs, at);
            }
        }
        return out;
    }

    private static boolean before(int a, int b, PacketStore store, int[] runs, int[] at) {
        long ta = store.timestamp(runs[at[a]]);
        long tb = store.timestamp(runs[at[b]]);
        return ta < tb || ta == tb && a < b;
    }

    private static void up(int[] heap, int i, PacketStore store, int[] runs, int[] at) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!before(heap[i], heap[parent], store, runs, at)) {
                return;
            }
            int t = heap[i];
            heap[i] = heap[parent];
            heap[parent] = t;
            i = parent;
        }
    }

    private static void down(int[] heap, int size, PacketStore store, int[] runs, int[] at) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            int smallest = i;
            if (l < size && before(heap[l], heap[smallest], store, runs, at)) {
                smallest = l;
            }
            if (l + 1 < size && before(heap[l + 1], heap[smallest], store, runs, at)) {
                smallest = l + 1;
            }
            if (smallest == i) {
                return;
            }
            int t = heap[i];
            heap[i] = heap[smallest];
            heap[smallest] = t;
            i = smallest;
        }
    }

    /** The inverse of an order: {@code number[i]} is packet {@code i}'s 1-based place in it. */
    static int[] numbers(int[] order, int size) {
        int[] number = new int[size];
        for (int k = 0; k < order.length; k++) {
            number[order[k]] = k + 1;
        }
        return number;
    }
}
