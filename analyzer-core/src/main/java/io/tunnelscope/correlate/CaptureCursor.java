package io.tunnelscope.correlate;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.capture.CaptureFormat;
import io.tunnelscope.capture.CaptureFormatException;
import io.tunnelscope.capture.CaptureInterface;
import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.LinkType;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.Addresses;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.Encapsulation;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.LayerType;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.decode.PointNames;
import io.tunnelscope.proto.ethernet.EthernetHeader;
import io.tunnelscope.proto.sll.LinuxSll2Header;
import io.tunnelscope.proto.tcp.TcpHeader;
import io.tunnelscope.proto.sll.LinuxSllHeader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Reads one capture file packet by packet, assigns each packet to its capture point (splitting
 * multi-interface pcapng files and {@code any} captures by interface) and turns every IP packet
 * into an {@link Observation}. A broken file ends the cursor with its error kept; everything read
 * before it stays.
 */
final class CaptureCursor implements Closeable {
    private final Path path;
    /** What reports and messages call the file. */
    private final String name;
    private final String baseName;
    private final CaptureReader reader;
    private final PacketDecoder decoder;
    private final PacketView view = new PacketView();
    private final PacketRecord record = new PacketRecord();
    private final LinuxSllHeader cooked = new LinuxSllHeader();
    /** The sighting shown to listeners: the current packet's observation (null when it has none). */
    private final Current sighting = new Current();
    private final LinuxSll2Header cooked2 = new LinuxSll2Header();
    /** The current packet's cooked packet type and link-layer source, set by {@link #linkFacts}. */
    private int packetType;
    private long linkSource;
    private boolean rawLink;
    private boolean loopbackLink;
    private final Map<Long, CapturePoint> pointsByInterface = new HashMap<>();
    /** The point of the previous packet (most files have one). */
    private CapturePoint lastPoint;
    private long lastPointKey;
    private final PointRegistry registry;
    /** The node this file was captured on, as its section comment says ({@code tunnelscope-node=}), or null. */
    private final String nodeComment;
    /** Linux cooked v1 packets split by what their header shows: labels by key, at most {@value #MAX_COOKED_LABELS}. */
    private final Map<Long, String> cookedLabels = new HashMap<>();
    private final long limit;
    private long observations;
    private boolean exhausted;
    private String error;
    private PacketListener listener;
    private FilePacketListener fileListener;
    /** The largest corrected time of the observations delivered so far (see FilePacketListener). */
    private long release = Long.MIN_VALUE;
    /** Position of this file in the list correlated. */
    int fileIndex;
    Observation current;

    /** Allocates capture points across all cursors so every point has one index. */
    interface PointRegistry {
        /** A new capture point, placed on its host and device. */
        CapturePoint create(HostModel.PointFacts facts);

        /** The clock offset of a point: its corrected time is its timestamp less this. */
        long offset(int point);
    }

    /** A cursor named after its file: {@code name} is what reports call it (its path, or {@code -}). */
    CaptureCursor(Path path, String name, DecodeTables tables, PointRegistry registry, long limit) throws IOException {
        this(path, name, PointNames.stem(PointNames.fileName(name)), tables, registry, limit, false);
    }

    /**
     * A cursor whose points are named after {@code baseName} (the file's stem, unless that is
     * ambiguous); {@code name} is what reports call the file. With {@code buffered}, the file is read
     * through a buffer instead of mapped ({@link CaptureReaders#openBuffered}).
     */
    CaptureCursor(Path path, String name, String baseName, DecodeTables tables, PointRegistry registry, long limit,
                  boolean buffered) throws IOException {
        this.path = path;
        this.name = name;
        this.reader = buffered ? CaptureReaders.openBuffered(path, name) : CaptureReaders.open(path, name);
        // A capture collect wrote names its node: its points are NODE-DEVICE, as the lab's files are.
        this.baseName = PointNames.node(reader.comments()) != null
                ? PointNames.stem(PointNames.fileName(name), reader.comments()) : baseName;
        this.nodeComment = PointNames.node(reader.comments());
        this.decoder = new PacketDecoder(tables);
        this.registry = registry;
        this.limit = limit;
    }

