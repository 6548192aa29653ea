package io.tunnelscope.gui;

import io.tunnelscope.capture.LiveCapture;
import io.tunnelscope.capture.LiveCaptureException;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.capture.PcapngWriter;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketView;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A running live capture for the viewer: the libpcap capture, the pcapng file every packet is
 * written to (the one the user chose, else a temporary file deleted on exit, so that the analysis
 * can read the capture afterwards), and the packets of the last ~100 ms waiting for the FX thread.
 *
 * <p>The capture's dispatch thread writes each packet, decodes it once for its index entry and
 * copies it into the filling {@link Batch}; the FX thread {@link #take()}s the batch on a timer and
 * appends it to the packet list in one go (double-buffered: no object per packet).
 */
final class LiveSession implements LiveCapture.Listener {
    private final LiveCapture capture;
    private final Path file;
    private final boolean temporary;
    private final PcapngWriter writer;
    private final PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
    private final PacketView view = new PacketView();
    private Batch filling = new Batch();
    private Batch spare = new Batch();
    private volatile String writeError;
    /** Completes with the final per-interface counts when the capture ended (stopped or every interface failed). */
    private final CompletableFuture<List<LiveCapture.InterfaceStats>> ended = new CompletableFuture<>();

    /** Packets decoded on the dispatch thread, waiting to be appended on the FX thread. */
    static final class Batch {
        int size;
        byte[] data = new byte[1 << 16];
        int used;
        long[] ts = new long[256];
        int[] frame = new int[256];
        int[] iface = new int[256];
        int[] offset = new int[256];
        int[] captured = new int[256];
        int[] wire = new int[256];
        int[] flags = new int[256];
        int[] vni = new int[256];
        int[] innerLength = new int[256];
        int[] proto = new int[256];

        void add(PacketRecord r, int packetFlags, int packetVni, int inner, int protoCode) {
            if (size == ts.length) {
                int n = size * 2;
                ts = Arrays.copyOf(ts, n);
                frame = Arrays.copyOf(frame, n);
                iface = Arrays.copyOf(iface, n);
                offset = Arrays.copyOf(offset, n);
                captured = Arrays.copyOf(captured, n);
                wire = Arrays.copyOf(wire, n);
                flags = Arrays.copyOf(flags, n);
                vni = Arrays.copyOf(vni, n);
                innerLength = Arrays.copyOf(innerLength, n);
                proto = Arrays.copyOf(proto, n);
            }
            int len = r.capturedLength();
            if (used + len > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, used + len));
            }
            r.buffer().get(r.offset(), data, used, len);
            int k = size++;
            ts[k] = r.timestampNanos();
            frame[k] = (int) r.frameNumber();
            iface[k] = r.interfaceId();
            offset[k] = used;
            captured[k] = len;
            wire[k] = (int) Math.min(r.originalLength(), Integer.MAX_VALUE);
            flags[k] = packetFlags;
            vni[k] = packetVni;
            innerLength[k] = inner;
            proto[k] = protoCode;
            used += len;
        }

        ByteBuffer buffer() {
            return ByteBuffer.wrap(data);
        }

        void clear() {
            size = 0;
            used = 0;
        }
    }

    /** The libpcap capture. */
    LiveCapture capture() {
        return capture;
    }

    /** The pcapng the capture is written to. */
    Path file() {
        return file;
    }

    /** Whether that file is a temporary one (the user named none). */
    boolean temporary() {
        return temporary;
    }

    /** Completes with the final per-interface counts when the capture ended (stopped or every interface failed). */
    CompletableFuture<List<LiveCapture.InterfaceStats>> ended() {
        return ended;
    }

    private LiveSession(LiveCapture capture, PcapngWriter writer, Path file, boolean temporary) {
        this.capture = capture;
        this.writer = writer;
        this.file = file;
        this.temporary = temporary;
    }

    /**
     * Opens the capture (handles active, nothing read yet) and its pcapng file.
     *
     * @param file the pcapng to write, or null for a temporary one (deleted on exit)
     * @throws LiveCaptureException with the message to show: permission, no such interface, bad filter
     * @throws IOException          when the file cannot be written
     */
    static LiveSession open(LiveCapture.Options options, Path file) throws LiveCaptureException, IOException {
        LiveCapture capture = LiveCapture.open(options);
        boolean temporary = file == null;
        Path path = file;
        try {
            if (temporary) {
                path = Files.createTempFile("tunnelscope-live-", ".pcapng");
                path.toFile().deleteOnExit();
            }
            PcapngWriter writer = new PcapngWriter(path, capture.interfaces());
            return new LiveSession(capture, writer, path, temporary);
        } catch (IOException e) {
            capture.close();
            if (temporary && path != null) {
                Files.deleteIfExists(path);
            }
            throw new IOException("cannot write " + (temporary ? "a temporary pcapng" : path) + ": " + e.getMessage(), e);
        }
    }

    /** Starts reading; packets collect in the batch from now on. */
    void start() {
        capture.start(this);
    }

    @Override
    public void packet(PacketRecord record) {
        if (writeError == null) {
            try {
                writer.write(record);
            } catch (IOException e) {
                writeError = file + ": " + e.getMessage();
            }
        }
        LayerStack stack = decoder.decode(record);
        view.wrap(stack);
        int flags = Loader.flags(view, stack);
        int inner = view.innerIpLayer();
        int innerLength = inner >= 0 ? view.ipTotalLength(inner) : 0;
        int proto = Loader.protoCode(stack);
        synchronized (this) {
            filling.add(record, flags, (int) view.vni(), innerLength, proto);
        }
    }

    @Override
    public void ended(List<LiveCapture.InterfaceStats> stats) {
        ended.complete(stats);
    }

    /**
     * The packets collected since the last call (FX thread). The batch stays valid until the next
     * call.
     */
    synchronized Batch take() {
        Batch b = filling;
        filling = spare;
        filling.clear();
        spare = b;
        return b;
    }

    /** Stops the capture, waits for its threads (every packet delivered) and closes the file. Not on the FX thread. */
    void finish() {
        capture.close();
        try {
            writer.close();
        } catch (IOException e) {
            if (writeError == null) {
                writeError = file + ": " + e.getMessage();
            }
        }
    }

    /** Why writing the file failed, or null. */
    String writeError() {
        return writeError;
    }

    long written() {
        return writer.packets();
    }
}
