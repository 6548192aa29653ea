package io.tunnelscope.gui;

import io.tunnelscope.capture.CaptureFormatException;
import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.collect.LongObjectMap;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.IpReassembler;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.LayerType;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.decode.PointNames;
import io.tunnelscope.flow.Conversations;
import io.tunnelscope.flow.FrameAnalysis;
import io.tunnelscope.flow.TcpFacts;
import io.tunnelscope.state.ClusterState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Reads capture files into a {@link PacketStore}: each packet decoded once, put through the frame
 * analysis {@code decode} runs (IP reassembly and TCP analysis per capture point) and counted in
 * the conversations, for its index entry. Files are read through a buffer, not mapped, so a large
 * file does not stay resident after the pass; their packets are read again from the file when
 * shown. Then the packets are put in time order, without sorting when each file is in order.
 */
final class Loader {
    /** Progress callback: bytes done of total, and the packets ready to be shown while loading goes on. */
    interface Progress {
        void update(long done, long total, String message);

        /**
         * The first {@code count} packets of the store are loaded (their entries final) and already
         * in time order: the one file opened is in order so far, so the list may show them while
         * the rest loads. Called from the loading thread, as often as {@link #update}; not called
         * for several files (their order is known after the last one) nor once a packet came
         * before its predecessor.
         */
        default void inOrder(int count) {
        }

        /** How often to report, in nanoseconds. */
        default long intervalNanos() {
            return REPORT_NANOS;
        }
    }

    /** What loading gave besides the store. */
    record Result(List<String> errors, int[] timeOrder, Conversations conversations, boolean sorted) {
    }

    /** How often loading reports its progress (a few times a second: each report redraws the status bar). */
    static final long REPORT_NANOS = 200_000_000L;

    private Loader() {
    }

    /**
     * Files as given, directories replaced by the capture files in them (sorted by name); a
     * directory {@code tunnelscope collect} wrote also by those of each node ({@code DIR/NODE/}).
     */
    static List<Path> expand(List<Path> inputs) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                List<Path> dirs = new ArrayList<>(List.of(p));
                dirs.addAll(ClusterState.nodeDirectories(p));
                for (Path d : dirs) {
                    try (Stream<Path> s = Files.list(d)) {
                        s.filter(Files::isRegularFile).filter(Loader::looksLikeCapture).sorted().forEach(out::add);
                    }
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }

    static boolean looksLikeCapture(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".pcap") || n.endsWith(".pcapng") || n.endsWith(".cap") || n.endsWith(".pcap.gz")
                || n.endsWith(".pcapng.gz") || n.endsWith(".dmp");
    }

    /**
     * Loads every file (a broken file keeps the packets before the break; its error is returned).
     *
     * @return the errors (one line per file that could not be fully read), the time order and the
     *         conversations; null when cancelled
     */
    static Result load(List<Path> files, PacketStore store, DecodeTables tables, Progress progress,
                       BooleanSupplier cancelled) throws IOException {
        List<String> errors = new ArrayList<>();
        long total = 0;
        for (Path f : files) {
            total += Files.exists(f) ? Files.size(f) : 0;
        }
        PacketDecoder decoder = new PacketDecoder(tables);
        FrameAnalysis analysis = new FrameAnalysis(tables);
        Conversations conversations = new Conversations();
        PacketRecord record = new PacketRecord();
        store.fileStart(new int[files.size()]);
        boolean[] fileSorted = new boolean[files.size()];
        long doneBefore = 0;
        for (int f = 0; f < files.size(); f++) {
            Path file = files.get(f);
            store.files().add(file);
            store.comments().add(List.of());
            store.fileStart()[f] = store.size();
            Pass pass = new Pass(store, f, analysis, conversations);
            LongObjectMap<Integer> pointByKey = new LongObjectMap<>();
            long lastKey = Long.MIN_VALUE;
            int lastPoint = -1;
            long size = Files.exists(file) ? Files.size(file) : 0;
            long interval = progress.intervalNanos();
            long nextReport = System.nanoTime() + interval;
            try (CaptureReader reader = CaptureReaders.openBuffered(file)) {
                // A node comment (what collect writes) names the capture's host.
                String stem = PointNames.stem(file.getFileName().toString(), reader.comments());
                int n = 0;
                while (reader.next(record)) {
                    if ((++n & 0x3FF) == 0) {
                        if (cancelled.getAsBoolean()) {
                            return null;
                        }
                        long now = System.nanoTime();
                        if (now >= nextReport) {
                            nextReport = now + interval;
                            progress.update(doneBefore + Math.min(record.fileOffset(), size), total,
                                    file.getFileName() + ": " + n + " packets");
                            if (files.size() == 1 && pass.sorted) {
                                progress.inOrder(store.size());
                            }
                        }
                    }
                    LayerStack stack = decoder.decode(record);
                    int ifIndex = PointNames.sll2IfIndex(stack);
                    long key = ((long) record.interfaceId() << 32) ^ (ifIndex & 0xFFFF_FFFFL) ^ record.linkType() * 31L;
                    if (key != lastKey) {
                        Integer point = pointByKey.get(key);
                        if (point == null) {
                            String name = PointNames.of(stem, reader.interfaces(), record.interfaceId(), ifIndex);
                            int id = record.interfaceId();
                            String ifName = id >= 0 && id < reader.interfaces().size()
                                    ? reader.interfaces().get(id).name() : null;
                            point = store.points().size();
                            store.points().add(new PacketStore.Point(name, f, record.linkType(), ifName));
                            pointByKey.put(key, point);
                        }
                        lastKey = key;
                        lastPoint = point;
                    }
                    pass.packet(lastPoint, record, stack);
                }
                if (!reader.comments().isEmpty()) {
                    store.comments().set(f, List.copyOf(reader.comments()));
                }
            } catch (CaptureFormatException e) {
                errors.add(e.getMessage());
            } catch (IOException e) {
                errors.add(file + ": " + e.getMessage());
            }
            fileSorted[f] = pass.sorted;
            doneBefore += size;
            progress.update(doneBefore, total, file.getFileName() + " read");
        }
        if (cancelled.getAsBoolean()) {
            return null;
        }
        progress.update(total, total, "Ordering " + store.size() + " packets by time…");
        boolean sorted = true;
        for (boolean s : fileSorted) {
            sorted &= s;
        }
        return new Result(errors, TimeOrder.of(store, fileSorted), conversations, sorted);
    }

    /**
     * The loading of one file's packets, given one by one with their capture point: each packet's
     * frame analysis (reassembly, TCP analysis), its conversations and its index entry.
     */
    static final class Pass {
        private final PacketStore store;
        private final int file;
        private final FrameAnalysis analysis;
        private final Conversations conversations;
        /** Packets of a plain file are read again from it when shown; a gzip file's are kept. */
        private final boolean inPlace;
        private final PacketView raw = new PacketView();
        private final PacketStore.Entry entry = new PacketStore.Entry();
        private long lastTime = Long.MIN_VALUE;
        /** Whether the file's timestamps never went back so far. */
        boolean sorted = true;

        Pass(PacketStore store, int file, FrameAnalysis analysis, Conversations conversations) {
            this.store = store;
            this.file = file;
            this.analysis = analysis;
            this.conversations = conversations;
            this.inPlace = !gzip(store.files().get(file));
        }

        void packet(int point, PacketRecord record, LayerStack stack) {
            boolean fragment = IpReassembler.fragmentedIpLayer(raw.wrap(stack)) >= 0;
            PacketView view = analysis.analyze(point, stack, record.frameNumber(), record.timestampNanos());
            conversations.add(point, view, record.timestampNanos(), record.originalLength());
            fill(entry, record, point, view, analysis.tcp(), fragment);
            int i = inPlace && record.dataOffset() >= 0
                    ? store.add(entry, record.dataOffset())
                    : store.add(entry, record.buffer(), record.offset());
            IpReassembler reassembler = analysis.reassembler();
            if (reassembler.lastFragmentCount() > 0) {
                int[] fragments = new int[reassembler.lastFragmentCount()];
                for (int k = 0; k < fragments.length; k++) {
                    fragments[k] = store.fileStart()[file] + (int) reassembler.lastFragmentFrame(k) - 1;
                }
                store.reassembled(i, fragments);
            }
            if (record.timestampNanos() < lastTime) {
                sorted = false;
            }
            lastTime = record.timestampNanos();
        }
    }

    private static boolean gzip(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz");
    }

    /** The index entry of a packet: what the list shows of the (possibly reassembled) view. */
    static void fill(PacketStore.Entry e, PacketRecord record, int point, PacketView view, TcpFacts tcp,
                     boolean fragment) {
        LayerStack stack = view.stack();
        e.timestamp = record.timestampNanos();
        e.frameNumber = (int) record.frameNumber();
        e.pointIndex = point;
        e.captured = record.capturedLength();
        e.wire = (int) Math.min(record.originalLength(), Integer.MAX_VALUE);
        e.flags = flags(view, stack) | (fragment ? PacketStore.FRAGMENT : 0);
        e.vni = (int) view.vni();
        int inner = view.innerIpLayer();
        e.innerIpLength = inner >= 0 ? view.ipTotalLength(inner) : 0;
        e.protoCode = protoCode(stack);
        e.tcpFlags = tcp.flags();
        e.duplicateAckNumber = tcp.duplicateAckNumber();
        e.ackRttNanos = tcp.ackRttNanos();
    }

    static int flags(PacketView view, LayerStack stack) {
        int flags = 0;
        if (view.encapsulationCount() > 0) {
            flags |= PacketStore.TUNNELLED | ((view.encapsulation(0) & PacketStore.ENCAP_MASK) << PacketStore.ENCAP_SHIFT);
        }
        flags |= stack.status().ordinal() << PacketStore.STATUS_SHIFT;
        int outer = view.outerIpLayer();
        int inner = view.innerIpLayer();
        if (isFragment(view, outer) || isFragment(view, inner)) {
            flags |= PacketStore.FRAGMENT;
        }
        if (inner >= 0 && view.ipVersion(inner) == 6) {
            flags |= PacketStore.IPV6;
        }
        for (int i = 0; i < stack.count(); i++) {
            if (stack.isQuoted(i)) {
                flags |= PacketStore.ICMP_ERROR;
                break;
            }
        }
        return flags;
    }

    private static boolean isFragment(PacketView view, int ip) {
        return ip >= 0 && (view.moreFragments(ip) || view.fragmentOffset(ip) > 0);
    }

    /** The innermost meaningful layer type (not payload, fragment data or a quoted header). */
    static int protoCode(LayerStack stack) {
        int code = 0;
        for (int i = 0; i < stack.count(); i++) {
            int t = stack.type(i);
            if (stack.isQuoted(i) || t == LayerType.PAYLOAD || t == LayerType.FRAGMENT_DATA
                    || LayerType.isIpv6Extension(t)) {
                continue;
            }
            code = t;
        }
        return code;
    }
}
