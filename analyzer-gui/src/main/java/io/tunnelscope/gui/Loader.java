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
 * Reads capture files into a {@link PacketStore}: each packet decoded once and put through the
 * frame analysis {@code decode} runs (IP reassembly and TCP analysis per capture point), for its
 * index entry. Files are read through a buffer, not mapped, so a large file does not stay resident
 * after the pass; their packets are read again from the file when shown. Then the packets are put
 * in time order, without sorting when each file is in order. Conversations are counted when asked
 * for ({@link #conversations}), in a pass of their own.
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
    record Result(List<String> errors, int[] timeOrder, boolean sorted) {
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
     * @return the errors (one line per file that could not be fully read) and the time order; null
     *         when cancelled
     */
    static Result load(List<Path> files, PacketStore store, DecodeTables tables, Progress progress,
                       BooleanSupplier cancelled) throws IOException {
        List<String> errors = new ArrayList<>();
        FrameAnalysis analysis = new FrameAnalysis(tables);
        store.fileStart(new int[files.size()]);
        boolean[] fileSorted = new boolean[files.size()];
        Pass[] pass = new Pass[1];
        boolean done = walk(files, tables, progress, cancelled, errors, new Visitor() {
            @Override
            public void file(int f, Path file) {
                store.files().add(file);
                store.comments().add(List.of());
                store.fileStart()[f] = store.size();
                pass[0] = new Pass(store, f, analysis);
            }

            @Override
            public int point(int f, String name, int linkType, String interfaceName) {
                store.points().add(new PacketStore.Point(name, f, linkType, interfaceName));
                return store.points().size() - 1;
            }

            @Override
            public void packet(int point, PacketRecord record, LayerStack stack) {
                pass[0].packet(point, record, stack);
            }

            @Override
            public int inOrder() {
                return files.size() == 1 && pass[0].sorted ? store.size() : -1;
            }

            @Override
            public void fileDone(int f, List<String> comments) {
                if (!comments.isEmpty()) {
                    store.comments().set(f, List.copyOf(comments));
                }
                fileSorted[f] = pass[0].sorted;
            }
        });
        if (!done) {
            return null;
        }
        progress.update(1, 1, "Ordering " + store.size() + " packets by time…");
        boolean sorted = true;
        for (boolean s : fileSorted) {
            sorted &= s;
        }
        return new Result(errors, TimeOrder.of(store, fileSorted), sorted);
    }

    /**
     * Counts the conversations of the loaded files ({@link Conversations}: Wireshark's Statistics
     * → Conversations, counted when asked for, as Wireshark counts them): each file read again,
     * its packets reassembled as loading did, each at the capture point loading gave it.
     *
     * @return the conversations, or null when cancelled
     */
    static Conversations conversations(PacketStore store, DecodeTables tables, Progress progress,
                                       BooleanSupplier cancelled) throws IOException {
        FrameAnalysis analysis = new FrameAnalysis(tables);
        Conversations conversations = new Conversations();
        List<Path> files = List.copyOf(store.files());
        boolean done = walk(files, tables, progress, cancelled, new ArrayList<>(), new Visitor() {
            @Override
            public void file(int f, Path file) {
            }

            @Override
            public int point(int f, String name, int linkType, String interfaceName) {
                for (int p = 0; p < store.points().size(); p++) {
                    PacketStore.Point known = store.points().get(p);
                    if (known.file() == f && known.name().equals(name)) {
                        return p;
                    }
                }
                throw new IllegalStateException(name + " was not a capture point when " + files.get(f) + " was loaded");
            }

            @Override
            public void packet(int point, PacketRecord record, LayerStack stack) {
                PacketView view = analysis.analyze(point, stack, record.frameNumber(), record.timestampNanos());
                conversations.add(point, view, record.timestampNanos(), record.originalLength());
            }

            @Override
            public int inOrder() {
                return -1;
            }

            @Override
            public void fileDone(int f, List<String> comments) {
            }
        });
        return done ? conversations : null;
    }

    /** What a pass over the files does with them ({@link #walk}). */
    private interface Visitor {
        /** File {@code f} begins. */
        void file(int f, Path file);

        /** A capture point first seen in file {@code f}: its index. */
        int point(int f, String name, int linkType, String interfaceName);

        void packet(int point, PacketRecord record, LayerStack stack);

        /** How many packets are loaded in time order so far, or -1 ({@link Progress#inOrder}). */
        int inOrder();

        /** File {@code f} was read (to its end or to a break), with the comments it carries. */
        void fileDone(int f, List<String> comments);
    }

    /**
     * Reads the files one after the other, each packet decoded and given to {@code visitor} with its
     * capture point (by interface, SLL2 interface index and link type, named as {@link PointNames}
     * names them); a file that breaks adds its error and the next file is read.
     *
     * @return false when cancelled
     */
    private static boolean walk(List<Path> files, DecodeTables tables, Progress progress, BooleanSupplier cancelled,
                                List<String> errors, Visitor visitor) throws IOException {
        long total = 0;
        for (Path f : files) {
            total += Files.exists(f) ? Files.size(f) : 0;
        }
        PacketDecoder decoder = new PacketDecoder(tables);
        PacketRecord record = new PacketRecord();
        long doneBefore = 0;
        for (int f = 0; f < files.size(); f++) {
            Path file = files.get(f);
            visitor.file(f, file);
            LongObjectMap<Integer> pointByKey = new LongObjectMap<>();
            long lastKey = Long.MIN_VALUE;
            int lastPoint = -1;
            long size = Files.exists(file) ? Files.size(file) : 0;
            long interval = progress.intervalNanos();
            long nextReport = System.nanoTime() + interval;
            List<String> comments = List.of();
            try (CaptureReader reader = CaptureReaders.openBuffered(file)) {
                // A node comment (what collect writes) names the capture's host.
                String stem = PointNames.stem(file.getFileName().toString(), reader.comments());
                int n = 0;
                while (reader.next(record)) {
                    if ((++n & 0x3FF) == 0) {
                        if (cancelled.getAsBoolean()) {
                            return false;
                        }
                        long now = System.nanoTime();
                        if (now >= nextReport) {
                            nextReport = now + interval;
                            progress.update(doneBefore + Math.min(record.fileOffset(), size), total,
                                    file.getFileName() + ": " + n + " packets");
                            int inOrder = visitor.inOrder();
                            if (inOrder >= 0) {
                                progress.inOrder(inOrder);
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
                            point = visitor.point(f, name, record.linkType(), ifName);
                            pointByKey.put(key, point);
                        }
                        lastKey = key;
                        lastPoint = point;
                    }
                    visitor.packet(lastPoint, record, stack);
                }
                comments = reader.comments();
            } catch (CaptureFormatException e) {
                errors.add(e.getMessage());
            } catch (IOException e) {
                errors.add(file + ": " + e.getMessage());
            }
            visitor.fileDone(f, comments);
            doneBefore += size;
            progress.update(doneBefore, total, file.getFileName() + " read");
        }
        return !cancelled.getAsBoolean();
    }

    /**
     * The loading of one file's packets, given one by one with their capture point: each packet's
     * frame analysis (reassembly, TCP analysis) and its index entry.
     */
    static final class Pass {
        private final PacketStore store;
        private final int file;
        private final FrameAnalysis analysis;
        /** Packets of a plain file are read again from it when shown; a gzip file's are kept. */
        private final boolean inPlace;
        private final PacketView raw = new PacketView();
        private final PacketStore.Entry entry = new PacketStore.Entry();
        private long lastTime = Long.MIN_VALUE;
        /** Whether the file's timestamps never went back so far. */
        boolean sorted = true;

        Pass(PacketStore store, int file, FrameAnalysis analysis) {
            this.store = store;
            this.file = file;
            this.analysis = analysis;
            this.inPlace = !gzip(store.files().get(file));
        }

        void packet(int point, PacketRecord record, LayerStack stack) {
            boolean fragment = IpReassembler.fragmentedIpLayer(raw.wrap(stack)) >= 0;
            PacketView view = analysis.analyze(point, stack, record.frameNumber(), record.timestampNanos());
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
