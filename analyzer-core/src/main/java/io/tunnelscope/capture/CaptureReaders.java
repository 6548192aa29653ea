package io.tunnelscope.capture;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPInputStream;

/** Opens capture files, recognising the format by its magic number rather than its name. */
public final class CaptureReaders {
    /** Largest record or block accepted; longer lengths are treated as broken framing. */
    public static final int MAX_RECORD = 16 << 20;
    /** Largest pcapng block accepted: a maximal record plus headers and options. */
    static final int MAX_BLOCK = MAX_RECORD + (64 << 10);

    static final int PCAP_MICRO = 0xA1B2C3D4;
    static final int PCAP_NANO = 0xA1B23C4D;
    static final int PCAPNG_SHB = 0x0A0D0D0A;

    private CaptureReaders() {
    }

    /**
     * Opens {@code path}: classic pcap (either byte order, micro- or nanosecond), pcapng, or
     * either of them gzip-compressed. Messages name the file as {@code path.toString()}.
     *
     * @throws CaptureFormatException when the file is empty or not a capture file
     */
    public static CaptureReader open(Path path) throws IOException {
        return open(path, path.toString(), ByteInput.Mapped.DEFAULT_WINDOW);
    }

    /**
     * As {@link #open(Path)}, with messages naming the file {@code name}: what the user knows it
     * by, e.g. {@code -} for standard input that was spooled to {@code path}.
     */
    public static CaptureReader open(Path path, String name) throws IOException {
        return open(path, name, ByteInput.Mapped.DEFAULT_WINDOW);
    }

    /**
     * As {@link #open(Path)}, but reading the file through a buffer instead of mapping it: for a
     * pass that allocates nothing while it reads a large file, whose spent mapped windows would stay
     * mapped (and resident) until the next garbage collection. Gzip files are read as by
     * {@link #open(Path)}.
     */
    public static CaptureReader openBuffered(Path path) throws IOException {
        return open(path, BUFFERED);
    }

    /** As {@link #openBuffered(Path)}, with messages naming the file {@code name}. */
    public static CaptureReader openBuffered(Path path, String name) throws IOException {
        return open(path, name, BUFFERED);
    }

    /** The window size that means: read through a buffer, do not map. */
    private static final int BUFFERED = 0;

    /**
     * As {@link #open(Path)}, mapping uncompressed files in windows of {@code window} bytes (or
     * reading them through a buffer when {@code window} is {@link #BUFFERED}).
     */
    static CaptureReader open(Path path, int window) throws IOException {
        return open(path, path.toString(), window);
    }

    private static CaptureReader open(Path path, String name, int window) throws IOException {
        if (window != BUFFERED && window < 4096) {
            throw new IllegalArgumentException("window " + window + " below 4096 bytes");
        }
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        ByteInput in = null;
        boolean opened = false;
        try {
            if (channel.size() == 0) {
                throw new CaptureFormatException(name, 0, "empty file");
            }
            ByteBuffer head = ByteBuffer.allocate(2);
            while (head.hasRemaining() && channel.read(head, head.position()) > 0) {
                // fill
            }
            CaptureReader reader;
            if (head.position() == 2 && isGzip(head.get(0), head.get(1))) {
                reader = openStreamed(name, new BufferedInputStream(Channels.newInputStream(channel), 1 << 16), true);
            } else if (window == BUFFERED) {
                reader = openStreamed(name, new BufferedInputStream(Channels.newInputStream(channel), 1 << 16), false);
            } else {
                in = new ByteInput.Mapped(channel, window);
                reader = open(name, in);
            }
            opened = true;
            return reader;
        } finally {
            if (!opened) {
                if (in != null) {
                    in.close();
                }
                channel.close();
            }
        }
    }

