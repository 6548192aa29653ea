package io.tunnelscope.capture;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapAddress;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.Pcaps;

/**
 * A live capture from one or more network interfaces through libpcap (pcap4j), read as one
 * {@link CaptureReader} of format {@link CaptureFormat#LIVE}: packets of all interfaces merged in
 * timestamp order, {@link PacketRecord#interfaceId()} the index of the packet's interface in
 * {@link #interfaces()} (so a {@link PcapngWriter} given {@link #interfaces()} can write them as
 * they come).
 *
 * <p>One pcap handle per interface (not promiscuous unless asked, snap length 262144, immediate
 * mode, nanosecond timestamps when libpcap offers them, else microseconds, the BPF filter on each
 * handle), each read by its own thread into one bounded queue. The consumer side holds packets in a
 * small reorder buffer ({@link Options#reorderNanos}, 50 ms) so that packets of different
 * interfaces come out in timestamp order. An interface that fails while capturing (it went down or
 * was deleted) is reported once to {@link #onInterfaceFailure} and the others go on; the capture
 * ends when every interface has stopped.
 *
 * <p>Life cycle: {@link #open(Options)} (handles active from then on), then either pull packets
 * with {@link #start()} and {@link #next(PacketRecord)} / {@link #poll(PacketRecord, long)} on one
 * thread, or push them with {@link #start(Listener)}, which calls the listener on a dispatch
 * thread; {@link #stop()} asks the readers to end (queued packets are still delivered);
 * {@link #close()} stops and waits for the threads. {@link #stats()} gives per-interface counts.
 */
public final class LiveCapture implements CaptureReader {
    /** Snap length of every handle: the largest packet Linux hands out. */
    public static final int DEFAULT_SNAP_LENGTH = 262144;
    /** What to do when capturing is not permitted. */
    public static final String PERMISSION_HINT = "run as root, or grant the java binary capabilities: "
            + "sudo setcap cap_net_raw,cap_net_admin=eip $(readlink -f $(which java))";

    /** What to capture and how. */
    public static final class Options {
        /** Interface names, in the order that gives their ids. */
        public final List<String> interfaces = new ArrayList<>();
        /** BPF filter applied on every handle, or null for every packet. */
        public String filter;
        /** Put the interfaces in promiscuous mode. */
        public boolean promiscuous;
        /** Bytes kept of each packet. */
        public int snapLength = DEFAULT_SNAP_LENGTH;
        /** How long a packet waits in the reorder buffer for an earlier one from another interface. */
        public long reorderNanos = 50_000_000L;
        /** Packets read but not yet consumed; readers wait (and the kernel drops) beyond it. */
        public int queueCapacity = 1 << 16;
        /** libpcap read timeout (packet buffer timeout when immediate mode is not available). */
        public int readTimeoutMillis = 100;

        /** Adds interfaces by name. */
        public Options interfaces(String... names) {
            Collections.addAll(interfaces, names);
            return this;
        }

        /** Sets the BPF filter. */
        public Options filter(String bpf) {
            this.filter = bpf;
            return this;
        }
    }

    /** Push-mode receiver of a capture ({@link #start(Listener)}), called on the dispatch thread. */
    public interface Listener {
        /** One packet; the record is refilled after the call returns (copy what must be kept). */
        void packet(PacketRecord record);

        /** The capture ended (every interface stopped); final counts per interface. */
        default void ended(List<InterfaceStats> stats) {
        }
    }

    /** What {@link #poll(PacketRecord, long)} found. */
    public enum Poll {
        /** The record holds the next packet. */
        PACKET,
        /** Nothing ready within the wait. */
        IDLE,
        /** Every interface stopped and every packet was delivered. */
        ENDED
    }

    /**
     * Counts of one interface. {@code received}, {@code dropped} and {@code droppedByInterface}
     * are libpcap's statistics ({@code pcap_stats}), -1 when it gave none.
     *
     * @param packets packets read from the handle
     * @param error   why the interface stopped early, or null
     */
    public record InterfaceStats(CaptureInterface iface, long packets, long received, long dropped,
                                 long droppedByInterface, String error) {
    }

    /** An interface libpcap can capture on, for listings. */
    public record Device(String name, String description, List<String> addresses, boolean loopback,
                         boolean up) {
    }