    /** Shows every packet read from now on to {@code listener} (null for none). */
    void listener(PacketListener listener) {
        this.listener = listener;
    }

    /** Shows every packet read from now on to {@code listener} (null for none), on the reading thread. */
    void fileListener(FilePacketListener listener) {
        this.fileListener = listener;
    }

    /**
     * Whether every packet of this file is at one capture point that sees each packet once: a
     * classic pcap file (one interface), unless its link type is Linux cooked v1 (an {@code any}
     * capture sees a packet once per interface) or v2 (its packets are split by interface index).
     */
    boolean onePoint() {
        if (reader.format() != CaptureFormat.PCAP || reader.interfaces().size() != 1) {
            return false;
        }
        int linkType = reader.interfaces().get(0).linkType();
        return linkType != LinkType.LINUX_SLL && linkType != LinkType.LINUX_SLL2;
    }

    Path path() {
        return path;
    }

    /** Marks every point of this file as fully read (its capture has ended). */
    void markPointsExhausted() {
        for (CapturePoint point : pointsByInterface.values()) {
            point.exhausted = true;
            point.recordedEndNanos = reader.endNanos(point.interfaceId);
            point.recordedDrops = reader.drops(point.interfaceId);
        }
    }

    boolean exhausted() {
        return exhausted;
    }

    /** The framing error that ended this file early, or null. */
    String error() {
        return error;
    }

    /** Moves to the next IP packet; false when the file (or the limit) is done. */
    boolean advance() {
        if (prefetch != null) {
            return advancePrefetched();
        }
        current = null;
        if (exhausted) {
            return false;
        }
        try {
            while (observations < limit && reader.next(record)) {
                LayerStack stack = decoder.decode(record);
                CapturePoint point = pointOf(stack);
                point.packets++;
                point.sawTime(record.timestampNanos());
                view.wrap(stack);
                collectLinkFacts(point, stack);
                linkFacts(stack);
                countLinkFacts(point);
                int inner = view.innerIpLayer();
                Observation o = inner >= 0 && routable(inner) ? observe(point.index, stack, inner) : null;
                sighting.current = o;
                if (listener != null) {
                    listener.packet(point.name, point.file, record, stack, view, sighting);
                }
                if (fileListener != null) {
                    fileListener.packet(point.name, point.file, release, record, stack, view, sighting);
                }
                sighting.current = null;
                if (o == null) {
                    continue;
                }
                point.ipPackets++;
                release = Math.max(release, record.timestampNanos() - registry.offset(point.index));
                current = o;
                current.device = point.device.index;
                count(point, current);
                observations++;
                return true;
            }
        } catch (CaptureFormatException e) {
            error = e.getMessage();
        } catch (IOException e) {
            error = path + ": " + e.getMessage();
        }
        exhausted = true;
        return false;
    }

    /**
     * Multicast, broadcast and unspecified-source packets stay on their link (IGMP reports, DHCP,
     * neighbour discovery): they never cross an overlay, and identical ones sent by different
     * hosts would match each other.
     */
    private boolean routable(int ip) {
        if (view.ipVersion(ip) == 4) {
            int src = view.ipv4Source(ip);
            int dst = view.ipv4Destination(ip);
            return src != 0 && (dst >>> 28) != 0xE && dst != -1;
        }
        int dst = view.ipv6DestinationOffset(ip);
        int src = view.ipv6SourceOffset(ip);
        return dst >= 0 && (view.stack().buffer().get(dst) & 0xff) != 0xff
                && (view.stack().buffer().getLong(src) != 0 || view.stack().buffer().getLong(src + Long.BYTES) != 0);
    }

    private int resolutionNanos() {
        List<CaptureInterface> interfaces = reader.interfaces();
        int id = Math.max(0, record.interfaceId());
        long ticks = id < interfaces.size() ? interfaces.get(id).ticksPerSecond() : 1_000_000_000L;
        return ticks >= 1_000_000_000L || ticks <= 0 ? 1 : (int) Math.min(1_000_000_000L, 1_000_000_000L / ticks);
    }

