package io.tunnelscope.gui;

import io.tunnelscope.capture.CaptureFormatException;
import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.LayerType;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.decode.PointNames;
import io.tunnelscope.state.ClusterState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** Reads capture files into a {@link PacketStore}, decoding each packet once for its index entry. */
final class Loader {
    /** Progress callback: bytes done of total. */
    interface Progress {
        void update(long done, long total, String message);
    }

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
     * @return the errors, one line per file that could not be fully read
     */
    static List<String> load(List<Path> files, PacketStore store, Progress progress, BooleanSupplier cancelled)
            throws IOException {
        List<String> errors = new ArrayList<>();
        long total = 0;
        for (Path f : files) {
            total += Files.exists(f) ? Files.size(f) : 0;
        }
        PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
        PacketView view = new PacketView();
        PacketRecord record = new PacketRecord();
        store.fileStart = new int[files.size()];
        long doneBefore = 0;
        for (int f = 0; f < files.size(); f++) {
            Path file = files.get(f);
            store.files.add(file);
            store.fileStart[f] = store.size();
            Map<Long, Integer> pointByKey = new HashMap<>();
            try (CaptureReader reader = CaptureReaders.open(file)) {
                String stem = PointNames.stem(file.getFileName().toString(), reader.comments());
                int n = 0;
                while (reader.next(record)) {
                    if ((++n & 0x3FF) == 0) {
                        if (cancelled.getAsBoolean()) {
                            return errors;
                        }
                        progress.update(doneBefore + Math.min(record.fileOffset(), Files.size(file)), total,
                                file.getFileName() + ": " + n + " packets");
                    }
                    LayerStack stack = decoder.decode(record);
                    int ifIndex = PointNames.sll2IfIndex(stack);
                    long key = ((long) record.interfaceId() << 32) ^ (ifIndex & 0xFFFF_FFFFL) ^ record.linkType() * 31L;
                    Integer point = pointByKey.get(key);
                    if (point == null) {
                        String name = PointNames.of(stem, reader.interfaces(), record.interfaceId(), ifIndex);
                        point = store.points.size();
                        store.points.add(new PacketStore.Point(name, f, record.linkType()));
                        pointByKey.put(key, point);
                    }
                    view.wrap(stack);
                    int flags = flags(view, stack);
                    int inner = view.innerIpLayer();
                    store.add(record.timestampNanos(), (int) record.frameNumber(), point, record.buffer(),
                            record.offset(), record.capturedLength(),
                            (int) Math.min(record.originalLength(), Integer.MAX_VALUE), flags, (int) view.vni(),
                            inner >= 0 ? view.ipTotalLength(inner) : 0, protoCode(stack));
                }
            } catch (CaptureFormatException e) {
                errors.add(e.getMessage());
            } catch (IOException e) {
                errors.add(file + ": " + e.getMessage());
            }
            doneBefore += Files.exists(file) ? Files.size(file) : 0;
            progress.update(doneBefore, total, file.getFileName() + " read");
        }
        return errors;
    }

    static int flags(PacketView view, LayerStack stack) {
        int flags = 0;
        if (view.encapsulationCount() > 0) {
            flags |= PacketStore.TUNNELLED | (view.encapsulation(0) & PacketStore.ENCAP_MASK);
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
