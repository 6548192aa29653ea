package io.tunnelscope.cli;

import io.tunnelscope.capture.CaptureFormatException;
import io.tunnelscope.capture.CaptureInterface;
import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.LinkType;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.decode.IpReassembler;
import io.tunnelscope.decode.PointNames;
import io.tunnelscope.escape.Escape;
import io.tunnelscope.collect.LongObjectMap;
import io.tunnelscope.collect.NameIds;
import io.tunnelscope.filter.Filter;
import io.tunnelscope.filter.FilterInput;
import io.tunnelscope.filter.PacketFilter;
import io.tunnelscope.flow.FrameAnalysis;
import io.tunnelscope.flow.TcpFacts;
import io.tunnelscope.state.AddressNames;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Supplier;

/**
 * {@code decode}'s engine, on every core: one thread reads the captures and copies their packets
 * into batches of consecutive records, worker threads (one per core) decode, filter and format
 * whole batches into bytes, and the calling thread writes the batches' bytes in file order, so
 * the output is the same as one thread's. Nothing is allocated per packet: batches, their byte
 * arenas and output buffers go round a fixed pool.
 *
 * <p>What depends on the packets before a packet is worked out on the reading thread, in each
 * capture point's order ({@link FrameAnalysis}): the TCP analysis, kept with the packet in its
 * batch, and IP reassembly. A frame that completes a datagram is shown as the whole datagram: the
 * reading thread, which holds it, filters and formats that frame itself; the decoding threads
 * cut the other fragments to their fragment data as the reassembler does.
 *
 * <p>What the calling thread writes on the error stream comes in the order one thread would
 * write it: a broken file's {@code file: offset N: what is wrong} after every line of the
 * packets before it, then how many packets of undecodable link types the file had. With a
 * packet limit the writer stops at the limit's line and the readers stop soon after; nothing
 * read past the limit is reported.
 */
final class DecodePipeline {
    /** Formats one packet: appends its line, terminator included, to {@code out}. */
    interface PacketFormat {
        /**
         * @param tcp         the packet's TCP analysis
         * @param reassembled the reassembler that completed a datagram in this frame ({@code stack}
         *                    is then the datagram), or null
         */
        void append(Path file, List<CaptureInterface> interfaces, PacketRecord record, LayerStack stack,
                    TcpFacts tcp, IpReassembler reassembled, LineBuffer out);
    }

    /** Packets per batch: enough to make handing a batch over cheap, few enough to start at once. */
    static final int BATCH_PACKETS = 1024;
    private static final int ARENA_BYTES = 1 << 20;
    /** The sentinel that ends a worker. */
    private static final Batch NO_MORE_WORK = new Batch(1);

    private final DecodeTables tables;
    private final String filterExpression;
    private final AddressNames names;
    private final Supplier<PacketFormat> formats;
    private final int workers;
    private final boolean fileHeaders;
    private final boolean lastNewline;
    private final int batchPackets;
    private final PrintStream out;
    private final PrintStream err;

    private volatile boolean stop;

    /**
     * @param filterExpression a {@code --filter} expression (already known to compile with
     *                         {@code names}), or empty
     * @param names            the names the filter may use ({@code pod}, {@code node}...)
     * @param formats          makes one formatter per worker thread
     * @param workers          decoding threads (at least 1)
     * @param fileHeaders      a {@code ==> file <==} line before each file's lines
     * @param lastNewline      whether the output's last line keeps its newline ({@code decode
     *                         --json} separates its objects and ends without one)
     */
    DecodePipeline(DecodeTables tables, String filterExpression, AddressNames names, Supplier<PacketFormat> formats,
                   int workers, boolean fileHeaders, boolean lastNewline, PrintStream out, PrintStream err) {
        this(tables, filterExpression, names, formats, workers, fileHeaders, lastNewline, out, err, BATCH_PACKETS);
    }

    /** As above, with {@code batchPackets} packets per batch (tests use small batches). */
    DecodePipeline(DecodeTables tables, String filterExpression, AddressNames names, Supplier<PacketFormat> formats,
                   int workers, boolean fileHeaders, boolean lastNewline, PrintStream out, PrintStream err,
                   int batchPackets) {
        if (batchPackets < 1 || batchPackets > BATCH_PACKETS) {
            throw new IllegalArgumentException("batch of " + batchPackets + " packets");
        }
        this.batchPackets = batchPackets;
        this.tables = tables;
        this.filterExpression = filterExpression;
        this.names = names;
        this.formats = formats;
        this.workers = Math.max(1, workers);
        this.fileHeaders = fileHeaders;
        this.lastNewline = lastNewline;
        this.out = out;
        this.err = err;
    }

