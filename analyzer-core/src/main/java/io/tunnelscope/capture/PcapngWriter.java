package io.tunnelscope.capture;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Writes a pcapng file: one Section Header Block, one Interface Description Block per interface
 * ({@code if_name}, {@code if_description}, {@code if_tsresol} 9 = nanoseconds, the link type as
 * given), then an Enhanced Packet Block per packet. Little-endian. Whole blocks are buffered and
 * written at least once a second while packets come, and on {@link #flush()}: what a reader opens
 * after a flush ends on a block boundary.
 *
 * <p>A write that fails (disk full, the reader of a pipe gone) ends the file at its last whole
 * block: a regular file is cut back to it, so it reads cleanly to its last packet. The failure is
 * thrown once; from then on {@link #packets()} is what the file keeps, {@link #lost()} what it
 * does not (the packets of the failed write and every later one), and {@link #failure()} says
 * why; later writes throw it again and count as lost.
 *
 * <p>Not thread-safe: one thread writes.
 */
public final class PcapngWriter implements Closeable, Flushable {
    private static final int SHB_USERAPPL = 4;
    private static final long FLUSH_EVERY_NANOS = 1_000_000_000L;
    private static final int BUFFER = 1 << 16;

    private final WritableByteChannel out;
    /** The same channel when it is a regular file that can be cut back, else null. */
    private final FileChannel file;
    private final int interfaceCount;
    private ByteBuffer block = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    /** Whole blocks not yet written, and how many of them are packets. */
    private ByteBuffer pending = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    private long pendingPackets;
    /** Bytes of whole blocks written. */
    private long written;
    private long packets;
    private long lost;
    private IOException failure;
    private long lastFlush = System.nanoTime();
    private boolean closed;

    /**
     * Creates (or truncates) {@code path} and writes the section header and the interfaces, whose
     * position in the list is the interface id packets refer to.
     */
    public PcapngWriter(Path path, List<CaptureInterface> interfaces) throws IOException {
        this(open(path), interfaces, List.of());
    }

    /** As {@link #PcapngWriter(Path, List)} with comments on the section ({@code opt_comment}). */
    public PcapngWriter(Path path, List<CaptureInterface> interfaces, List<String> sectionComments)
            throws IOException {
        this(open(path), interfaces, sectionComments);
    }

    /** As {@link #PcapngWriter(Path, List)} onto a stream, which {@link #close()} closes. */
    public PcapngWriter(OutputStream stream, List<CaptureInterface> interfaces) throws IOException {
        this(new StreamChannel(stream), interfaces, List.of());
    }

    /**
     * As {@link #PcapngWriter(OutputStream, List)}, the section header carrying
     * {@code sectionComments} as {@code opt_comment} options (e.g. {@code tunnelscope-node=node1}).
     */
    public PcapngWriter(OutputStream stream, List<CaptureInterface> interfaces, List<String> sectionComments)
            throws IOException {
        this(new StreamChannel(stream), interfaces, sectionComments);
    }

    private PcapngWriter(WritableByteChannel channel, List<CaptureInterface> interfaces, List<String> sectionComments)
            throws IOException {
        this.out = channel;
        this.file = channel instanceof FileChannel f && isRegular(f) ? f : null;
        this.interfaceCount = interfaces.size();
        boolean ok = false;
        try {
            writeSectionHeader(sectionComments);
            for (CaptureInterface iface : interfaces) {
                writeInterface(iface);
            }
            flush();
            ok = true;
        } finally {
            if (!ok) {
                out.close();
            }
        }
    }

    private static WritableByteChannel open(Path path) throws IOException {
        return FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** A regular file has a size it can be cut back to; a FIFO or device does not. */
    private static boolean isRegular(FileChannel channel) {
        try {
            channel.size();
            channel.position();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A stream as a channel of heap buffers that advances a buffer only past bytes the stream
     * took (a failed write leaves it where it was, so the blocks counted as kept were sent).
     */
    private static final class StreamChannel implements WritableByteChannel {
        private final OutputStream stream;
        private boolean open = true;

        StreamChannel(OutputStream stream) {
            this.stream = stream;
        }

        @Override
        public int write(ByteBuffer source) throws IOException {
            int n = source.remaining();
            stream.write(source.array(), source.arrayOffset() + source.position(), n);
            source.position(source.position() + n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() throws IOException {
            open = false;
            stream.close();
        }
    }

    private void writeSectionHeader(List<String> comments) throws IOException {
        begin(PcapngReader.SHB);
        block.putInt(PcapngReader.BYTE_ORDER_MAGIC);
        block.putShort((short) 1).putShort((short) 0);
        block.putLong(-1L); // section length not given
        for (String comment : comments) {
            option(PcapngReader.OPT_COMMENT, comment);
        }
        option(SHB_USERAPPL, "Tunnelscope");
        endOptions();
        end();
    }

    private void writeInterface(CaptureInterface iface) throws IOException {
        begin(PcapngReader.IDB);
        block.putShort((short) LinkType.normalize(iface.linkType())).putShort((short) 0);
        block.putInt(Math.max(0, iface.snapLength()));
        if (iface.name() != null) {
            option(PcapngReader.IF_NAME, iface.name());
        }
        if (iface.description() != null) {
            option(PcapngReader.IF_DESCRIPTION, iface.description());
        }
        block.putShort((short) PcapngReader.IF_TSRESOL).putShort((short) 1);
        block.put((byte) 9).put((byte) 0).put((byte) 0).put((byte) 0);
        endOptions();
        end();
    }

    /** Writes {@code record} as an Enhanced Packet Block of interface {@code record.interfaceId()}. */
    public void write(PacketRecord record) throws IOException {
        write(record.interfaceId(), record.timestampNanos(), record.buffer(), record.offset(),
                record.capturedLength(), record.originalLength());
    }

    /**
     * Writes one packet: {@code data[offset, offset + capturedLength)} captured on interface
     * {@code interfaceId} (its index in the list given at creation) at {@code timestampNanos}.
     */
    public void write(int interfaceId, long timestampNanos, ByteBuffer data, int offset, int capturedLength,
                      long originalLength) throws IOException {
        write(interfaceId, timestampNanos, data, offset, capturedLength, originalLength, null);
    }

    /** As {@link #write(int, long, ByteBuffer, int, int, long)} with a packet comment ({@code opt_comment}), or null. */
    public void write(int interfaceId, long timestampNanos, ByteBuffer data, int offset, int capturedLength,
                      long originalLength, String comment) throws IOException {
        if (closed) {
            throw new IOException("pcapng writer closed");
        }
        if (failure != null) {
            lost++;
            throw failure;
        }
        if (interfaceId < 0 || interfaceId >= interfaceCount) {
            throw new IllegalArgumentException("interface " + interfaceId + " not described (" + interfaceCount
                    + " interfaces)");
        }
        if (capturedLength < 0 || capturedLength > CaptureReaders.MAX_RECORD) {
            throw new IllegalArgumentException("captured length " + capturedLength + " out of range");
        }
        ensure(32 + pad(capturedLength) + 4);
        begin(PcapngReader.EPB);
        block.putInt(interfaceId);
        block.putInt((int) (timestampNanos >>> 32)).putInt((int) timestampNanos);
        block.putInt(capturedLength).putInt((int) Math.min(Math.max(originalLength, capturedLength), 0xFFFFFFFFL));
        block.put(block.position(), data, offset, capturedLength);
        block.position(block.position() + capturedLength);
        padTo4();
        if (comment != null) {
            option(PcapngReader.OPT_COMMENT, comment);
            endOptions();
        }
        try {
            end();
        } catch (IOException e) {
            lost++;
            throw e;
        }
        pendingPackets++;
        long now = System.nanoTime();
        if (now - lastFlush >= FLUSH_EVERY_NANOS) {
            flush();
        }
    }

    /**
     * Packets written or buffered to be written; after a failure, the packets the file keeps
     * (every one before them is in it too).
     */
    public long packets() {
        return packets + pendingPackets;
    }

    /** Packets given to {@link #write} that the file does not hold because a write failed. */
    public long lost() {
        return lost;
    }

    /** Why writing stopped, or null while it works. */
    public IOException failure() {
        return failure;
    }

    /** Writes the buffered blocks; the file then ends on a block boundary. Nothing once closed. */
    @Override
    public void flush() throws IOException {
        lastFlush = System.nanoTime();
        if (failure != null) {
            throw failure;
        }
        if (!out.isOpen()) {
            return;
        }
        pending.flip();
        try {
            while (pending.hasRemaining()) {
                out.write(pending);
            }
        } catch (IOException e) {
            failed(e);
            throw e;
        }
        written += pending.limit();
        packets += pendingPackets;
        pendingPackets = 0;
        pending.clear();
    }

    /**
     * A write stopped part way through the buffer: keeps the whole blocks that made it, cuts a
     * regular file back to them, and counts the packets of the rest as lost.
     */
    private void failed(IOException e) {
        int reached = pending.position();
        int at = 0;
        long kept = 0;
        while (at + 8 <= pending.limit()) {
            int length = pending.getInt(at + 4);
            if (at + length > reached) {
                break;
            }
            if (pending.getInt(at) == PcapngReader.EPB) {
                kept++;
            }
            at += length;
        }
        if (file != null) {
            try {
                file.truncate(written + at);
            } catch (IOException cut) {
                e.addSuppressed(cut);
            }
        }
        written += at;
        packets += kept;
        lost += pendingPackets - kept;
        pendingPackets = 0;
        pending.clear();
        failure = e;
    }

    /** Writes what is buffered and closes the file; a failure of that last write is thrown. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (failure == null) {
                flush();
            }
        } finally {
            out.close();
        }
    }

    private void begin(int type) {
        block.clear();
        block.putInt(type).putInt(0); // length patched by end()
    }

    /** Closes the block being built and queues it; the buffer is written first when it is full. */
    private void end() throws IOException {
        int length = block.position() + 4;
        block.putInt(length);
        block.putInt(4, length);
        if (pending.remaining() < length) {
            flush();
            if (pending.capacity() < length) {
                pending = ByteBuffer.allocate(Integer.highestOneBit(length) << 1).order(ByteOrder.LITTLE_ENDIAN);
            }
        }
        pending.put(block.array(), 0, length);
    }

    private void option(int code, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(bytes.length, 0xFFFF);
        ensure(block.position() + 4 + pad(length) + 8);
        block.putShort((short) code).putShort((short) length);
        block.put(bytes, 0, length);
        padTo4();
    }

    private void endOptions() {
        block.putInt(0);
    }

    private void padTo4() {
        while ((block.position() & 3) != 0) {
            block.put((byte) 0);
        }
    }

    private void ensure(int capacity) {
        if (block.capacity() < capacity + 16) {
            ByteBuffer bigger = ByteBuffer.allocate(Integer.highestOneBit(capacity + 16) << 1)
                    .order(ByteOrder.LITTLE_ENDIAN);
            block.flip();
            bigger.put(block);
            block = bigger;
        }
    }

    private static int pad(int n) {
        return (n + 3) & ~3;
    }
}
