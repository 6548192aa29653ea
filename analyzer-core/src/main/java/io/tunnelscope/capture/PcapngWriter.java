package io.tunnelscope.capture;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a pcapng file: one Section Header Block, one Interface Description Block per interface
 * ({@code if_name}, {@code if_description}, {@code if_tsresol} 9 = nanoseconds, the link type as
 * given), then an Enhanced Packet Block per packet. Little-endian. The stream is flushed at least
 * once a second while packets are written, and on {@link #flush()}: what a reader opens after a
 * flush ends on a block boundary.
 *
 * <p>Not thread-safe: one thread writes.
 */
public final class PcapngWriter implements Closeable, Flushable {
    private static final int SHB_USERAPPL = 4;
    private static final long FLUSH_EVERY_NANOS = 1_000_000_000L;

    private final OutputStream out;
    private final int interfaceCount;
    private ByteBuffer block = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private long packets;
    private long lastFlush = System.nanoTime();
    private boolean closed;

    /**
     * Creates (or truncates) {@code path} and writes the section header and the interfaces, whose
     * position in the list is the interface id packets refer to.
     */
    public PcapngWriter(Path path, List<CaptureInterface> interfaces) throws IOException {
        this(Files.newOutputStream(path), interfaces);
    }

    /** As {@link #PcapngWriter(Path, List)} with comments on the section ({@code opt_comment}). */
    public PcapngWriter(Path path, List<CaptureInterface> interfaces, List<String> sectionComments)
            throws IOException {
        this(Files.newOutputStream(path), interfaces, sectionComments);
    }

    /** As {@link #PcapngWriter(Path, List)} onto a stream, which {@link #close()} closes. */
    public PcapngWriter(OutputStream stream, List<CaptureInterface> interfaces) throws IOException {
        this(stream, interfaces, List.of());
    }

    /** As {@link #PcapngWriter(Path, List, List)} onto a stream, which {@link #close()} closes. */
    public PcapngWriter(OutputStream stream, List<CaptureInterface> interfaces, List<String> sectionComments)
            throws IOException {
        this.out = new BufferedOutputStream(stream, 1 << 16);
        this.interfaceCount = interfaces.size();
        boolean ok = false;
        try {
            writeSectionHeader(sectionComments);
            for (CaptureInterface iface : interfaces) {
                writeInterface(iface);
            }
            out.flush();
            ok = true;
        } finally {
            if (!ok) {
                out.close();
            }
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
                      int originalLength) throws IOException {
        write(interfaceId, timestampNanos, data, offset, capturedLength, originalLength, null);
    }

    /** As {@link #write(int, long, ByteBuffer, int, int, int)} with a packet comment ({@code opt_comment}), or null. */
    public void write(int interfaceId, long timestampNanos, ByteBuffer data, int offset, int capturedLength,
                      int originalLength, String comment) throws IOException {
        if (closed) {
            throw new IOException("pcapng writer closed");
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
        block.putInt(capturedLength).putInt(Math.max(originalLength, capturedLength));
        block.put(block.position(), data, offset, capturedLength);
        block.position(block.position() + capturedLength);
        padTo4();
        if (comment != null) {
            option(PcapngReader.OPT_COMMENT, comment);
            endOptions();
        }
        end();
        packets++;
        long now = System.nanoTime();
        if (now - lastFlush >= FLUSH_EVERY_NANOS) {
            flush();
        }
    }

    /** Packets written so far. */
    public long packets() {
        return packets;
    }

    @Override
    public void flush() throws IOException {
        lastFlush = System.nanoTime();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            out.close();
        }
    }

    private void begin(int type) {
        block.clear();
        block.putInt(type).putInt(0); // length patched by end()
    }

    private void end() throws IOException {
        int length = block.position() + 4;
        block.putInt(length);
        block.putInt(4, length);
        out.write(block.array(), 0, length);
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