    /**
     * Decoding threads: one per core, at most four (one reading thread feeds no more); the system
     * property {@code tunnelscope.decode.workers} sets another number (for measurements).
     */
    static int defaultWorkers() {
        int cores = Math.min(4, Runtime.getRuntime().availableProcessors());
        return Math.max(1, Integer.getInteger("tunnelscope.decode.workers", cores));
    }

    /**
     * Decodes {@code inputs} (files, or standard input) and writes at most {@code limit} packets' lines; returns false when
     * a file could not be read to its end.
     */
    boolean run(List<CaptureInputs.Input> inputs, long limit) {
        int pooled = 2 * workers + 2;
        BlockingQueue<Batch> free = new ArrayBlockingQueue<>(pooled);
        BlockingQueue<Batch> ordered = new ArrayBlockingQueue<>(pooled);
        BlockingQueue<Batch> work = new ArrayBlockingQueue<>(pooled + workers);
        for (int i = 0; i < pooled; i++) {
            free.add(new Batch(batchPackets));
        }
        Thread reader = new Thread(() -> read(inputs, free, ordered, work), "tunnelscope-decode-read");
        reader.setDaemon(true);
        reader.start();
        for (int i = 0; i < workers; i++) {
            Thread worker = new Thread(() -> format(work), "tunnelscope-decode-" + i);
            worker.setDaemon(true);
            worker.start();
        }
        return write(ordered, free, limit);
    }

    // ---- The reading thread ----------------------------------------------------------------