    private static final class Captured {
        final int iface;
        final long timestampNanos;
        final byte[] data;
        final int originalLength;
        final long sequence;
        final long arrivedNanos;

        Captured(int iface, long timestampNanos, byte[] data, int originalLength, long sequence, long arrivedNanos) {
            this.iface = iface;
            this.timestampNanos = timestampNanos;
            this.data = data;
            this.originalLength = originalLength;
            this.sequence = sequence;
            this.arrivedNanos = arrivedNanos;
        }
    }

    private final class Source implements Runnable {
        final int index;
        final PcapHandle handle;
        final CaptureInterface iface;
        final AtomicLong packets = new AtomicLong();
        volatile long received = -1;
        volatile long dropped = -1;
        volatile long droppedByInterface = -1;
        volatile String error;
        volatile boolean done;

        Source(int index, PcapHandle handle, CaptureInterface iface) {
            this.index = index;
            this.handle = handle;
            this.iface = iface;
        }

        @Override
        public void run() {
            long lastStats = System.nanoTime();
            try {
                read:
                while (!stopping) {
                    byte[] data;
                    try {
                        data = handle.getNextRawPacketEx();
                    } catch (TimeoutException e) {
                        data = null;
                    } catch (java.io.EOFException e) {
                        break;
                    } catch (PcapNativeException | NotOpenException | RuntimeException e) {
                        fail(describe(e));
                        break;
                    }
                    if (data != null) {
                        Captured packet = new Captured(index, timestampNanos(handle.getTimestamp()), data,
                                originalLength(handle, data.length), sequence.incrementAndGet(), System.nanoTime());
                        packets.incrementAndGet();
                        try {
                            while (!queue.offer(packet, readTimeoutMillis, TimeUnit.MILLISECONDS)) {
                                if (stopping) {
                                    break read;
                                }
                            }
                        } catch (InterruptedException e) {
                            break;
                        }
                    }
                    if (System.nanoTime() - lastStats > 1_000_000_000L) {
                        lastStats = System.nanoTime();
                        readStats();
                    }
                }
                readStats();
            } finally {
                done = true;
                handle.close();
                running.decrementAndGet();
            }
        }

        /** pcap_stats from the reading thread (Linux resets the kernel counters on each read). */
        private void readStats() {
            if (error != null) {
                return;
            }
            try {
                PcapStat stat = handle.getStats();
                received = stat.getNumPacketsReceived();
                dropped = stat.getNumPacketsDropped();
                droppedByInterface = stat.getNumPacketsDroppedByIf();
            } catch (PcapNativeException | NotOpenException | RuntimeException e) {
                // no statistics for this handle
            }
        }

        private void fail(String message) {
            error = message;
            if (!stopping) {
                BiConsumer<CaptureInterface, String> handler = failureHandler;
                if (handler != null) {
                    handler.accept(iface, message);
                }
            }
        }

        InterfaceStats stats() {
            return new InterfaceStats(iface, packets.get(), received, dropped, droppedByInterface, error);
        }
    }

    private final List<Source> sources;
    private final List<CaptureInterface> interfaces;
    private final long reorderNanos;
    private final int readTimeoutMillis;
    private final BlockingQueue<Captured> queue;
    private final PriorityQueue<Captured> pending = new PriorityQueue<>(
            Comparator.comparingLong((Captured c) -> c.timestampNanos).thenComparingLong(c -> c.sequence));
    private final int maxPending;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicInteger running = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;
    private volatile BiConsumer<CaptureInterface, String> failureHandler;
    private boolean started;
    private long frame;

    private LiveCapture(List<PcapHandle> handles, List<CaptureInterface> interfaces, Options options) {
        this.interfaces = List.copyOf(interfaces);
        this.reorderNanos = options.reorderNanos;
        this.readTimeoutMillis = options.readTimeoutMillis;
        this.queue = new ArrayBlockingQueue<>(options.queueCapacity);
        this.maxPending = options.queueCapacity;
        List<Source> list = new ArrayList<>();
        for (int i = 0; i < handles.size(); i++) {
            list.add(new Source(i, handles.get(i), interfaces.get(i)));
        }
        this.sources = List.copyOf(list);
    }