    private CapturePoint pointOf(LayerStack stack) {
        long key = pointKey(stack);
        if (lastPoint != null && key == lastPointKey) {
            return lastPoint;
        }
        CapturePoint point = pointsByInterface.get(key);
        if (point == null) {
            int id = record.interfaceId();
            point = registry.create(facts(stack, key));
            point.interfaceId = id;
            pointsByInterface.put(key, point);
        }
        lastPoint = point;
        lastPointKey = key;
        return point;
    }

    private static final int MAX_COOKED_LABELS = 32;

    /**
     * Which capture point a packet belongs to, as a number: its pcapng interface, with a Linux
     * cooked v2 packet's interface index, or with what a cooked v1 header shows (v1 has no index:
     * the packet type and link-layer address, {@link #cookedLabel}).
     */
    private long pointKey(LayerStack stack) {
        long key = (long) record.interfaceId() << 32;
        int ifIndex = PointNames.sll2IfIndex(stack);
        if (ifIndex >= 0) {
            return key ^ (ifIndex & 0xFFFF_FFFFL);
        }
        if (stack.linkType() == LinkType.LINUX_SLL) {
            return key ^ (cookedKey(stack) & 0x7FFF_FFFFL | 0x8000_0000L);
        }
        return key ^ 0xFFFF_FFFFL;
    }

    /** A cooked v1 packet's packet type and link-layer address, as a number (see {@link #cookedLabel}). */
    private long cookedKey(LayerStack stack) {
        int sll = stack.indexOf(LayerType.LINUX_SLL);
        if (sll < 0 || stack.headerLength(sll) < LinuxSllHeader.LENGTH) {
            return 0;
        }
        cooked.wrap(stack.buffer(), stack.offset(sll), stack.headerLength(sll));
        long mac = cooked.arphrdType() == 1 && cooked.addressLength() == 6 ? mac(stack, cooked.addressOffset()) : 0;
        long key = (mac * 31 + cooked.packetType()) * 31 + (cooked.arphrdType() == 1 ? 1 : 2);
        return key == 0 ? 1 : key;
    }

    /**
     * The label of a cooked v1 point: direction ({@code in}, {@code other}, {@code out}, ...) and
     * the link-layer address, e.g. {@code out-02:42:b7:5e:00:01} ({@code raw} for devices without
     * Ethernet header); past {@value #MAX_COOKED_LABELS} labels a file's further packets share one.
     */
    private String cookedLabel(LayerStack stack, long key) {
        String label = cookedLabels.get(key);
        if (label != null) {
            return label;
        }
        int sll = stack.indexOf(LayerType.LINUX_SLL);
        if (cookedLabels.size() >= MAX_COOKED_LABELS || sll < 0 || stack.headerLength(sll) < LinuxSllHeader.LENGTH) {
            label = "cooked";
        } else {
            cooked.wrap(stack.buffer(), stack.offset(sll), stack.headerLength(sll));
            String direction;
            switch (cooked.packetType()) {
                case 0: direction = "in"; break;
                case 1: direction = "bcast"; break;
                case 2: direction = "mcast"; break;
                case 3: direction = "other"; break;
                case 4: direction = "out"; break;
                default: direction = "type" + cooked.packetType(); break;
            }
            label = cooked.arphrdType() == 772 ? "lo" : direction + "-" + (cooked.arphrdType() == 1
                    && cooked.addressLength() == 6 ? IpAddresses.formatMac(mac(stack, cooked.addressOffset())) : "raw");
        }
        cookedLabels.put(key, label);
        return label;
    }

    /** What is known of the point a packet with point key {@code key} belongs to. */
    private HostModel.PointFacts facts(LayerStack stack, long key) {
        List<CaptureInterface> interfaces = reader.interfaces();
        int id = record.interfaceId();
        String interfaceName = id >= 0 && id < interfaces.size() ? interfaces.get(id).name() : null;
        int ifIndex = PointNames.sll2IfIndex(stack);
        String suffix;
        String pointName = PointNames.of(baseName, interfaces, id, ifIndex);
        if (ifIndex >= 0) {
            suffix = "ifindex" + ifIndex;
        } else if (stack.linkType() == LinkType.LINUX_SLL) {
            suffix = cookedLabel(stack, (key & 0xFFFF_FFFFL) ^ 0x8000_0000L);
            pointName = pointName + ":" + suffix;
        } else {
            suffix = interfaces.size() > 1 ? (interfaceName != null ? interfaceName : "if" + id) : null;
        }
        return new HostModel.PointFacts(pointName, Path.of(name), PointNames.stem(PointNames.fileName(name)),
                record.linkType(), interfaceName, interfaces.size(), suffix, nodeComment);
    }