    private void read(List<CaptureInputs.Input> inputs, BlockingQueue<Batch> free, BlockingQueue<Batch> ordered,
                      BlockingQueue<Batch> work) {
        PacketRecord record = new PacketRecord();
        PacketDecoder decoder = new PacketDecoder(tables);
        PacketFilter filter = Filter.compile(filterExpression, names);
        PacketFormat format = formats.get();
        FilterInput filterInput = new FilterInput();
        RuntimeException failure = null;
        try {
            try {
                for (CaptureInputs.Input input : inputs) {
                    if (stop) {
                        break;
                    }
                    Path file = input.displayPath();
                    String stem = PointNames.stem(file.getFileName().toString());
                    Batch batch = free.take().start(file, input.name(), stem, List.of(), true);
                    try (CaptureReader reader = input.open()) {
                        // A node comment (what collect writes) names the capture's host.
                        stem = PointNames.stem(file.getFileName().toString(), reader.comments());
                        batch.stem = stem;
                        List<CaptureInterface> interfaces = List.copyOf(reader.interfaces());
                        batch.interfaces = interfaces;
                        FrameAnalysis analysis = new FrameAnalysis(tables);
                        FilePoints points = new FilePoints(stem);
                        while (!stop && reader.next(record)) {
                            if (reader.interfaces().size() != interfaces.size() && batch.count > 0) {
                                submit(batch, ordered, work);
                                batch = free.take().start(file, input.name(), stem, interfaces, false);
                            }
                            if (reader.interfaces().size() != interfaces.size()) {
                                interfaces = List.copyOf(reader.interfaces());
                                batch.interfaces = interfaces;
                            }
                            if (!batch.fits(record)) {
                                submit(batch, ordered, work);
                                batch = free.take().start(file, input.name(), stem, interfaces, false);
                            }
                            int n = batch.add(record);
                            LayerStack decoded = decoder.decode(record);
                            int point = points.id(reader, record, decoded);
                            PacketView view = analysis.analyze(point, decoded, record.frameNumber(),
                                    record.timestampNanos());
                            batch.tcp[n].copyFrom(analysis.tcp());
                            if (analysis.reassembler().lastFragmentCount() > 0) {
                                // The datagram is the reassembler's: shown from here, or not at all.
                                boolean shown = filter.matchesAll() || filter.matches(view, filterInput.frame(
                                        record.frameNumber(), record.timestampNanos(), record.originalLength(),
                                        record.capturedLength()).point(points.name(point)).tcp(analysis.tcp())
                                        .reassembled(analysis.reassembler()));
                                batch.preformat(n, shown ? format : null, reader.interfaces(), record, view.stack(),
                                        analysis);
                            }
                        }
                    } catch (CaptureFormatException e) {
                        batch.error = e.getMessage();
                    } catch (IOException e) {
                        batch.error = input.name() + ": " + describe(e);
                    }
                    batch.fileEnd = true;
                    submit(batch, ordered, work);
                }
            } catch (RuntimeException e) {
                failure = e;
            }
            Batch end = free.take();
            end.start(null, null, null, List.of(), false);
            end.last = true;
            end.failure = failure;
            end.markFormatted();
            ordered.put(end);
            for (int i = 0; i < workers; i++) {
                work.put(NO_MORE_WORK);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void submit(Batch batch, BlockingQueue<Batch> ordered, BlockingQueue<Batch> work)
            throws InterruptedException {
        ordered.put(batch);
        work.put(batch);
    }

    static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    // ---- The decoding threads --------------------------------------------------------------

    private void format(BlockingQueue<Batch> work) {
        PacketDecoder decoder = new PacketDecoder(tables);
        PacketView view = new PacketView();
        PacketFilter filter = Filter.compile(filterExpression, names);
        PacketFormat format = formats.get();
        PacketRecord record = new PacketRecord();
        FilterInput filterInput = new FilterInput();
        try {
            for (Batch batch = work.take(); batch != NO_MORE_WORK; batch = work.take()) {
                try {
                    if (!stop) {
                        formatBatch(batch, decoder, view, filter, filterInput, format, record);
                    }
                } catch (RuntimeException e) {
                    batch.failure = e;
                } finally {
                    batch.markFormatted();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void formatBatch(Batch batch, PacketDecoder decoder, PacketView view, PacketFilter filter,
                                    FilterInput filterInput, PacketFormat format, PacketRecord record) {
        LineBuffer lines = batch.out;
        for (int i = 0; i < batch.count; i++) {
            int preformatted = batch.preformatted[i];
            if (preformatted == Batch.NOT_SHOWN) {
                continue;
            }
            if (preformatted == Batch.SHOWN) {
                lines.append(batch.pre, batch.preStart[i], batch.preEnd[i]);
            } else {
                batch.fill(i, record);
                LayerStack stack = decoder.decode(record);
                // A fragment shows its fragment data, as the reassembler left it on the reading thread.
                int fragmented = IpReassembler.fragmentedIpLayer(view.wrap(stack));
                if (fragmented >= 0) {
                    IpReassembler.cutToFragment(stack, fragmented);
                    view.wrap(stack);
                }
                if (!filter.matchesAll() && !filter.matches(view, filterInput.frame(record.frameNumber(),
                        record.timestampNanos(), record.originalLength(), record.capturedLength())
                        .point(PointNames.of(batch.stem, batch.interfaces, record.interfaceId(), stack))
                        .tcp(batch.tcp[i]).reassembled(-1, 0, 0, false))) {
                    continue;
                }
                format.append(batch.file, batch.interfaces, record, stack, batch.tcp[i], null, lines);
            }
            batch.lineEnd[batch.lines] = lines.length();
            batch.linePacket[batch.lines] = i;
            batch.lines++;
        }
    }

    // ---- The writing (calling) thread ------------------------------------------------------

    private boolean write(BlockingQueue<Batch> ordered, BlockingQueue<Batch> free, long limit) {
        long printed = 0;
        boolean allRead = true;
        boolean newlineHeld = false;
        RuntimeException failure = null;
        TreeMap<Integer, Long> undecoded = new TreeMap<>();
        try {
            while (true) {
                Batch batch = ordered.take();
                batch.awaitFormatted();
                if (batch.last) {
                    failure = failure != null ? failure : batch.failure;
                    free.put(batch);
                    break;
                }
                if (failure == null && batch.failure != null) {
                    failure = batch.failure;
                    stop = true;
                }
                if (!stop) {
                    if (batch.fileStart) {
                        undecoded.clear();
                        if (fileHeaders) {
                            newlineHeld = writeHeld(newlineHeld);
                            writeHeader(batch.file);
                        }
                    }
                    int lines = (int) Math.min(batch.lines, limit - printed);
                    int end = lines == 0 ? 0 : batch.lineEnd[lines - 1];
                    newlineHeld = writeLines(batch.out, end, newlineHeld);
                    printed += lines;
                    boolean limitReached = printed >= limit;
                    // Packets one thread would have read: up to the limit's line.
                    int read = limitReached && lines > 0 ? batch.linePacket[lines - 1] + 1 : batch.count;
                    countUndecoded(batch, read, undecoded);
                    if (batch.fileEnd || limitReached) {
                        if (batch.error != null && !limitReached) {
                            out.flush();
                            err.println(Escape.terminal(batch.error));
                            allRead = false;
                        }
                        String name = Escape.terminal(batch.name);
                        undecoded.forEach((type, count) -> err.println(name + ": " + count
                                + " packets of link type " + LinkType.name(type) + " (" + type + ") not decoded"));
                        undecoded.clear();
                    }
                    if (limitReached || out.checkError()) {
                        stop = true;
                    }
                }
                free.put(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop = true;
        }
        out.flush();
        if (failure != null) {
            throw failure;
        }
        return allRead;
    }

    /** Writes a newline held back from the last lines, if any; returns false (none held). */
    private boolean writeHeld(boolean newlineHeld) {
        if (newlineHeld) {
            out.write('\n');
        }
        return false;
    }

    /**
     * Writes the first {@code end} bytes of {@code lines}; without a newline after the last line,
     * the last newline is held back until more follows. Returns whether a newline is held.
     */
    private boolean writeLines(LineBuffer lines, int end, boolean newlineHeld) {
        if (end == 0) {
            return newlineHeld;
        }
        writeHeld(newlineHeld);
        try {
            lines.writeTo(out, 0, lastNewline ? end : end - 1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return !lastNewline;
    }

    private void writeHeader(Path file) {
        LineBuffer header = new LineBuffer(64);
        header.appendUtf8("==> ").appendUtf8(Escape.terminal(file.toString())).appendUtf8(" <==\n");
        try {
            header.writeTo(out, 0, header.length());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void countUndecoded(Batch batch, int packets, TreeMap<Integer, Long> undecoded) {
        for (int i = 0; i < packets; i++) {
            if (!tables.decodesLinkType(batch.linkType[i])) {
                undecoded.merge(batch.linkType[i], 1L, Long::sum);
            }
        }
    }

    /**
     * The capture points of one file as small numbers for the frame analysis: one for a file that
     * is one point; otherwise named as {@link PointNames} names them, once per interface.
     */
    static final class FilePoints {
        private final String stem;
        private final NameIds ids = new NameIds();
        private final LongObjectMap<Integer> byInterface = new LongObjectMap<>();
        private final int whole;

        FilePoints(String stem) {
            this.stem = stem;
            this.whole = ids.id(stem);
        }

        int id(CaptureReader reader, PacketRecord record, LayerStack stack) {
            int ifIndex = PointNames.sll2IfIndex(stack);
            if (ifIndex < 0 && reader.interfaces().size() <= 1) {
                return whole;
            }
            long key = (long) record.interfaceId() << 32 | (ifIndex & 0xFFFF_FFFFL);
            Integer id = byInterface.get(key);
            if (id == null) {
                id = ids.id(PointNames.of(stem, reader.interfaces(), record.interfaceId(), ifIndex));
                byInterface.put(key, id);
            }
            return id;
        }

        String name(int id) {
            return ids.name(id);
        }
    }

    /**
     * Consecutive packets of one file, copied out of the reader's buffer, and their formatted
     * lines. Reused: {@link #start} empties it.
     */
    private static final class Batch {
        Path file;
        /** The file's name in messages (as the user typed it, or {@code -}). */
        String name;
        String stem;
        /** The reader's interfaces as of these packets (a batch ends where a new one appears). */
        List<CaptureInterface> interfaces;
        /** The first batch of its file. */
        boolean fileStart;
        /** The last batch of its file; {@link #error} says why it ended early, if it did. */
        boolean fileEnd;
        String error;
        /** After every batch of the run. */
        boolean last;
        RuntimeException failure;

        int count;
        private byte[] arena = new byte[0];
        private ByteBuffer arenaBuffer = ByteBuffer.wrap(arena);
        private int arenaUsed;
        private final int capacity;
        final int[] offset;
        final int[] capturedLength;
        final long[] originalLength;
        final int[] timestampProblems;
        final int[] linkType;
        final int[] interfaceId;
        final long[] nanos;
        final long[] frame;
        final long[] fileOffset;
        /** Each packet's TCP analysis, from the reading thread. */
        final TcpFacts[] tcp;
        /** Per packet: {@link #NOT_PREFORMATTED}, {@link #SHOWN} (its line in {@link #pre}) or {@link #NOT_SHOWN}. */
        static final byte NOT_PREFORMATTED = 0;
        static final byte SHOWN = 1;
        static final byte NOT_SHOWN = 2;
        final byte[] preformatted;
        /** Lines the reading thread formatted (frames that completed a datagram), and where each is. */
        final LineBuffer pre = new LineBuffer(1 << 12);
        final int[] preStart;
        final int[] preEnd;

        final LineBuffer out = new LineBuffer(1 << 16);
        int lines;
        /** Where each line ends in {@link #out}, and which packet it is. */
        final int[] lineEnd;
        final int[] linePacket;

        private boolean formatted;

        Batch(int capacity) {
            this.capacity = capacity;
            offset = new int[capacity];
            capturedLength = new int[capacity];
            originalLength = new long[capacity];
            timestampProblems = new int[capacity];
            linkType = new int[capacity];
            interfaceId = new int[capacity];
            nanos = new long[capacity];
            frame = new long[capacity];
            fileOffset = new long[capacity];
            lineEnd = new int[capacity];
            linePacket = new int[capacity];
            tcp = new TcpFacts[capacity];
            for (int i = 0; i < capacity; i++) {
                tcp[i] = new TcpFacts();
            }
            preformatted = new byte[capacity];
            preStart = new int[capacity];
            preEnd = new int[capacity];
        }

        Batch start(Path file, String name, String stem, List<CaptureInterface> interfaces, boolean fileStart) {
            this.file = file;
            this.name = name;
            this.stem = stem;
            this.interfaces = interfaces;
            this.fileStart = fileStart;
            fileEnd = false;
            error = null;
            last = false;
            failure = null;
            count = 0;
            arenaUsed = 0;
            out.clear();
            pre.clear();
            lines = 0;
            synchronized (this) {
                formatted = false;
            }
            return this;
        }

        /** Whether the record's bytes still fit (a batch always takes its first record). */
        boolean fits(PacketRecord record) {
            return count == 0 || count < capacity && arenaUsed + record.capturedLength() <= arena.length;
        }

        /** Adds the record's packet; returns its index in this batch. */
        int add(PacketRecord record) {
            int length = record.capturedLength();
            if (arenaUsed + length > arena.length) {
                arena = java.util.Arrays.copyOf(arena, Math.max(ARENA_BYTES, arenaUsed + length));
                arenaBuffer = ByteBuffer.wrap(arena);
            }
            record.buffer().get(record.offset(), arena, arenaUsed, length);
            int n = count++;
            offset[n] = arenaUsed;
            arenaUsed += length;
            capturedLength[n] = length;
            originalLength[n] = record.originalLength();
            timestampProblems[n] = record.timestampProblems();
            linkType[n] = record.linkType();
            interfaceId[n] = record.interfaceId();
            nanos[n] = record.timestampNanos();
            frame[n] = record.frameNumber();
            fileOffset[n] = record.fileOffset();
            preformatted[n] = NOT_PREFORMATTED;
            return n;
        }

        /**
         * Packet {@code n} completed a datagram: its line (when {@code format} is not null: it
         * passed the filter) is formatted now, from {@code stack}, which only the reading thread holds.
         */
        void preformat(int n, PacketFormat format, List<CaptureInterface> readerInterfaces, PacketRecord record,
                       LayerStack stack, FrameAnalysis analysis) {
            if (format == null) {
                preformatted[n] = NOT_SHOWN;
                return;
            }
            preStart[n] = pre.length();
            format.append(file, readerInterfaces, record, stack, analysis.tcp(), analysis.reassembler(), pre);
            preEnd[n] = pre.length();
            preformatted[n] = SHOWN;
        }

        /** Points {@code record} at packet {@code i} of this batch. */
        void fill(int i, PacketRecord record) {
            record.set(arenaBuffer, offset[i], capturedLength[i], originalLength[i], nanos[i], linkType[i],
                    interfaceId[i], frame[i], fileOffset[i]).timestampProblems(timestampProblems[i]);
        }

        synchronized void markFormatted() {
            formatted = true;
            notifyAll();
        }

        synchronized void awaitFormatted() throws InterruptedException {
            while (!formatted) {
                wait();
            }
        }
    }
}
