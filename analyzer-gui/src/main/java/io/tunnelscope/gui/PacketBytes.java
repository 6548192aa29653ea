package io.tunnelscope.gui;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads loaded packets' bytes where they are: mapped from their capture file on demand (a few
 * small windows, kept most recently used first), or from the store's arena for the packets that
 * are kept there. One per thread: {@link #locate(int)} points {@link #buffer()} and
 * {@link #offset()} at a packet until the next call.
 */
final class PacketBytes {
    private static final int WINDOW = 1 << 20;
    private static final int WINDOWS = 4;
    private static final long PAGE = 4096;

    /** Heap window of a sequential reader: positional reads, nothing mapped. */
    private static final int SEQUENTIAL_WINDOW = 4 << 20;

    private final PacketStore store;
    private final boolean sequential;
    /** Per file: the heap window of a sequential reader, where it starts and how much it holds. */
    private ByteBuffer[] heaps = new ByteBuffer[0];
    private long[] heapStart = new long[0];
    private int[] heapLength = new int[0];
    private ByteBuffer[] arena;
    private final MappedByteBuffer[] windows = new MappedByteBuffer[WINDOWS];
    private final int[] windowFile = new int[WINDOWS];
    private final long[] windowStart = new long[WINDOWS];
    private ByteBuffer buffer;
    private int offset;

    PacketBytes(PacketStore store) {
        this(store, false);
    }

    /**
     * With {@code sequential}, packets are read through a heap window with positional reads
     * instead of mapped windows: for a pass over every packet in file order (filter, find,
     * export), which would otherwise leave the whole file mapped and resident until the next
     * garbage collection.
     */
    PacketBytes(PacketStore store, boolean sequential) {
        this.store = store;
        this.sequential = sequential;
        this.arena = store.buffers();
    }

    /**
     * Makes packet {@code i}'s captured bytes readable at {@link #buffer()}{@code [offset(), offset() +
     * capturedLength)}.
     *
     * @throws IOException when its file cannot be read any more
     */
    void locate(int i) throws IOException {
        int length = store.capturedLength(i);
        if (store.inArena(i)) {
            int chunk = store.chunkOf(i);
            if (chunk >= arena.length) {
                arena = store.buffers(); // a live capture added a chunk
            }
            buffer = arena[chunk];
            offset = store.arenaOffsetOf(i);
            return;
        }
        int file = store.fileOf(i);
        long at = store.fileOffset(i);
        if (sequential) {
            readSequential(file, at, length);
            return;
        }
        for (int w = 0; w < WINDOWS; w++) {
            MappedByteBuffer m = windows[w];
            if (m != null && windowFile[w] == file && at >= windowStart[w]
                    && at + length <= windowStart[w] + m.limit()) {
                use(w);
                buffer = windows[0];
                offset = (int) (at - windowStart[0]);
                return;
            }
        }
        FileChannel channel = store.channel(file);
        long start = at - at % PAGE;
        long size = channel.size();
        long mapLength = Math.min(Math.max(WINDOW, at - start + length), size - start);
        if (at + length > size) {
            throw new IOException(store.files().get(file) + ": offset " + at + ": the file is shorter than when it was loaded");
        }
        MappedByteBuffer m = channel.map(FileChannel.MapMode.READ_ONLY, start, mapLength);
        System.arraycopy(windows, 0, windows, 1, WINDOWS - 1);
        System.arraycopy(windowFile, 0, windowFile, 1, WINDOWS - 1);
        System.arraycopy(windowStart, 0, windowStart, 1, WINDOWS - 1);
        windows[0] = m;
        windowFile[0] = file;
        windowStart[0] = start;
        buffer = m;
        offset = (int) (at - start);
    }

    /**
     * Reads through a heap window of the packet's file (one per file, so that a pass in time order
     * over several files does not read a window again at every change of file).
     */
    private void readSequential(int file, long at, int length) throws IOException {
        if (file >= heaps.length) {
            int n = Math.max(file + 1, store.files().size());
            heaps = java.util.Arrays.copyOf(heaps, n);
            heapStart = java.util.Arrays.copyOf(heapStart, n);
            heapLength = java.util.Arrays.copyOf(heapLength, n);
        }
        ByteBuffer heap = heaps[file];
        if (heap == null || at < heapStart[file] || at + length > heapStart[file] + heapLength[file]) {
            int window = Math.max(length, Math.max(256 << 10, SEQUENTIAL_WINDOW / Math.max(1, store.files().size())));
            if (heap == null || heap.capacity() < window) {
                heap = ByteBuffer.allocate(window);
                heaps[file] = heap;
            }
            FileChannel channel = store.channel(file);
            heap.clear();
            int got = 0;
            while (heap.hasRemaining()) {
                int n = channel.read(heap, at + got);
                if (n <= 0) {
                    break;
                }
                got += n;
            }
            if (got < length) {
                throw new IOException(store.files().get(file) + ": offset " + at
                        + ": the file is shorter than when it was loaded");
            }
            heapStart[file] = at;
            heapLength[file] = got;
        }
        buffer = heap;
        offset = (int) (at - heapStart[file]);
    }

    /** Moves window {@code w} to the front (most recently used). */
    private void use(int w) {
        if (w == 0) {
            return;
        }
        MappedByteBuffer m = windows[w];
        int f = windowFile[w];
        long s = windowStart[w];
        System.arraycopy(windows, 0, windows, 1, w);
        System.arraycopy(windowFile, 0, windowFile, 1, w);
        System.arraycopy(windowStart, 0, windowStart, 1, w);
        windows[0] = m;
        windowFile[0] = f;
        windowStart[0] = s;
    }

    ByteBuffer buffer() {
        return buffer;
    }

    int offset() {
        return offset;
    }

    /** A copy of packet {@code i}'s captured bytes (the detail pane's hex dump, an export). */
    byte[] copy(int i) throws IOException {
        locate(i);
        byte[] out = new byte[store.capturedLength(i)];
        buffer.get(offset, out, 0, out.length);
        return out;
    }
}