    /**
     * Reads what the link layer shows of the current packet: a Linux cooked header's packet type
     * and link-layer address, or the Ethernet source; and whether the device has no Ethernet
     * header (a TUN device in an {@code any} capture).
     */
    private void linkFacts(LayerStack stack) {
        packetType = -1;
        linkSource = -1;
        rawLink = false;
        loopbackLink = false;
        if (stack.count() == 0) {
            return;
        }
        int type = stack.type(0);
        if (type == LayerType.ETHERNET && stack.headerLength(0) >= EthernetHeader.LENGTH) {
            linkSource = mac(stack, stack.offset(0) + EthernetHeader.SOURCE_OFFSET);
        } else if (type == LayerType.LINUX_SLL && stack.headerLength(0) >= LinuxSllHeader.LENGTH) {
            cooked.wrap(stack.buffer(), stack.offset(0), stack.headerLength(0));
            packetType = cooked.packetType();
            rawLink = cooked.arphrdType() != 1 && cooked.arphrdType() != 772;
            loopbackLink = cooked.arphrdType() == 772;
            if (!rawLink && cooked.addressLength() == 6) {
                linkSource = mac(stack, cooked.addressOffset());
            }
        } else if (type == LayerType.LINUX_SLL2 && stack.headerLength(0) >= LinuxSll2Header.LENGTH) {
            cooked2.wrap(stack.buffer(), stack.offset(0), stack.headerLength(0));
            packetType = cooked2.packetType();
            rawLink = cooked2.arphrdType() != 1 && cooked2.arphrdType() != 772;
            loopbackLink = cooked2.arphrdType() == 772;
            if (!rawLink && cooked2.addressLength() == 6) {
                linkSource = mac(stack, cooked2.addressOffset());
            }
        }
    }

    /** Counts the current packet's link facts ({@link #linkFacts}) at its point. */
    private void countLinkFacts(CapturePoint point) {
        point.sawPacketType(packetType);
        if (rawLink) {
            point.rawIpPackets++;
        }
        if (packetType >= 0 && linkSource >= 0) {
            point.sawMac(linkSource); // a cooked header's address: the frame's source MAC
        }
        point.loopback |= loopbackLink;
    }

    private void collectLinkFacts(CapturePoint point, LayerStack stack) {
        if (stack.count() > 0 && stack.type(0) == LayerType.ETHERNET && stack.headerLength(0) >= EthernetHeader.LENGTH) {
            point.sawMac(mac(stack, stack.offset(0) + EthernetHeader.SOURCE_OFFSET));
            point.sawMac(mac(stack, stack.offset(0) + EthernetHeader.DESTINATION_OFFSET));
        }
        int arp = stack.indexOf(LayerType.ARP);
        if (arp >= 0) {
            int sender = view.arpSenderIpv4(arp);
            int target = view.arpTargetIpv4(arp);
            if (view.arpOperation(arp) > 0) {
                point.sawArpAddress(sender);
                point.sawArpAddress(target);
            }
        }
    }

    private static long mac(LayerStack stack, int offset) {
        return Addresses.mac(stack.buffer(), offset);
    }

