package io.tunnelscope.capture;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.zip.ZipException;

/**
 * Forward-only random access to the (uncompressed) bytes of a capture file: {@link #ensure} makes
 * a range addressable in {@link #buf}, whose index 0 is file offset {@link #base}. The buffer is
 * big-endian and replaced only when a window is re-mapped or the stream buffer grows.
 */
abstract class ByteInput implements Closeable {
    /** Big-endian view holding the ensured range; index 0 is file offset {@link #base}. */
    ByteBuffer buf;
    /** File offset of {@code buf} index 0. */
    long base;

    /**
     * Makes {@code [pos, pos + len)} addressable in {@link #buf}. Positions must not go backwards
     * past an earlier ensured position.
     *
     * @return bytes available from {@code pos}, up to {@code len}; less only at the end of input
     */
    abstract int ensure(long pos, int len) throws IOException;

    /** Size of the uncompressed input, or -1 when unknown (a stream). */
    abstract long size();

    /** Index of file offset {@code pos} in {@link #buf}, valid after {@link #ensure}. */
    final int index(long pos) {
        return (int) (pos - base);
    }

    /** A file memory-mapped in windows, so files larger than 2 GiB work. */
    static final class Mapped extends ByteInput {
        /**
         * 8 MiB: a window is unmapped only when the collector frees its buffer, and a small one
         * is read through before it leaves the young generation. With 256 MiB windows the
         * throughput collector kept them mapped until its rare full collections, and analysing a
         * 10 GB capture showed 8.9 GB resident (mapped page cache) instead of 1.7 GB.
         */
        static final int DEFAULT_WINDOW = 8 << 20;
        private static final long PAGE = 4096;

        private final FileChannel channel;
        private final long size;
        private final int window;

        Mapped(FileChannel channel, int window) throws IOException {
            this.channel = channel;
            this.size = channel.size();
            this.window = window;
            this.buf = ByteBuffer.allocate(0);
            this.base = 0;
        }

        @Override
        int ensure(long pos, int len) throws IOException {
            if (pos >= size) {
                return 0;
            }
            int avail = (int) Math.min(len, size - pos);
            if (pos >= base && pos + avail <= base + buf.limit()) {
                return avail;
            }
            long start = pos - (pos % PAGE);
            long mapLen = Math.min(Math.max((long) window, pos - start + avail), size - start);
            buf = channel.map(FileChannel.MapMode.READ_ONLY, start, mapLen);
            base = start;
            return avail;
        }

        @Override
        long size() {
            return size;
        }

        @Override
        public void close() throws IOException {
            buf = null;
            channel.close();
        }
    }

    /** Bytes already in memory (tests and fuzzing): behaves as a mapped file of that size. */
    static final class Heap extends ByteInput {
        private final long size;

        Heap(byte[] data) {
            this.buf = ByteBuffer.wrap(data);
            this.base = 0;
            this.size = data.length;
        }

        @Override
        int ensure(long pos, int len) {
            if (pos >= size) {
                return 0;
            }
            return (int) Math.min(len, size - pos);
        }

        @Override
        long size() {
            return size;
        }

        @Override
        public void close() {
            // nothing to release
        }
    }

    /**
     * A stream (gzip-decompressed) read into one reusable array that grows only when a record
     * needs it and the stream has the bytes, up to {@code cap} bytes.
     */
    static final class Streamed extends ByteInput {
        private static final int INITIAL = 64 << 10;

        private final String name;
        private final InputStream in;
        private final int cap;
        private byte[] array;
        private int limit;
        private boolean eof;

        Streamed(String name, InputStream in, int cap) {
            this.name = name;
            this.in = in;
            this.cap = cap;
            this.array = new byte[Math.min(INITIAL, cap)];
            this.buf = ByteBuffer.wrap(array);
        }

        @Override
        int ensure(long pos, int len) throws IOException {
            if (pos < base) {
                throw new IllegalStateException("stream input cannot go back to " + pos);
            }
            if (len > cap) {
                throw new IllegalArgumentException("range " + len + " exceeds the buffer cap " + cap);
            }
            if (pos + len <= base + limit) {
                return len;
            }
            long start = pos - base;
            if (start >= limit) {
                skip(start - limit);
                limit = 0;
            } else if (start > 0) {
                System.arraycopy(array, (int) start, array, 0, limit - (int) start);
                limit -= (int) start;
            }
            base = pos;
            while (limit < len && !eof) {
                if (limit == array.length) {
                    // Grow only as data arrives: a length field claiming megabytes that are not
                    // there allocates nothing (len <= cap, so this ends at the cap).
                    array = Arrays.copyOf(array, (int) Math.min(cap, 2L * array.length));
                    buf = ByteBuffer.wrap(array);
                }
                int n = read(array, limit, array.length - limit);
                if (n < 0) {
                    eof = true;
                } else {
                    limit += n;
                }
            }
            return Math.min(limit, len);
        }

        private void skip(long n) throws IOException {
            while (n > 0 && !eof) {
                int got = read(array, 0, (int) Math.min(n, array.length));
                if (got < 0) {
                    eof = true;
                } else {
                    n -= got;
                }
            }
        }

        private int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (EOFException e) {
                throw new CaptureFormatException(name, base + limit, "truncated gzip stream");
            } catch (ZipException e) {
                throw new CaptureFormatException(name, base + limit, "corrupt gzip stream (" + e.getMessage() + ")");
            }
        }

        @Override
        long size() {
            return -1;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
