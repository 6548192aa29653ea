package io.tunnelscope.correlate;

import io.tunnelscope.capture.LinkType;
import io.tunnelscope.collect.LongHashSet;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.PointNames;
import io.tunnelscope.report.CorrelationReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Follows packets across capture points and hosts, through encapsulation and NAT.
 *
 * <p>Two passes over the captures. The calibration pass reads the start of every capture (at most
 * {@link Options#calibrationPackets} IP packets per file), matches packets with a wide window and
 * estimates from the matches each point's clock offset ({@link ClockOffsets}) and the VTEP address
 * of each underlay point (the sender's underlay sees a tunnel packet before the receiver's does).
 * The main pass merges all captures in time order on the corrected clocks, groups the sightings of
 * each packet into journeys ({@link JourneyAssembler}, bounded by the match window) and hands each
 * journey to {@link JourneyAnalysis}, which aggregates paths, NAT, tunnels, topology and losses.
 */
public final class Correlator {

    /** Tuning of a correlation run. */
    public static final class Options {
        /** How far apart two sightings of one packet may be, after clock correction. */
        public long windowNanos = 2_000_000_000L;
        /** IP packets read per file to calibrate clocks and VTEPs. */
        public long calibrationPackets = 200_000;
        /**
         * Match window of the calibration pass, before clocks are corrected: hosts whose clocks
         * are up to half of it apart are matched (and so the skew found).
         */
        public long calibrationWindowNanos = 65_000_000_000L;
        /**
         * The cluster's pod network ({@code --cluster-cidr}, e.g. {@code 10.244.0.0/16}): its
         * addresses are pods even where no capture showed their subnet; null when not given.
         */
        public String clusterCidr;
        /** Capture points the user placed on hosts and devices ({@code --point}). */
        public List<PointMapping> pointMappings = List.of();
        /** Most journeys open at once; the oldest is closed early beyond it (and counted). */
        public int maxOpenJourneys = defaultMaxOpenJourneys();
        /** Keep every journey for the report (memory grows with the captures). */
        public boolean keepJourneys;
        /**
         * With {@link #keepJourneys}, keep only journeys of at least this many hops: 2 leaves out
         * the packets seen at one point only (a one-point capture keeps nothing).
         */
        public int keepJourneysFromHops = 1;
        /**
         * Read the files through a buffer instead of mapping them: a process that keeps little
         * garbage between collections (the viewer's) would otherwise keep every spent mapped window,
         * and so the whole file, resident until its next collection.
         */
        public boolean bufferedReading;
        /** Dispatch tables (decode-as overrides). */
        public DecodeTables tables = DecodeTables.defaults();
        /** Sees every packet of the main pass (not of the calibration pass), or null. */
        public PacketListener listener;
        /**
         * Read and decode every file on a thread of its own, ahead of the time-ordered merge (the
         * results are the same as reading inline). Applies to the passes without a listener: the
         * calibration pass, and the main pass when {@link #listener} is null; the main pass's
         * {@link #fileListeners} then run on those threads.
         */
        public boolean readAhead = true;
        /**
         * Makes a listener per capture file of the main pass (or null): each sees its file's
         * packets in file order on the thread that reads the file when {@link #readAhead} applies,
         * else on the caller's thread. Unlike {@link #listener}, it does not stop read-ahead.
         */
        public FilePacketListener.Factory fileListeners;
        /**
         * What reports and messages call a file instead of its path (and what its capture points
         * are named after), e.g. {@code "-"} for standard input spooled to a temporary file;
         * files not in the map go by their path.
         */
        public Map<Path, String> names = Map.of();
        /**
         * Calibrate and match even when the captures are a single point that sees each packet
         * once (see {@link SinglePoint}); only tests set it, to check that the shortcut changes
         * nothing.
         */
        boolean matchOnOnePoint;
    }

    private Correlator() {
    }

    /**
     * 2^20 open journeys, fewer when the heap is small (one per 2 KiB of maximum heap, at least
     * 2^16): an open journey with its sighting takes about 300 bytes, so the match table (and the
     * outer-header table, twice as many entries of ~40 bytes) stay within a fifth of the heap
     * (under -Xmx512m: 262,144 journeys).
     */
    static int defaultMaxOpenJourneys() {
        long byHeap = Runtime.getRuntime().maxMemory() / 2048;
        return (int) Math.max(1 << 16, Math.min(1 << 20, byHeap));
    }

    /** Correlates the given capture files, one or more capture points each. */
    public static CorrelationReport correlate(List<Path> files, Options options) throws IOException {
        Calibrated calibration = calibrate(files, options);
        HostModel model = new HostModel(options.pointMappings, calibration.plan);
        Registry registry = new Registry(model);
        List<String> errors = new ArrayList<>();
        OuterSightings outer = new OuterSightings(3 * options.windowNanos, 2 * options.maxOpenJourneys);
        JourneyAnalysis analysis = new JourneyAnalysis(registry.points, model, options.keepJourneys, outer);
        analysis.clusterCidr(options.clusterCidr);
        analysis.keepJourneysFrom(options.keepJourneysFromHops);
        JourneyAssembler assembler = new JourneyAssembler(options.windowNanos, options.maxOpenJourneys,
                registry::repeatsAllowed, analysis);
        List<CaptureCursor> cursors = open(files, options, registry, Long.MAX_VALUE, errors);
        OpaqueTunnels opaque = new OpaqueTunnels(p -> registry.points.get(p).host, options.windowNanos,
                2 * options.maxOpenJourneys);
        for (CaptureCursor cursor : cursors) {
            cursor.listener(options.listener);
            if (options.fileListeners != null) {
                cursor.fileListener(options.fileListeners.forFile(cursor.fileIndex, cursor.path()));
            }
            if (options.listener == null && options.readAhead) {
                cursor.readAhead();
            }
        }
        SinglePoint single = calibration.onePoint && !options.matchOnOnePoint ? new SinglePoint(analysis) : null;
        try {
            if (single != null) {
                merge(cursors, registry, single);
            } else {
                LongHashSet mirrors = calibration.mirrors;
                merge(cursors, registry, o -> {
                    outer.add(o);
                    opaque.accept(o);
                    if (mirrors.size() > 0 && o.encapsulated()) {
                        copyOfAMirror(o, mirrors);
                    }
                    assembler.add(o);
                });
            }
        } finally {
            closeAll(cursors);
        }
        assembler.flush();
        for (CaptureCursor cursor : cursors) {
            if (cursor.error() != null) {
                errors.add(cursor.error());
            }
        }
        List<String> limits = new ArrayList<>();
        if (outer.forgottenEarly() > 0) {
            limits.add("outer-header table full: " + outer.forgottenEarly()
                    + " tunnel sightings forgotten before their window ended");
        }
        return analysis.report(errors, limits, assembler.evictedEarly());
    }

    /**
     * A sighting inside a mirror's tunnel ({@link TunnelMacs#mirrorTunnels()}) is a copy: a packet
     * of its own that goes from the mirroring host to the collector, not a hop of the packet it
     * copies. Its identity takes the tunnel in, so it joins only the other sightings of that copy.
     */
    private static void copyOfAMirror(Observation o, LongHashSet mirrors) {
        long tunnel = TunnelMacs.key(o);
        if (mirrors.contains(tunnel)) {
            o.identity = PacketIdentity.mix(o.identity, tunnel);
            o.ipIdentity = PacketIdentity.mix(o.ipIdentity, tunnel);
        }
    }

    /**
     * What the calibration pass decided, by point and host name (point indexes differ between
     * passes), and whether the captures are one point that sees each packet once (see
     * {@link SinglePoint}).
     */
    private record Calibrated(HostModel.Plan plan, boolean onePoint, LongHashSet mirrors) {
    }

    /**
     * The main pass when the captures are a single point that sees each packet once: no sighting
     * can ever join another (a second sighting at the same point is another packet), so each
     * observation is a journey of one hop, finished at once. Holding it for the match window, as
     * the assembler does, would hand the analysis the same journeys in the same order, only later:
     * the analysis of a one-hop journey looks at nothing but its hop (there is no other point to
     * have lost it or to have seen its outer header). So the match and outer-header tables are
     * skipped, and with them a window of packets held in memory.
     */
    private static final class SinglePoint extends java.util.AbstractList<Observation>
            implements java.util.function.Consumer<Observation>, java.util.RandomAccess {
        private final JourneyAnalysis analysis;
        private Observation hop;

        SinglePoint(JourneyAnalysis analysis) {
            this.analysis = analysis;
        }

        @Override
        public void accept(Observation o) {
            hop = o;
            analysis.journey(this);
            hop = null;
        }

        @Override
        public Observation get(int index) {
            if (index != 0) {
                throw new IndexOutOfBoundsException(index);
            }
            return hop;
        }

        @Override
        public int size() {
            return 1;
        }
    }

    /**
     * Hops of the calibration's journeys kept for the VTEP votes (compactly, only journeys with a
     * tunnel sighting): at most this many, whatever the number and size of the captures.
     */
    static final int MAX_CALIBRATION_HOPS = 1 << 20;

    private static Calibrated calibrate(List<Path> files, Options options) throws IOException {
        HostModel model = new HostModel(options.pointMappings, HostModel.Plan.NONE);
        Registry registry = new Registry(model);
        CompactJourneys journeys = new CompactJourneys(MAX_CALIBRATION_HOPS);
        TunnelMacs tunnelMacs = new TunnelMacs();
        JourneyAssembler assembler = new JourneyAssembler(options.calibrationWindowNanos,
                options.maxOpenJourneys, registry::repeatsAllowed, hops -> {
                    for (int i = 0; i < hops.size(); i++) {
                        tunnelMacs.add(hops.get(i));
                    }
                    if (hops.size() > 1) {
                        journeys.add(hops, addressClass(hops));
                    }
                });
        List<CaptureCursor> cursors = open(files, options, registry, options.calibrationPackets, new ArrayList<>());
        if (files.size() == 1 && cursors.size() == 1 && cursors.get(0).onePoint()) {
            // Nothing to match: every clock offset is 0 and no journey can vote for a VTEP.
            closeAll(cursors);
            return new Calibrated(HostModel.Plan.NONE, true, new LongHashSet());
        }
        if (options.readAhead) {
            for (CaptureCursor cursor : cursors) {
                cursor.readAhead();
            }
        }
        OpaqueTunnels opaque = new OpaqueTunnels(p -> registry.points.get(p).host, options.calibrationWindowNanos,
                2 * options.maxOpenJourneys, p -> !"file".equals(registry.points.get(p).host.source));
        try {
            merge(cursors, registry, o -> {
                opaque.accept(o);
                assembler.add(o);
            });
        } finally {
            closeAll(cursors);
        }
        assembler.flush();
        return new Calibrated(new Calibration(registry.points, model, journeys, tunnelMacs.vtepMacs()).decide(), false,
                tunnelMacs.mirrorTunnels());
    }

    /**
     * The order of a journey's inner addresses, seen at its lowest-numbered point: the same for
     * every packet of a flow and the opposite for its replies (NAT may rewrite them on the way, but
     * not at one point), so it tells the two directions apart without trusting clocks.
     */
    private static boolean addressClass(List<Observation> hops) {
        Observation reference = hops.get(0);
        for (int i = 1; i < hops.size(); i++) {
            if (hops.get(i).point < reference.point) {
                reference = hops.get(i);
            }
        }
        return compareUnsigned(reference.srcHigh, reference.srcLow, reference.dstHigh, reference.dstLow) < 0;
    }

    private static List<CaptureCursor> open(List<Path> files, Options options, Registry registry,
                                            long limit, List<String> errors) throws IOException {
        List<CaptureCursor> cursors = new ArrayList<>();
        Map<String, Integer> stems = new HashMap<>();
        for (Path file : files) {
            stems.merge(PointNames.stem(PointNames.fileName(options.names.getOrDefault(file, file.toString()))), 1,
                    Integer::sum);
        }
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            String name = options.names.getOrDefault(file, file.toString());
            String stem = PointNames.stem(PointNames.fileName(name));
            Path parent = Path.of(name).toAbsolutePath().getParent();
            if (stems.get(stem) > 1 && parent != null && parent.getFileName() != null) {
                // Files of one name in several directories (DIR/NODE/eth0.pcapng): the directory tells them apart.
                stem = parent.getFileName() + "/" + stem;
            }
            try {
                CaptureCursor cursor = new CaptureCursor(file, name, stem, options.tables, registry, limit,
                        options.bufferedReading);
                cursor.fileIndex = i;
                cursors.add(cursor);
            } catch (IOException e) {
                String problem = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                        : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage();
                errors.add(e instanceof io.tunnelscope.capture.CaptureFormatException ? e.getMessage()
                        : name + ": " + problem);
            }
        }
        return cursors;
    }

    /**
     * Feeds every observation of every cursor to the assembler in corrected-time order; of
     * observations at the same corrected time, the earlier file's come first (so the order is
     * fixed by the inputs alone, and per-file listeners can tell it: see FilePacketListener).
     */
    private static void merge(List<CaptureCursor> cursors, Registry registry,
                              java.util.function.Consumer<Observation> sink) {
        PriorityQueue<CaptureCursor> queue = new PriorityQueue<>(Math.max(1, cursors.size()),
                Comparator.comparingLong((CaptureCursor c) -> c.current.adjustedNanos)
                        .thenComparingInt(c -> c.fileIndex));
        for (CaptureCursor cursor : cursors) {
            if (advance(cursor, registry)) {
                queue.add(cursor);
            }
        }
        while (!queue.isEmpty()) {
            CaptureCursor cursor = queue.poll();
            sink.accept(cursor.current);
            if (advance(cursor, registry)) {
                queue.add(cursor);
            }
        }
    }

    private static boolean advance(CaptureCursor cursor, Registry registry) {
        if (!cursor.advance()) {
            cursor.markPointsExhausted();
            return false;
        }
        cursor.current.adjustedNanos = cursor.current.timestampNanos - registry.offset(cursor.current.point);
        return true;
    }

    private static void closeAll(List<CaptureCursor> cursors) throws IOException {
        IOException first = null;
        for (CaptureCursor cursor : cursors) {
            try {
                cursor.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    static int compareUnsigned(long aHigh, long aLow, long bHigh, long bLow) {
        int high = Long.compareUnsigned(aHigh, bHigh);
        return high != 0 ? high : Long.compareUnsigned(aLow, bLow);
    }

    /** The capture points of one pass, placed on the hosts and devices of its {@link HostModel}. */
    private static final class Registry implements CaptureCursor.PointRegistry {
        final List<CapturePoint> points = new ArrayList<>();
        final HostModel model;

        Registry(HostModel model) {
            this.model = model;
        }

        @Override
        public CapturePoint create(HostModel.PointFacts facts) {
            String unique = facts.name();
            for (int n = 2; nameTaken(unique); n++) {
                unique = facts.name() + "#" + n;
            }
            CapturePoint point = new CapturePoint(points.size(), unique, facts.file().toString(), facts.linkType(),
                    facts.interfaceName());
            points.add(point);
            model.place(point, new HostModel.PointFacts(unique, facts.file(), facts.stem(), facts.linkType(),
                    facts.interfaceName(), facts.interfaceCount(), facts.interfaceSuffix(), facts.nodeComment()));
            return point;
        }

        private boolean nameTaken(String name) {
            for (CapturePoint point : points) {
                if (point.name.equals(name)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public long offset(int point) {
            return points.get(point).host.offsetNanos;
        }

        /** An {@code any} capture without interface index sees one packet once per interface. */
        boolean repeatsAllowed(int point) {
            return points.get(point).linkType == LinkType.LINUX_SLL;
        }
    }
}