    /** What an observation tells of its point: inner IPv4 addresses, tunnel packets by kind. */
    private static void count(CapturePoint point, Observation o) {
        if (!IpAddresses.isIpv4(o.srcHigh, o.srcLow) && !IpAddresses.linkScoped(o.srcHigh, o.srcLow, o.dstHigh, o.dstLow)) {
            point.routedIpv6Packets++;
        }
        if (IpAddresses.isIpv4(o.srcHigh, o.srcLow)) {
            point.sawAddress(IpAddresses.ipv4(o.srcLow));
            if (o.ttl == 64 || o.ttl == 128 || o.ttl == 255) {
                point.sawFreshSource(IpAddresses.ipv4(o.srcLow));
            }
            if (o.dstLow != o.srcLow) {
                point.sawAddress(IpAddresses.ipv4(o.dstLow));
            }
        } else if ((o.ttl == 64 || o.ttl == 128 || o.ttl == 255) && o.srcHigh != 0
                && !IpAddresses.isIpv6LinkLocal(o.srcHigh) && !IpAddresses.isIpv6Multicast(o.srcHigh)) {
            point.sawFreshSource6(o.srcHigh, o.srcLow);
        }
        if (o.encapsulation >= 0) {
            point.encapsulatedPackets++;
            if (IpAddresses.isIpv4(o.outerSrcHigh, o.outerSrcLow) && IpAddresses.isIpv4(o.srcHigh, o.srcLow)) {
                point.sawTunnel(IpAddresses.ipv4(o.outerSrcLow), IpAddresses.ipv4(o.outerDstLow),
                        IpAddresses.ipv4(o.srcLow));
            }
            if (o.encapsulation == Encapsulation.VXLAN) {
                point.vxlanPackets++;
            } else if (o.encapsulation == Encapsulation.FLANNEL_UDP) {
                point.flannelUdpPackets++;
            }
        }
    }

    private Observation observe(int pointIndex, LayerStack stack, int inner) {
        Observation o = new Observation();
        o.point = pointIndex;
        o.frame = record.frameNumber();
        o.timestampNanos = record.timestampNanos();
        o.resolutionNanos = resolutionNanos();
        PacketIdentity.identify(stack, view, inner, o);
        PacketIdentity.payload(stack, view, inner, o);
        o.packetType = packetType;
        o.linkSource = linkSource;
        o.srcHigh = view.addressHigh(inner, true);
        o.srcLow = view.addressLow(inner, true);
        o.dstHigh = view.addressHigh(inner, false);
        o.dstLow = view.addressLow(inner, false);
        int transport = view.transportLayer(inner);
        if (transport >= 0) {
            o.sourcePort = view.sourcePort(transport);
            o.destinationPort = view.destinationPort(transport);
        }
        o.protocol = view.ipProtocol(inner);
        o.ttl = view.ttl(inner);
        o.ipLength = view.ipTotalLength(inner);
        o.ipId = view.ipId(inner);
        o.fragment = view.moreFragments(inner) || view.fragmentOffset(inner) > 0;
        o.outerOnly = view.encapsulationCount() > 0 && inner == view.outerIpLayer();
        for (int n = 0; n < stack.noteCount() && !o.badChecksum; n++) {
            io.tunnelscope.decode.Note note = stack.note(n);
            o.badChecksum = note == io.tunnelscope.decode.Note.IPV4_BAD_CHECKSUM
                    || note == io.tunnelscope.decode.Note.UDP_BAD_CHECKSUM
                    || note == io.tunnelscope.decode.Note.TCP_BAD_CHECKSUM
                    || note == io.tunnelscope.decode.Note.ICMP_BAD_CHECKSUM
                    || note == io.tunnelscope.decode.Note.ICMPV6_BAD_CHECKSUM;
        }
        if (transport >= 0 && (stack.type(transport) == LayerType.ICMP || stack.type(transport) == LayerType.ICMPV6)
                && view.quotedIpLayer(transport) >= 0) {
            int quoted = view.quotedIpLayer(transport);
            int type = view.icmpType(transport);
            int code = view.icmpCode(transport);
            boolean tooBig = stack.type(transport) == LayerType.ICMP ? type == 3 && code == 4 : type == 2;
            if (tooBig) {
                o.quotedIpId = view.ipId(quoted);
                if (o.quotedIpId < 0) {
                    // IPv6 without a fragment header has no identification: the quoted packet's
                    // length and TCP sequence (which NAT leaves alone) name it instead
                    int quotedTransport = view.transportLayer(quoted);
                    o.quotedIpId = Observation.sizeKey(view.ipTotalLength(quoted),
                            quotedTransport >= 0 && stack.type(quotedTransport) == LayerType.TCP
                                    ? view.tcpSequence(quotedTransport) : -1);
                }
                o.quotedProtocol = view.ipProtocol(quoted);
                o.reportedMtu = (int) Math.min(Integer.MAX_VALUE, view.icmpMtu(transport));
            }
        }
        if (transport >= 0 && stack.type(transport) == LayerType.TCP && !stack.isQuoted(transport)
                && stack.status(transport) != io.tunnelscope.decode.LayerStatus.MALFORMED
                && stack.headerLength(transport) >= TcpHeader.MIN_LENGTH) {
            o.tcpSequence = view.tcpSequence(transport);
            o.tcpAcknowledgment = view.tcpAcknowledgment(transport);
            o.tcpFlags = view.tcpFlags(transport);
            o.tcpPayload = Math.max(0, o.ipLength - (stack.payloadOffset(transport) - stack.offset(inner)));
        }
        if (view.encapsulationCount() > 0) {
            int kind = view.encapsulation(0);
            o.encapsulation = kind;
            o.vni = view.vni();
            int outer = view.outerIpLayer();
            o.outerSrcHigh = view.addressHigh(outer, true);
            o.outerSrcLow = view.addressLow(outer, true);
            o.outerDstHigh = view.addressHigh(outer, false);
            o.outerDstLow = view.addressLow(outer, false);
            o.outerIpId = view.ipId(outer);
            int outerTransport = view.transportLayer(outer);
            if (outerTransport >= 0) {
                o.outerSourcePort = view.sourcePort(outerTransport);
                o.outerDestinationPort = view.destinationPort(outerTransport);
            }
            int tunnel = view.encapsulationLayer(0);
            ProtocolDescriptor opaque = view.opaqueTunnel(0);
            if (opaque != null && inner == outer) {
                int carried = view.opaqueLength(tunnel);
                int overhead = view.ipVersion(outer) == 6 ? opaque.overheadIpv6() : opaque.overheadIpv4();
                o.opaqueCarried = carried < 0 ? -1 : Math.max(0, view.ipTotalLength(outer) - overhead);
            }
            if ((kind == Encapsulation.VXLAN || kind == Encapsulation.GENEVE) && tunnel + 1 < stack.count()
                    && stack.type(tunnel + 1) == LayerType.ETHERNET && stack.headerLength(tunnel + 1) >= EthernetHeader.LENGTH) {
                o.innerSourceMac = mac(stack, stack.offset(tunnel + 1) + EthernetHeader.SOURCE_OFFSET);
            }
        }
        return o;
    }

