package io.tunnelscope.correlate;

import io.tunnelscope.capture.CaptureFormatException;
import io.tunnelscope.capture.CaptureInterface;
import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.LinkType;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.Encapsulation;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.LayerType;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.decode.PointNames;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one capture file packet by packet, assigns each packet to its capture point (splitting
 * multi-interface pcapng files and {@code any} captures by interface) and turns every IP packet
 * into an {@link Observation}. A broken file ends the cursor with its error kept; everything read
 * before it stays.
 */
final class CaptureCursor implements Closeable {
    private final Path path;
    private final String baseName;
    private final CaptureReader reader;
    private final PacketDecoder decoder;
    private final PacketView view = new PacketView();
    private final PacketRecord record = new PacketRecord();
    private final Map<Long, CapturePoint> pointsByInterface = new HashMap<>();
    private final PointRegistry registry;
    private final long limit;
    private long observations;
    private boolean exhausted;
    private String error;
    private PacketListener listener;
    Observation current;

    /** Allocates capture points across all cursors so every point has one index. */
    interface PointRegistry {
        CapturePoint create(String name, String file, int linkType, String interfaceName);
    }

    CaptureCursor(Path path, DecodeTables tables, PointRegistry registry, long limit) throws IOException {
        this.path = path;
        this.baseName = PointNames.stem(path.getFileName().toString());
        this.reader = CaptureReaders.open(path);
        this.decoder = new PacketDecoder(tables);
        this.registry = registry;
        this.limit = limit;
    }

    /** Shows every packet read from now on to {@code listener} (null for none). */
    void listener(PacketListener listener) {
        this.listener = listener;
    }

    /** Marks every point of this file as fully read (its capture has ended). */
    void markPointsExhausted() {
        for (CapturePoint point : pointsByInterface.values()) {
            point.exhausted = true;
            point.recordedEndNanos = reader.endNanos(point.interfaceId);
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
                if (listener != null) {
                    listener.packet(point.name, point.file, record, stack, view);
                }
                collectLinkFacts(point, stack);
                int inner = view.innerIpLayer();
                if (inner < 0 || !routable(inner)) {
                    continue;
                }
                point.ipPackets++;
                current = observe(point, stack, inner);
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
                && (view.stack().buffer().getLong(src) != 0 || view.stack().buffer().getLong(src + 8) != 0);
    }

    private int resolutionNanos() {
        List<CaptureInterface> interfaces = reader.interfaces();
        int id = Math.max(0, record.interfaceId());
        long ticks = id < interfaces.size() ? interfaces.get(id).ticksPerSecond() : 1_000_000_000L;
        return ticks >= 1_000_000_000L || ticks <= 0 ? 1 : (int) Math.min(1_000_000_000L, 1_000_000_000L / ticks);
    }

    private CapturePoint pointOf(LayerStack stack) {
        int ifIndex = PointNames.sll2IfIndex(stack);
        long key = ((long) record.interfaceId() << 32) ^ (ifIndex & 0xFFFF_FFFFL);
        CapturePoint point = pointsByInterface.get(key);
        if (point == null) {
            List<CaptureInterface> interfaces = reader.interfaces();
            int id = record.interfaceId();
            String interfaceName = id >= 0 && id < interfaces.size() ? interfaces.get(id).name() : null;
            point = registry.create(PointNames.of(baseName, interfaces, id, ifIndex), path.toString(),
                    record.linkType(), interfaceName);
            point.interfaceId = id;
            pointsByInterface.put(key, point);
        }
        return point;
    }

    private void collectLinkFacts(CapturePoint point, LayerStack stack) {
        if (stack.count() > 0 && stack.type(0) == LayerType.ETHERNET && stack.headerLength(0) >= 14) {
            point.sawMac(mac(stack, stack.offset(0) + 6));
            point.sawMac(mac(stack, stack.offset(0)));
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
        return ((stack.buffer().getShort(offset) & 0xFFFFL) << 32) | (stack.buffer().getInt(offset + 2) & 0xFFFF_FFFFL);
    }

    private Observation observe(CapturePoint point, LayerStack stack, int inner) {
        Observation o = new Observation();
        o.point = point.index;
        o.frame = record.frameNumber();
        o.timestampNanos = record.timestampNanos();
        o.resolutionNanos = resolutionNanos();
        o.identity = PacketIdentity.of(stack, view, inner);
        o.srcHigh = IpAddresses.high(view, inner, true);
        o.srcLow = IpAddresses.low(view, inner, true);
        o.dstHigh = IpAddresses.high(view, inner, false);
        o.dstLow = IpAddresses.low(view, inner, false);
        int transport = view.transportLayer(inner);
        if (transport >= 0) {
            o.sourcePort = view.sourcePort(transport);
            o.destinationPort = view.destinationPort(transport);
        }
        if (IpAddresses.isIpv4(o.srcHigh, o.srcLow)) {
            point.sawAddress(IpAddresses.ipv4(o.srcLow));
            if (o.dstLow != o.srcLow) {
                point.sawAddress(IpAddresses.ipv4(o.dstLow));
            }
        }
        o.protocol = view.ipProtocol(inner);
        o.ttl = view.ttl(inner);
        o.ipLength = view.ipTotalLength(inner);
        if (view.encapsulationCount() > 0) {
            point.encapsulatedPackets++;
            int kind = view.encapsulation(0);
            if (kind == Encapsulation.VXLAN) {
                point.vxlanPackets++;
            } else if (kind == Encapsulation.FLANNEL_UDP) {
                point.flannelUdpPackets++;
            }
            o.encapsulation = kind;
            o.vni = view.vni();
            int outer = view.outerIpLayer();
            o.outerSrcHigh = IpAddresses.high(view, outer, true);
            o.outerSrcLow = IpAddresses.low(view, outer, true);
            o.outerDstHigh = IpAddresses.high(view, outer, false);
            o.outerDstLow = IpAddresses.low(view, outer, false);
            o.outerIpId = view.ipId(outer);
            int outerTransport = view.transportLayer(outer);
            if (outerTransport >= 0) {
                o.outerSourcePort = view.sourcePort(outerTransport);
                o.outerDestinationPort = view.destinationPort(outerTransport);
            }
            int tunnel = view.encapsulationLayer(0);
            if ((kind == Encapsulation.VXLAN || kind == Encapsulation.GENEVE) && tunnel + 1 < stack.count()
                    && stack.type(tunnel + 1) == LayerType.ETHERNET && stack.headerLength(tunnel + 1) >= 14) {
                o.innerSourceMac = mac(stack, stack.offset(tunnel + 1) + 6);
            }
        }
        return o;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
