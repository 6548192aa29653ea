package io.tunnelscope.capture;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import org.pcap4j.core.PcapAddress;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.Pcaps;

/**
 * A live capture from one or more network interfaces through libpcap, read as one
 * {@link CaptureReader} of format {@link CaptureFormat#LIVE}: packets of all interfaces merged in
 * timestamp order, {@link PacketRecord#interfaceId()} the index of the packet's interface in
 * {@link #interfaces()} (so a {@link PcapngWriter} given {@link #interfaces()} can write them as
 * they come).
 *
 * <p>Built to keep up with bursts (a {@code ping -f} into a veth): one libpcap handle per
 * interface with a large kernel ring ({@link Options#bufferBytes}, 32 MiB by default; libpcap's
 * own default is 2 MiB) in TPACKET_V3 mode (not immediate mode, which falls back to fixed
 * frames: 32 of them in 2 MiB with a 256 KiB snap length), not promiscuous unless asked, snap
 * length 262144, nanosecond timestamps when offered. A reader thread per interface takes packets
 * out of libpcap in non-blocking batches (everything the ring holds, then a {@code poll} for
 * more) and copies them into batches of a bounded pool ({@link Options#queueBytes} per
 * interface) that it hands to the consumer. It never waits for the consumer: when the pool is
 * used up it goes on reading and drops the packet itself ({@link InterfaceStats#droppedByQueue}),
 * so libpcap's ring never fills because of a slow consumer. The consumer merges the interfaces'
 * batches in timestamp order, holding a batch at most {@link Options#reorderNanos} for an
 * interface that has nothing queued.
 *
 * <p>Counters are read once, at the end: the reader stops, makes the kernel drop every further
 * packet without counting it (a BPF program that accepts nothing), reads libpcap's statistics and
 * then reads the ring out until it holds nothing the statistics count. So for every interface
 * {@code received = packets + droppedByQueue + dropped + unread}, also for an interface that was
 * deleted under the capture ({@code unread}: what libpcap never hands out, see
 * {@link InterfaceStats}).
 *
 * <p>An interface that fails while capturing (it went down or was deleted) is reported once to
 * {@link #onInterfaceFailure} and the others go on; the capture ends when every interface has
 * stopped.
 *
 * <p>Life cycle: {@link #open(Options)} (handles active from then on), then either pull packets
 * with {@link #start()} and {@link #next(PacketRecord)} / {@link #poll(PacketRecord, long)} on one
 * thread, or push them with {@link #start(Listener)}, which calls the listener on a dispatch
 * thread; {@link #stop()} asks the readers to end (what they read is still delivered);
 * {@link #close()} stops and waits for the threads. {@link #stats()} gives per-interface counts,
 * final once the capture ended.
 */
public final class LiveCapture implements CaptureReader {
    /** Snap length of every handle: the largest packet Linux hands out. */
    public static final int DEFAULT_SNAP_LENGTH = 262144;
    /** Kernel ring per interface unless {@link Options#bufferBytes} says otherwise: 32 MiB. */
    public static final int DEFAULT_BUFFER_BYTES = 32 << 20;
    /** What to do when capturing is not permitted. */
    public static final String PERMISSION_HINT = "run as root, or grant the java binary capabilities: "
            + "sudo setcap cap_net_raw,cap_net_admin=eip $(readlink -f $(which java))";