    /** The packet being shown to the listeners, as correlation identifies it. */
    private static final class Current implements Sighting {
        Observation current;

        @Override
        public long identity() {
            return current == null ? 0 : PacketIdentity.ofSighting(current);
        }
    }

    // ---- Reading ahead on a thread of its own -------------------------------------------

    private static final int BATCH = 1024;
    private static final int QUEUED_BATCHES = 8;
    private static final int MACS = 1;
    private static final int ARP = 2;
    private static final int RAW = 4;
    private static final int LOOPBACK = 8;
    private static final int COOKED_MAC = 16;
    /** A batch entry that only registers a new point (its packet follows in a later entry). */
    private static final int REGISTRATION_ONLY = -1;

    /**
     * A capture point as the reading thread found it, registered when its packet is consumed; with
     * a file listener, the reading thread waits for the name and offset it was registered with.
     */
    private record PointSpec(long key, HostModel.PointFacts facts, int interfaceId,
                             CompletableFuture<RegisteredPoint> registered) {
    }

    /** A point's unique name and clock offset, as the merging thread registered it. */
    private record RegisteredPoint(String name, long offsetNanos) {
    }

    /** What the reading thread learned of consecutive packets, for the merging thread to apply. */
    private static final class Batch {
        int size;
        final int[] point = new int[BATCH];
        final PointSpec[] newPoint = new PointSpec[BATCH];
        final long[] nanos = new long[BATCH];
        final byte[] flags = new byte[BATCH];
        /** The cooked packet type, -1 for other link types. */
        final byte[] packetType = new byte[BATCH];
        final long[] sourceMac = new long[BATCH];
        final long[] destinationMac = new long[BATCH];
        final int[] arpSender = new int[BATCH];
        final int[] arpTarget = new int[BATCH];
        final Observation[] observation = new Observation[BATCH];
        /** Set on the last batch: the file is done. */
        boolean end;
        String error;
        /** A bug met while reading, thrown again on the merging thread. */
        RuntimeException failure;
    }