    /**
     * Opens a handle on every interface of {@code options} and applies the filter. Packets are
     * buffered by the kernel from now on; nothing is read before {@code start}.
     *
     * @throws LiveCaptureException with a message for the user: libpcap missing, no such
     *                              interface, interface down, permission denied, bad filter
     */
    public static LiveCapture open(Options options) throws LiveCaptureException {
        if (options.interfaces.isEmpty()) {
            throw new LiveCaptureException("no interface to capture on");
        }
        checkLibpcap();
        List<PcapHandle> handles = new ArrayList<>();
        List<CaptureInterface> interfaces = new ArrayList<>();
        boolean ok = false;
        try {
            for (String name : options.interfaces) {
                if (options.interfaces.indexOf(name) != interfaces.size()) {
                    throw new LiveCaptureException("interface " + name + " named twice");
                }
                PcapHandle handle = openHandle(name, options);
                handles.add(handle);
                if (options.filter != null && !options.filter.isBlank()) {
                    try {
                        handle.setFilter(options.filter, BpfProgram.BpfCompileMode.OPTIMIZE);
                    } catch (PcapNativeException | NotOpenException e) {
                        throw new LiveCaptureException("bad filter '" + options.filter + "' on " + name + ": "
                                + describe(e));
                    }
                }
                int linkType = linkTypeOfDlt(handle.getDlt().value());
                long ticks = handle.getTimestampPrecision() == PcapHandle.TimestampPrecision.NANO
                        ? 1_000_000_000L : 1_000_000L;
                interfaces.add(new CaptureInterface(interfaces.size(), linkType, name, description(name),
                        options.snapLength, ticks));
            }
            LiveCapture capture = new LiveCapture(handles, interfaces, options);
            ok = true;
            return capture;
        } finally {
            if (!ok) {
                handles.forEach(PcapHandle::close);
            }
        }
    }