    /** Bytes of packet data per batch; a batch also ends at {@link #BATCH_PACKETS}. */
    static final int BATCH_BYTES = 512 << 10;
    static final int BATCH_PACKETS = 4096;
    /** A partly filled batch is handed over at the latest this long after its first packet. */
    private static final long BATCH_AGE_NANOS = 10_000_000L;
    /** How long the end of a capture waits for the kernel to hand over what it counted. */
    private static final long DRAIN_GUARD_NANOS = 2_000_000_000L;

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
        /** libpcap's (the kernel's) buffer per interface, bytes: what absorbs bursts. */
        public int bufferBytes = DEFAULT_BUFFER_BYTES;
        /**
         * Packets read but not yet consumed, per interface, in bytes of batches: beyond it the
         * reader drops packets itself (counted) rather than wait.
         */
        public long queueBytes = 32L << 20;
        /** How long a batch waits for an interface that has nothing queued, to keep time order. */
        public long reorderNanos = 50_000_000L;
        /**
         * libpcap read timeout: how long the kernel holds a partly filled block before handing it
         * over (the latency of a quiet interface).
         */
        public int readTimeoutMillis = 20;

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
     * are libpcap's statistics ({@code pcap_stats}: packets that passed the filter, packets the
     * kernel dropped because the ring was full, packets the interface dropped), read once at the
     * end; -1 when libpcap gave none. Once the capture ended, {@code received = packets +
     * droppedByQueue + dropped + unread}.
     *
     * @param packets        packets read from libpcap and handed to the consumer
     * @param droppedByQueue packets read from libpcap and dropped because the consumer's queue
     *                       was full
     * @param unread         packets the kernel counted as received that libpcap never handed out:
     *                       the outgoing copies on a loopback device (libpcap skips them, as
     *                       tcpdump's "received by filter" shows), or what was left in the ring
     *                       when the interface failed; 0 on other interfaces
     * @param error          why the interface stopped early, or null
     */
    public record InterfaceStats(CaptureInterface iface, long packets, long received, long dropped,
                                 long droppedByInterface, long droppedByQueue, long unread, String error) {
    }

    /** An interface libpcap can capture on, for listings. */
    public record Device(String name, String description, List<String> addresses, boolean loopback,
                         boolean up) {
    }

    /** Packets of one interface, copied out of libpcap: handed from a reader to the consumer. */
    private static final class Batch {
        final byte[] data = new byte[BATCH_BYTES];
        final ByteBuffer buffer = ByteBuffer.wrap(data);
        final int[] offsets = new int[BATCH_PACKETS];
        final int[] lengths = new int[BATCH_PACKETS];
        final long[] wireLengths = new long[BATCH_PACKETS];
        final long[] nanos = new long[BATCH_PACKETS];
        int count;
        int used;
        /** Next packet the consumer takes. */
        int next;
        long firstReadNanos;
        long publishedNanos;

        boolean fits(int length) {
            return count < BATCH_PACKETS && used + length <= data.length;
        }

        void clear() {
            count = 0;
            used = 0;
            next = 0;
        }
    }

    private final class Source implements Runnable {
        final int index;
        final Pointer pcap;
        final CaptureInterface iface;
        final boolean nanosecond;
        final int maxBatches;
        final ArrayBlockingQueue<Batch> free;
        final ArrayBlockingQueue<Batch> ready;
        int allocated;
        /** Consumer side: the batch being taken apart. */
        Batch current;
        // Counts: written by the reader thread, read by others after `done` (volatile) is set.
        long read;
        long droppedByQueue;
        long received = -1;
        long dropped = -1;
        long droppedByInterface = -1;
        long unread;
        volatile String error;
        volatile boolean done;

        Source(int index, Pointer pcap, CaptureInterface iface, boolean nanosecond, int maxBatches) {
            this.index = index;
            this.pcap = pcap;
            this.iface = iface;
            this.nanosecond = nanosecond;
            this.maxBatches = maxBatches;
            this.free = new ArrayBlockingQueue<>(maxBatches);
            this.ready = new ArrayBlockingQueue<>(maxBatches);
        }

        /** A batch to fill, or null when every batch is queued for the consumer. */
        private Batch take() {
            Batch batch = free.poll();
            if (batch == null && allocated < maxBatches) {
                allocated++;
                batch = new Batch();
            }
            return batch;
        }

        private void publish(Batch batch) {
            batch.publishedNanos = System.nanoTime();
            ready.add(batch);
            signal.release();
        }

        @Override
        public void run() {
            Memory out = new Memory(2L * Native.POINTER_SIZE);
            Pointer dataSlot = out.share(Native.POINTER_SIZE);
            Memory pollFd = new Memory(8);
            NativeLong one = new NativeLong(1);
            Pointer header = new Pointer(0);
            Pointer packet = new Pointer(0);
            ByteBuffer headerBytes = ByteBuffer.allocate(Libpcap.PKTHDR_SIZE).order(ByteOrder.nativeOrder());
            int fd = Libpcap.pcap_get_selectable_fd(pcap);
            pollFd.setInt(0, fd);
            pollFd.setShort(4, Libpcap.POLLIN);
            Batch batch = null;
            try {
                while (!stopping) {
                    int result = Libpcap.pcap_next_ex(pcap, out, dataSlot);
                    if (result == 1) {
                        batch = keep(batch, out, header, packet, headerBytes);
                        if (batch != null && System.nanoTime() - batch.firstReadNanos > BATCH_AGE_NANOS) {
                            publish(batch);
                            batch = null;
                        }
                    } else if (result == 0) {
                        if (batch != null) {
                            publish(batch);
                            batch = null;
                        }
                        pollFd.setShort(6, (short) 0);
                        Libpcap.C.poll(pollFd, one, readTimeoutMillis);
                    } else {
                        if (result != Libpcap.ERROR_BREAK) {
                            fail(describe(Libpcap.error(pcap)));
                        }
                        break;
                    }
                }
                batch = finish(batch, fd, out, dataSlot, header, packet, headerBytes);
            } finally {
                if (batch != null && batch.count > 0) {
                    publish(batch);
                }
                Libpcap.pcap_close(pcap);
                done = true;
                running.decrementAndGet();
                signal.release();
            }
        }

        /** Copies the packet pcap_next_ex returned into {@code batch} (or a new one); counts a drop. */
        private Batch keep(Batch batch, Memory out, Pointer header, Pointer packet, ByteBuffer headerBytes) {
            read++;
            Pointer.nativeValue(header, Native.POINTER_SIZE == 8 ? out.getLong(0) : out.getInt(0));
            Pointer.nativeValue(packet, Native.POINTER_SIZE == 8 ? out.getLong(Native.POINTER_SIZE)
                    : out.getInt(Native.POINTER_SIZE));
            header.read(0, headerBytes.array(), 0, Libpcap.PKTHDR_SIZE);
            long seconds;
            long fraction;
            if (Native.LONG_SIZE == 8) {
                seconds = headerBytes.getLong(0);
                fraction = headerBytes.getLong(8);
            } else {
                seconds = headerBytes.getInt(0) & 0xFFFFFFFFL;
                fraction = headerBytes.getInt(4) & 0xFFFFFFFFL;
            }
            int length = headerBytes.getInt(2 * Native.LONG_SIZE);
            long wire = headerBytes.getInt(2 * Native.LONG_SIZE + 4) & 0xFFFFFFFFL;
            if (length < 0 || length > BATCH_BYTES) {
                length = Math.min(Math.max(length, 0), BATCH_BYTES);
            }
            if (batch != null && !batch.fits(length)) {
                publish(batch);
                batch = null;
            }
            if (batch == null) {
                batch = take();
                if (batch == null) {
                    droppedByQueue++;
                    return null;
                }
                batch.firstReadNanos = System.nanoTime();
            }
            int n = batch.count++;
            batch.offsets[n] = batch.used;
            batch.lengths[n] = length;
            batch.wireLengths[n] = Math.max(wire, length);
            batch.nanos[n] = seconds * 1_000_000_000L + (nanosecond ? fraction : fraction * 1000);
            packet.read(0, batch.data, batch.used, length);
            batch.used += length;
            return batch;
        }

        /**
         * The end: the kernel stops taking packets, the statistics are read, and the ring is read
         * out until it holds nothing they count (or a guard time passes).
         */
        private Batch finish(Batch batch, int fd, Memory out, Pointer dataSlot, Pointer header, Pointer packet,
                             ByteBuffer headerBytes) {
            boolean readable = error == null;
            boolean frozen = readable && fd >= 0 && Libpcap.freeze(fd);
            if (readable && !frozen) {
                // Counts cannot be stopped: read what is there, then take the counts as they are.
                while (Libpcap.pcap_next_ex(pcap, out, dataSlot) == 1) {
                    batch = keep(batch, out, header, packet, headerBytes);
                }
            }
            Memory stat = new Memory(12);
            long start = System.nanoTime();
            long lastPacket = start;
            // The kernel hands over a partly filled block when its timeout expires: quiet for
            // three timeouts, the ring holds nothing more (libpcap itself skips some packets the
            // kernel counted, such as the outgoing copies on loopback, so counts alone cannot say).
            long quiet = 3L * Math.max(1, readTimeoutMillis) * 1_000_000L + 10_000_000L;
            while (true) {
                if (Libpcap.pcap_stats(pcap, stat) != 0) {
                    return batch;
                }
                received = stat.getInt(0) & 0xFFFFFFFFL;
                dropped = stat.getInt(4) & 0xFFFFFFFFL;
                droppedByInterface = stat.getInt(8) & 0xFFFFFFFFL;
                long left = received - dropped - read;
                long now = System.nanoTime();
                if (left <= 0 || !readable || !frozen || now - lastPacket > quiet
                        || now - start > DRAIN_GUARD_NANOS) {
                    unread = Math.max(0, left);
                    return batch;
                }
                int result = Libpcap.pcap_next_ex(pcap, out, dataSlot);
                while (result == 1) {
                    batch = keep(batch, out, header, packet, headerBytes);
                    lastPacket = System.nanoTime();
                    result = Libpcap.pcap_next_ex(pcap, out, dataSlot);
                }
                if (result == 0) {
                    LockSupport.parkNanos(2_000_000L);
                } else if (result < 0) {
                    readable = false;
                }
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
            // The counts are the reader's: reading `done` first makes them final once it is set.
            boolean complete = done;
            return new InterfaceStats(iface, read - droppedByQueue, received, dropped, droppedByInterface,
                    droppedByQueue, complete ? unread : 0, error);
        }

        /** Consumer side: the batch holding this interface's next packet, or null for none now. */
        Batch head() {
            while (current == null || current.next >= current.count) {
                if (current != null) {
                    release(current);
                    current = null;
                }
                Batch batch = ready.poll();
                if (batch == null) {
                    return null;
                }
                current = batch;
            }
            return current;
        }

        void release(Batch batch) {
            batch.clear();
            free.add(batch);
        }
    }

    private final List<Source> sources;
    private final List<CaptureInterface> interfaces;
    private final long reorderNanos;
    private final int readTimeoutMillis;
    private final Semaphore signal = new Semaphore(0);
    private final AtomicInteger running = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;
    private volatile BiConsumer<CaptureInterface, String> failureHandler;
    private boolean started;
    private long frame;

    private LiveCapture(List<Pointer> handles, List<CaptureInterface> interfaces, List<Boolean> nanosecond,
                        Options options) {
        this.interfaces = List.copyOf(interfaces);
        this.reorderNanos = options.reorderNanos;
        this.readTimeoutMillis = options.readTimeoutMillis;
        int batches = (int) Math.max(2, Math.min(1 << 16, options.queueBytes / BATCH_BYTES));
        List<Source> list = new ArrayList<>();
        for (int i = 0; i < handles.size(); i++) {
            list.add(new Source(i, handles.get(i), interfaces.get(i), nanosecond.get(i), batches));
        }
        this.sources = List.copyOf(list);
    }

    /**
     * Opens a handle on every interface of {@code options} and applies the filter. Packets are
     * buffered by the kernel from now on; nothing is read before {@code start}.
     *
     * @throws LiveCaptureException with a message for the user: libpcap missing, an empty or
     *                              repeated interface name, no such interface, interface down,
     *                              permission denied, bad filter
     */
    public static LiveCapture open(Options options) throws LiveCaptureException {
        if (options.interfaces.isEmpty()) {
            throw new LiveCaptureException("no interface to capture on");
        }
        for (int i = 0; i < options.interfaces.size(); i++) {
            String name = options.interfaces.get(i);
            if (name == null || name.isEmpty()) {
                throw new LiveCaptureException("an interface name is empty (tunnelscope live --list shows them)");
            }
            if (options.interfaces.indexOf(name) != i) {
                throw new LiveCaptureException("interface " + name + " named twice");
            }
        }
        if (options.bufferBytes < 65536) {
            throw new LiveCaptureException("buffer size " + options.bufferBytes + " bytes is below 64 KiB");
        }
        checkLibpcap();
        List<Pointer> handles = new ArrayList<>();
        List<CaptureInterface> interfaces = new ArrayList<>();
        List<Boolean> nanosecond = new ArrayList<>();
        boolean ok = false;
        try {
            for (String name : options.interfaces) {
                Pointer pcap = openHandle(name, options);
                handles.add(pcap);
                if (options.filter != null && !options.filter.isBlank()) {
                    setFilter(pcap, name, options.filter);
                }
                byte[] errbuf = new byte[Libpcap.ERRBUF_SIZE];
                if (Libpcap.pcap_setnonblock(pcap, 1, errbuf) != 0) {
                    throw new LiveCaptureException("cannot capture on " + name + ": " + Libpcap.text(errbuf));
                }
                int linkType = linkTypeOfDlt(Libpcap.pcap_datalink(pcap));
                boolean nanos = Libpcap.pcap_get_tstamp_precision(pcap) == Libpcap.TSTAMP_PRECISION_NANO;
                nanosecond.add(nanos);
                interfaces.add(new CaptureInterface(interfaces.size(), linkType, name, description(name),
                        options.snapLength, nanos ? 1_000_000_000L : 1_000_000L));
            }
            LiveCapture capture = new LiveCapture(handles, interfaces, nanosecond, options);
            ok = true;
            return capture;
        } finally {
            if (!ok) {
                handles.forEach(Libpcap::pcap_close);
            }
        }
    }

    private static Pointer openHandle(String name, Options options) throws LiveCaptureException {
        byte[] errbuf = new byte[Libpcap.ERRBUF_SIZE];
        Pointer pcap = Libpcap.pcap_create(name, errbuf);
        if (pcap == null) {
            throw cannotCapture(name, Libpcap.ERROR, Libpcap.text(errbuf));
        }
        boolean ok = false;
        try {
            Libpcap.pcap_set_snaplen(pcap, options.snapLength);
            Libpcap.pcap_set_promisc(pcap, options.promiscuous ? 1 : 0);
            Libpcap.pcap_set_timeout(pcap, Math.max(1, options.readTimeoutMillis));
            Libpcap.pcap_set_buffer_size(pcap, options.bufferBytes);
            // Refused (PCAP_ERROR_TSTAMP_PRECISION_NOTSUP) where not offered: microseconds then.
            Libpcap.pcap_set_tstamp_precision(pcap, Libpcap.TSTAMP_PRECISION_NANO);
            int status = Libpcap.pcap_activate(pcap);
            if (status < 0) {
                throw cannotCapture(name, status, Libpcap.error(pcap));
            }
            ok = true;
            return pcap;
        } finally {
            if (!ok) {
                Libpcap.pcap_close(pcap);
            }
        }
    }

    private static void setFilter(Pointer pcap, String name, String filter) throws LiveCaptureException {
        Memory program = new Memory(Libpcap.BPF_PROGRAM_SIZE);
        program.clear();
        if (Libpcap.pcap_compile(pcap, program, filter, 1, Libpcap.NETMASK_UNKNOWN) != 0) {
            throw new LiveCaptureException("bad filter '" + filter + "' on " + name + ": "
                    + describe(Libpcap.error(pcap)));
        }
        try {
            if (Libpcap.pcap_setfilter(pcap, program) != 0) {
                throw new LiveCaptureException("bad filter '" + filter + "' on " + name + ": "
                        + describe(Libpcap.error(pcap)));
            }
        } finally {
            Libpcap.pcap_freecode(program);
        }
    }

    private static LiveCaptureException cannotCapture(String name, int code, String detail) {
        String message = detail == null || detail.isBlank() ? Libpcap.pcap_statustostr(code) : detail;
        String lower = message.toLowerCase(Locale.ROOT);
        if (code == Libpcap.ERROR_PERM_DENIED || code == Libpcap.ERROR_PROMISC_PERM_DENIED
                || lower.contains("not permitted") || lower.contains("permission")) {
            return new LiveCaptureException("cannot capture on " + name + ": permission denied — " + PERMISSION_HINT);
        }
        if (code == Libpcap.ERROR_NO_SUCH_DEVICE || lower.contains("no such device")) {
            return new LiveCaptureException("cannot capture on " + name
                    + ": no such interface (tunnelscope live --list shows them)");
        }
        if (code == Libpcap.ERROR_IFACE_NOT_UP || lower.contains("not up")) {
            return new LiveCaptureException("cannot capture on " + name + ": the interface is down");
        }
        return new LiveCaptureException("cannot capture on " + name + ": " + message);
    }

    private static String describe(String message) {
        if (message == null || message.isBlank()) {
            return "libpcap gave no reason";
        }
        return message.replace("Error occurred in pcap_next_ex(): ", "")
                .replace("Error occurred in pcap_compile: ", "");
    }

    private static void checkLibpcap() throws LiveCaptureException {
        if (Libpcap.UNAVAILABLE != null) {
            throw new LiveCaptureException("libpcap not found: install it (Debian/Ubuntu: apt-get install libpcap0.8; "
                    + "Fedora: dnf install libpcap) — " + Libpcap.UNAVAILABLE);
        }
    }

    /** The libpcap version string, or null when libpcap cannot be loaded. */
    public static String libpcapVersion() {
        if (Libpcap.UNAVAILABLE != null) {
            return null;
        }
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
        } catch (PcapNativeException | RuntimeException | LinkageError e) {
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
            throw new LiveCaptureException("cannot list interfaces: " + describe(e.getMessage()), e);
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
     * Asks every reader to stop; what they read is still delivered. Returns at once; a reader
     * notices within its read timeout, then reads out what the kernel counted (see the class).
     */
    public void stop() {
        stopping = true;
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
                sources.forEach(s -> {
                    Libpcap.pcap_close(s.pcap);
                    s.done = true;
                });
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
     * thread only; the record's bytes stay valid until the next call.
     */
    public Poll poll(PacketRecord record, long maxWaitNanos) {
        if (!started) {
            throw new IllegalStateException("capture not started");
        }
        long deadline = System.nanoTime() + maxWaitNanos;
        while (true) {
            signal.drainPermits();
            Source best = null;
            long bestNanos = 0;
            boolean waiting = false;
            for (Source source : sources) {
                // `done` before the queue: a reader publishes its last batch, then sets done.
                boolean finished = source.done;
                Batch batch = source.head();
                if (batch == null) {
                    waiting |= !finished;
                    continue;
                }
                long nanos = batch.nanos[batch.next];
                if (best == null || nanos < bestNanos) {
                    best = source;
                    bestNanos = nanos;
                }
            }
            long now = System.nanoTime();
            long wakeAt = deadline;
            if (best != null) {
                Batch batch = best.current;
                long holdUntil = batch.publishedNanos + reorderNanos;
                if (!waiting || now - holdUntil >= 0) {
                    int n = batch.next++;
                    record.set(batch.buffer, batch.offsets[n], batch.lengths[n], batch.wireLengths[n],
                            batch.nanos[n], best.iface.linkType(), best.index, ++frame, -1L);
                    return Poll.PACKET;
                }
                wakeAt = holdUntil - deadline < 0 ? holdUntil : deadline;
            } else if (!waiting) {
                return Poll.ENDED;
            }
            long wait = wakeAt - now;
            if (wait <= 0) {
                return Poll.IDLE;
            }
            try {
                signal.tryAcquire(wait, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Poll.IDLE;
            }
        }
    }

    /** Per-interface counts so far; final (and consistent, see {@link InterfaceStats}) once ended. */
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