    private java.util.concurrent.BlockingQueue<Batch> prefetch;
    /** Batches the merging thread is done with, for the reading thread to fill again. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Batch> spent =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private Thread worker;
    private volatile boolean closing;
    private Batch batch;
    private int batchAt;
    private final List<CapturePoint> pointsByLocal = new java.util.ArrayList<>();

    /**
     * Reads, decodes and identifies packets on a thread of its own from now on, up to
     * {@value #QUEUED_BATCHES} batches ahead; {@link #advance()} applies them in order on the
     * caller's thread, so points are registered and counted exactly as when reading inline.
     * Only without a listener (which must see packets in the merged order); a file listener runs
     * on the reading thread, which waits for each new point's registered name before showing its
     * first packet.
     */
    void readAhead() {
        if (listener != null || prefetch != null) {
            throw new IllegalStateException("read-ahead needs a cursor without listener, started once");
        }
        prefetch = new java.util.concurrent.ArrayBlockingQueue<>(QUEUED_BATCHES);
        worker = new Thread(this::readLoop, "tunnelscope-read " + baseName);
        worker.setDaemon(true);
        worker.start();
    }

    private void readLoop() {
        Map<Long, Integer> localByKey = new HashMap<>();
        long lastKey = 0;
        Integer lastLocal = null;
        List<RegisteredPoint> registeredByLocal = new ArrayList<>();
        String file = name;
        long released = Long.MIN_VALUE;
        Batch out = emptyBatch();
        long seen = 0;
        try {
            try {
                while (seen < limit && reader.next(record)) {
                    if (closing) {
                        return;
                    }
                    LayerStack stack = decoder.decode(record);
                    long key = pointKey(stack);
                    Integer local = key == lastKey ? lastLocal : localByKey.get(key);
                    PointSpec spec = null;
                    if (local == null) {
                        local = localByKey.size();
                        localByKey.put(key, local);
                        spec = new PointSpec(key, facts(stack, key), record.interfaceId(),
                                fileListener == null ? null : new CompletableFuture<>());
                        if (fileListener != null) {
                            // The listener needs the point's registered name: hand the point over
                            // alone and wait for the merging thread to register it, so the packet
                            // itself is handed over only once the listener has seen (and tagged) it.
                            int r = out.size;
                            out.newPoint[r] = spec;
                            out.point[r] = REGISTRATION_ONLY;
                            out.observation[r] = null;
                            out.size = r + 1;
                            prefetch.put(out);
                            out = emptyBatch();
                            registeredByLocal.add(registered(spec));
                            spec = null;
                        }
                    }
                    int n = out.size;
                    out.newPoint[n] = spec;
                    lastKey = key;
                    lastLocal = local;
                    out.point[n] = local;
                    out.nanos[n] = record.timestampNanos();
                    view.wrap(stack);
                    byte flags = 0;
                    if (stack.count() > 0 && stack.type(0) == LayerType.ETHERNET && stack.headerLength(0) >= EthernetHeader.LENGTH) {
                        flags |= MACS;
                        out.sourceMac[n] = mac(stack, stack.offset(0) + EthernetHeader.SOURCE_OFFSET);
                        out.destinationMac[n] = mac(stack, stack.offset(0) + EthernetHeader.DESTINATION_OFFSET);
                    }
                    int arp = stack.indexOf(LayerType.ARP);
                    if (arp >= 0 && view.arpOperation(arp) > 0) {
                        flags |= ARP;
                        out.arpSender[n] = view.arpSenderIpv4(arp);
                        out.arpTarget[n] = view.arpTargetIpv4(arp);
                    }
                    linkFacts(stack);
                    if (rawLink) {
                        flags |= RAW;
                    }
                    if (loopbackLink) {
                        flags |= LOOPBACK;
                    }
                    if (packetType >= 0 && linkSource >= 0) {
                        flags |= COOKED_MAC;
                        out.sourceMac[n] = linkSource;
                    }
                    out.packetType[n] = (byte) packetType;
                    out.flags[n] = flags;
                    int inner = view.innerIpLayer();
                    if (inner >= 0 && routable(inner)) {
                        out.observation[n] = observe(-1, stack, inner);
                        seen++;
                    } else {
                        out.observation[n] = null;
                    }
                    out.size = n + 1;
                    if (fileListener != null) {
                        boolean observed = out.observation[n] != null;
                        RegisteredPoint point = registeredByLocal.get(local);
                        sighting.current = out.observation[n];
                        fileListener.packet(point.name(), file, released, record, stack, view, sighting);
                        sighting.current = null;
                        if (observed) {
                            released = Math.max(released, record.timestampNanos() - point.offsetNanos());
                        }
                    }
                    if (out.size == BATCH) {
                        prefetch.put(out);
                        out = emptyBatch();
                    }
                }
            } catch (CaptureFormatException e) {
                out.error = e.getMessage();
            } catch (IOException e) {
                out.error = path + ": " + e.getMessage();
            } catch (RuntimeException e) {
                out.failure = e;
            }
            out.end = true;
            prefetch.put(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A batch to fill: one the merging thread is done with, or a new one. */
    private Batch emptyBatch() {
        Batch b = spent.poll();
        if (b == null) {
            return new Batch();
        }
        b.size = 0;
        return b;
    }

    private static RegisteredPoint registered(PointSpec spec) throws InterruptedException {
        try {
            return spec.registered().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("capture point " + spec.facts().name() + " not registered", e.getCause());
        }
    }

    private boolean advancePrefetched() {
        current = null;
        if (exhausted) {
            return false;
        }
        while (true) {
            if (batch == null || batchAt == batch.size) {
                if (batch != null && batch.end) {
                    if (batch.failure != null) {
                        throw batch.failure;
                    }
                    error = batch.error;
                    exhausted = true;
                    return false;
                }
                try {
                    Batch done = batch;
                    batch = prefetch.take();
                    if (done != null && spent.size() < QUEUED_BATCHES) {
                        spent.offer(done);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    error = path + ": interrupted";
                    exhausted = true;
                    return false;
                }
                batchAt = 0;
                continue;
            }
            int n = batchAt++;
            PointSpec spec = batch.newPoint[n];
            if (spec != null) {
                CapturePoint point = registry.create(spec.facts());
                point.interfaceId = spec.interfaceId();
                pointsByInterface.put(spec.key(), point);
                pointsByLocal.add(point);
                if (spec.registered() != null) {
                    spec.registered().complete(new RegisteredPoint(point.name, registry.offset(point.index)));
                }
            }
            if (batch.point[n] == REGISTRATION_ONLY) {
                continue;
            }
            CapturePoint point = pointsByLocal.get(batch.point[n]);
            point.packets++;
            point.sawTime(batch.nanos[n]);
            byte flags = batch.flags[n];
            point.sawPacketType(batch.packetType[n]);
            if ((flags & RAW) != 0) {
                point.rawIpPackets++;
            }
            if ((flags & LOOPBACK) != 0) {
                point.loopback = true;
            }
            if ((flags & COOKED_MAC) != 0) {
                point.sawMac(batch.sourceMac[n]);
            }
            if ((flags & MACS) != 0) {
                point.sawMac(batch.sourceMac[n]);
                point.sawMac(batch.destinationMac[n]);
            }
            if ((flags & ARP) != 0) {
                point.sawArpAddress(batch.arpSender[n]);
                point.sawArpAddress(batch.arpTarget[n]);
            }
            Observation o = batch.observation[n];
            if (o != null) {
                batch.observation[n] = null;
                point.ipPackets++;
                o.point = point.index;
                o.device = point.device.index;
                count(point, o);
                observations++;
                current = o;
                return true;
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (worker != null) {
            closing = true;
            worker.interrupt();
            try {
                worker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        reader.close();
    }
}
