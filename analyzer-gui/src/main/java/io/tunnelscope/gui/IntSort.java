package io.tunnelscope.gui;

/** A stable merge sort of {@code int} indexes by a primitive comparator: no boxing for 2 million rows. */
final class IntSort {
    interface IntComparator {
        int compare(int a, int b);
    }

    private IntSort() {
    }

    static int[] sorted(int[] in, IntComparator cmp) {
        int[] a = in.clone();
        int[] tmp = new int[a.length];
        for (int width = 1; width < a.length; width *= 2) {
            for (int lo = 0; lo < a.length - width; lo += 2 * width) {
                int mid = lo + width;
                int hi = Math.min(lo + 2 * width, a.length);
                if (cmp.compare(a[mid - 1], a[mid]) <= 0) {
                    continue;
                }
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    tmp[k++] = cmp.compare(a[j], a[i]) < 0 ? a[j++] : a[i++];
                }
                while (i < mid) {
                    tmp[k++] = a[i++];
                }
                while (j < hi) {
                    tmp[k++] = a[j++];
                }
                System.arraycopy(tmp, lo, a, lo, hi - lo);
            }
        }
        return a;
    }
}