    /**
     * As {@link #open(Path)} for a file already in memory (gzip-compressed or not), named
     * {@code name} in messages: the fuzz tests' entry, reading the same way as from a file.
     */
    static CaptureReader open(String name, byte[] data) throws IOException {
        if (data.length == 0) {
            throw new CaptureFormatException(name, 0, "empty file");
        }
        if (data.length >= 2 && isGzip(data[0], data[1])) {
            return openStreamed(name, new java.io.ByteArrayInputStream(data), true);
        }
        return open(name, new ByteInput.Heap(data));
    }

    /**
     * Opens a capture arriving on a stream: standard input, a pipe or FIFO, a socket, e.g. the
     * output of {@code tcpdump -U -w -} or {@code ssh node tcpdump -U -w -}. Classic pcap (either
     * byte order, micro- or nanosecond), pcapng (any number of sections), or either of them
     * gzip-compressed, recognised by the magic number.
     *
     * <p>Reading is incremental: a packet is returned as soon as its record has arrived, and only
     * the current record (at most {@link #MAX_RECORD} bytes plus its block) is held in memory, so
     * a stream of any length can be read. The reader owns {@code in} and closes it on
     * {@link CaptureReader#close()}. Messages ({@link CaptureFormatException}) name the input
     * {@code name} and the offset in the (uncompressed) stream; a stream that ends inside a record
     * is a truncated record at that record's offset, after every whole packet before it.
     *
     * @param name what messages call the input, e.g. {@code "-"} or {@code "node1: tcpdump"}
     * @throws CaptureFormatException when the stream is empty or does not start as a capture
     */
    public static CaptureReader open(String name, InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        boolean opened = false;
        try {
            buffered.mark(2);
            int first = buffered.read();
            int second = first < 0 ? -1 : buffered.read();
            buffered.reset();
            if (first < 0) {
                throw new CaptureFormatException(name, 0, "empty stream");
            }
            CaptureReader reader = openStreamed(name, buffered, isGzip((byte) first, (byte) second));
            opened = true;
            return reader;
        } finally {
            if (!opened) {
                buffered.close();
            }
        }
    }

    private static boolean isGzip(byte first, byte second) {
        return (first & 0xFF) == 0x1F && (second & 0xFF) == 0x8B;
    }

    /**
     * Reads {@code stream} front to back as the capture {@code name}, through gzip when
     * {@code gzip}; closes the stream when that fails.
     */
    private static CaptureReader openStreamed(String name, InputStream stream, boolean gzip) throws IOException {
        boolean opened = false;
        try {
            InputStream source = stream;
            if (gzip) {
                try {
                    source = new GZIPInputStream(stream, 1 << 16);
                } catch (java.io.EOFException | java.util.zip.ZipException e) {
                    throw new CaptureFormatException(name, 0, "corrupt gzip header");
                }
            }
            CaptureReader reader = open(name, new ByteInput.Streamed(name, source, MAX_BLOCK));
            opened = true;
            return reader;
        } finally {
            if (!opened) {
                stream.close();
            }
        }
    }

    private static CaptureReader open(String name, ByteInput in) throws IOException {
        int got = in.ensure(0, 4);
        if (got == 0) {
            throw new CaptureFormatException(name, 0, "empty file");
        }
        if (got < 4) {
            throw new CaptureFormatException(name, 0, "truncated file header (" + got + " of 4 magic bytes)");
        }
        int magic = in.buf.getInt(in.index(0));
        if (magic == PCAP_MICRO || magic == Integer.reverseBytes(PCAP_MICRO)) {
            return new PcapReader(name, in, magic == PCAP_MICRO, false);
        }
        if (magic == PCAP_NANO || magic == Integer.reverseBytes(PCAP_NANO)) {
            return new PcapReader(name, in, magic == PCAP_NANO, true);
        }
        if (magic == PCAPNG_SHB) {
            return new PcapngReader(name, in);
        }
        throw new CaptureFormatException(name, 0, String.format("not a capture file (magic 0x%08x)", magic));
    }
}