    private static PcapHandle openHandle(String name, Options options) throws LiveCaptureException {
        PcapNativeException failure = null;
        // Nanosecond timestamps and immediate mode first; without them when libpcap refuses.
        for (int attempt = 0; attempt < 2; attempt++) {
            PcapHandle.Builder builder = new PcapHandle.Builder(name)
                    .snaplen(options.snapLength)
                    .promiscuousMode(options.promiscuous ? PcapNetworkInterface.PromiscuousMode.PROMISCUOUS
                            : PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                    .timeoutMillis(options.readTimeoutMillis);
            if (attempt == 0) {
                builder.immediateMode(true).timestampPrecision(PcapHandle.TimestampPrecision.NANO);
            }
            try {
                return builder.build();
            } catch (PcapNativeException e) {
                failure = e;
                Integer code = e.getReturnCode();
                // -5 no such device, -8 permission denied, -9 not up: no point in trying again.
                if (code != null && (code == -5 || code == -8 || code == -9)) {
                    break;
                }
            } catch (UnsatisfiedLinkError e) {
                // pcap_set_immediate_mode or pcap_set_tstamp_precision missing (libpcap < 1.5)
            }
        }
        throw cannotCapture(name, failure);
    }

    private static LiveCaptureException cannotCapture(String name, PcapNativeException e) {
        String message = e == null ? "libpcap refused" : describe(e);
        Integer code = e == null ? null : e.getReturnCode();
        String lower = message.toLowerCase(Locale.ROOT);
        if ((code != null && code == -8) || lower.contains("not permitted") || lower.contains("permission")) {
            return new LiveCaptureException("cannot capture on " + name + ": permission denied — " + PERMISSION_HINT, e);
        }
        if ((code != null && code == -5) || lower.contains("no such device")) {
            return new LiveCaptureException("cannot capture on " + name
                    + ": no such interface (tunnelscope live --list shows them)", e);
        }
        if ((code != null && code == -9) || lower.contains("not up")) {
            return new LiveCaptureException("cannot capture on " + name + ": the interface is down", e);
        }
        return new LiveCaptureException("cannot capture on " + name + ": " + message, e);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        return message.replace("Error occurred in pcap_next_ex(): ", "")
                .replace("Error occurred in pcap_compile: ", "");
    }

    private static void checkLibpcap() throws LiveCaptureException {
        try {
            Pcaps.libVersion();
        } catch (LinkageError e) {
            throw new LiveCaptureException("libpcap not found: install it (Debian/Ubuntu: apt-get install libpcap0.8; "
                    + "Fedora: dnf install libpcap) — " + e, e);
        }
    }

    /** The libpcap version string, or null when libpcap cannot be loaded. */
    public static String libpcapVersion() {
        try {
            return Pcaps.libVersion();
        } catch (LinkageError e) {
            return null;
        }
    }

    private static String description(String name) {
        try {
            PcapNetworkInterface device = Pcaps.getDevByName(name);
            return device == null ? null : device.getDescription();
        } catch (PcapNativeException | RuntimeException e) {
            return null;
        }
    }

    /** Maps a DLT_ value of the running system to the LINKTYPE_ value files use. */
    public static int linkTypeOfDlt(int dlt) {
        switch (dlt) {
            case 12:
            case 14:
                return LinkType.RAW;
            case 11:
                return 100; // DLT_ATM_RFC1483 -> LINKTYPE_ATM_RFC1483
            default:
                return dlt;
        }
    }

    /** Interfaces libpcap can capture on, with their addresses ({@code address/prefix}). */
    public static List<Device> devices() throws LiveCaptureException {
        checkLibpcap();
        List<PcapNetworkInterface> all;
        try {
            all = Pcaps.findAllDevs();
        } catch (PcapNativeException e) {
            throw new LiveCaptureException("cannot list interfaces: " + describe(e), e);
        }
        List<Device> devices = new ArrayList<>();
        for (PcapNetworkInterface nif : all) {
            List<String> addresses = new ArrayList<>();
            for (PcapAddress address : nif.getAddresses()) {
                InetAddress a = address.getAddress();
                if (a == null) {
                    continue;
                }
                String text = a.getHostAddress();
                int prefix = prefixLength(address.getNetmask());
                addresses.add(prefix >= 0 ? text + "/" + prefix : text);
            }
            devices.add(new Device(nif.getName(), nif.getDescription(), List.copyOf(addresses), nif.isLoopBack(),
                    nif.isUp()));
        }
        return devices;
    }

    /**
     * The link type of {@code device} as a handle reports it, or -1 when it cannot be opened (no
     * permission, interface down). Opens and closes a handle; reads nothing.
     */
    public static int probeLinkType(String device) {
        try {
            PcapHandle handle = new PcapHandle.Builder(device).snaplen(128).timeoutMillis(10).build();
            try {
                return linkTypeOfDlt(handle.getDlt().value());
            } finally {
                handle.close();
            }
        } catch (PcapNativeException | RuntimeException | LinkageError e) {
            return -1;
        }
    }

    /** libpcap's name of a DLT_ value ({@code EN10MB}, {@code RAW}...), or null. */
    public static String dltName(int dlt) {
        try {
            return Pcaps.dataLinkValToName(dlt);
        } catch (PcapNativeException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static int prefixLength(InetAddress netmask) {
        if (netmask == null) {
            return -1;
        }
        int bits = 0;
        for (byte b : netmask.getAddress()) {
            bits += Integer.bitCount(b & 0xFF);
        }
        return bits;
    }

    static long timestampNanos(Timestamp ts) {
        return Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
    }

    private static int originalLength(PcapHandle handle, int captured) {
        Integer length = handle.getOriginalLength();
        return length == null ? captured : Math.max(length, captured);
    }

    /**
     * Called once per interface that fails while capturing, on that interface's reader thread
     * (not for failures caused by {@link #stop()}). Set it before starting.
     */
    public void onInterfaceFailure(BiConsumer<CaptureInterface, String> handler) {
        this.failureHandler = handler;
    }

    /** Starts the reader threads; packets are pulled with {@link #next} or {@link #poll}. */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("capture already started");
        }
        started = true;
        running.set(sources.size());
        for (Source source : sources) {
            Thread thread = new Thread(source, "tunnelscope-live-" + source.iface.name());
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /**
     * Starts the reader threads and a dispatch thread that hands every packet, in timestamp
     * order, to {@code listener}, then calls {@link Listener#ended} once every interface stopped.
     */
    public synchronized void start(Listener listener) {
        start();
        Thread dispatch = new Thread(() -> {
            PacketRecord record = new PacketRecord();
            while (next(record)) {
                listener.packet(record);
            }
            listener.ended(stats());
        }, "tunnelscope-live-dispatch");
        dispatch.setDaemon(true);
        threads.add(dispatch);
        dispatch.start();
    }

    /**
     * Asks every reader to stop; packets already read are still delivered. Returns at once.
     * Readers blocked in libpcap are woken with {@code pcap_breakloop} (libpcap 1.10 and later
     * wake a blocked read; with older ones a reader waits for its next packet or read timeout).
     */
    public void stop() {
        stopping = true;
        for (Source source : sources) {
            if (!source.done) {
                try {
                    source.handle.breakLoop();
                } catch (NotOpenException | RuntimeException e) {
                    // already closed by its reader
                }
            }
        }
    }

    /** True once {@link #stop()} was called. */
    public boolean isStopping() {
        return stopping;
    }

    /** Stops and waits for the reader (and dispatch) threads; the handles are closed then. */
    @Override
    public void close() {
        stop();
        List<Thread> toJoin;
        synchronized (this) {
            toJoin = new ArrayList<>(threads);
            if (!started) {
                sources.forEach(s -> s.handle.close());
                started = true;
            }
        }
        boolean interrupted = false;
        for (Thread thread : toJoin) {
            if (thread == Thread.currentThread()) {
                continue;
            }
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Blocks until the next packet (true) or the end of the capture (false). */
    @Override
    public boolean next(PacketRecord record) {
        while (true) {
            Poll poll = poll(record, 1_000_000_000L);
            if (poll == Poll.PACKET) {
                return true;
            }
            if (poll == Poll.ENDED || Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
    }

    /**
     * Waits at most {@code maxWaitNanos} for the next packet in timestamp order. One consumer
     * thread only.
     */
    public Poll poll(PacketRecord record, long maxWaitNanos) {
        if (!started) {
            throw new IllegalStateException("capture not started");
        }
        long deadline = System.nanoTime() + maxWaitNanos;
        while (true) {
            queue.drainTo(pending);
            long now = System.nanoTime();
            boolean readersDone = running.get() == 0 && queue.isEmpty();
            Captured head = pending.peek();
            if (head != null) {
                if (readersDone || pending.size() >= maxPending || now - head.arrivedNanos >= reorderNanos) {
                    pending.poll();
                    record.set(ByteBuffer.wrap(head.data), 0, head.data.length, head.originalLength,
                            head.timestampNanos, interfaces.get(head.iface).linkType(), head.iface, ++frame, -1L);
                    return Poll.PACKET;
                }
            } else if (readersDone) {
                return Poll.ENDED;
            }
            long wait = deadline - now;
            if (wait <= 0) {
                return Poll.IDLE;
            }
            if (head != null) {
                wait = Math.min(wait, head.arrivedNanos + reorderNanos - now);
            }
            // Wake up now and then to notice readers that ended without sending anything.
            wait = Math.max(1, Math.min(wait, readTimeoutMillis * 1_000_000L));
            try {
                Captured packet = queue.poll(wait, TimeUnit.NANOSECONDS);
                if (packet != null) {
                    pending.add(packet);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Poll.IDLE;
            }
        }
    }

    /** Per-interface counts so far (final once the capture ended). */
    public List<InterfaceStats> stats() {
        List<InterfaceStats> stats = new ArrayList<>();
        for (Source source : sources) {
            stats.add(source.stats());
        }
        return stats;
    }

    /** Interfaces still capturing. */
    public int runningInterfaces() {
        return started ? running.get() : sources.size();
    }

    @Override
    public String name() {
        List<String> names = new ArrayList<>();
        interfaces.forEach(i -> names.add(i.name()));
        return String.join(",", names);
    }

    @Override
    public CaptureFormat format() {
        return CaptureFormat.LIVE;
    }

    /** The interfaces, id = index, with the link type and timestamp resolution of their handle. */
    @Override
    public List<CaptureInterface> interfaces() {
        return interfaces;
    }

    @Override
    public List<String> comments() {
        return List.of();
    }
}
