package io.tunnelscope.gui;

import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.Encapsulation;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.LayerType;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketLineFormatter;
import io.tunnelscope.decode.PacketView;
import java.nio.ByteBuffer;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Makes the text of packet-list rows on demand (only rows on screen are asked for), with a small
 * LRU cache so that the eleven cells of a row decode the packet once. One per thread.
 */
final class RowFormatter {
    static final int NO = 0;
    static final int TIME = 1;
    static final int POINT = 2;
    static final int OUTER_SRC = 3;
    static final int OUTER_DST = 4;
    static final int ENCAP = 5;
    static final int INNER_SRC = 6;
    static final int INNER_DST = 7;
    static final int PROTOCOL = 8;
    static final int LENGTH = 9;
    static final int INFO = 10;
    static final String[] TITLES = {"No.", "Time", "Point", "Outer src", "Outer dst", "Encap / VNI",
        "Inner src", "Inner dst", "Protocol", "Length", "Info"};

    private final PacketStore store;
    private ByteBuffer[] buffers;
    private final long firstTimestamp;
    private final PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
    private final PacketView view = new PacketView();
    private final PacketLineFormatter lines = new PacketLineFormatter(ZoneId.systemDefault(), false);
    private final StringBuilder sb = new StringBuilder(256);
    private final Map<Integer, String[]> cache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, String[]> eldest) {
            return size() > 400;
        }
    };

    RowFormatter(PacketStore store, long firstTimestamp) {
        this.store = store;
        this.buffers = store.buffers();
        this.firstTimestamp = firstTimestamp;
    }

    /** Decodes packet {@code i} from the arena; the stack is valid until the next decode. */
    LayerStack decode(int i) {
        int chunk = store.chunkOf(i);
        if (chunk >= buffers.length) {
            buffers = store.buffers(); // a live capture added a chunk
        }
        return decoder.decode(buffers[chunk], store.offsetOf(i), store.keptLength(i),
                store.wireLength(i), store.linkType(i));
    }

    PacketView view(int i) {
        return view.wrap(decode(i));
    }

    String cell(int i, int column) {
        return row(i)[column];
    }

    String[] row(int i) {
        String[] r = cache.get(i);
        if (r == null) {
            r = format(i);
            cache.put(i, r);
        }
        return r;
    }

    private String[] format(int i) {
        String[] r = new String[TITLES.length];
        LayerStack stack = decode(i);
        view.wrap(stack);
        r[NO] = Integer.toString(i + 1);
        long rel = store.timestamp(i) - firstTimestamp;
        r[TIME] = String.format("%d.%06d", rel / 1_000_000_000L, Math.abs(rel % 1_000_000_000L) / 1000);
        r[POINT] = store.point(i).name();
        int outer = view.outerIpLayer();
        int inner = view.innerIpLayer();
        boolean tunnelled = view.encapsulationCount() > 0;
        if (outer >= 0) {
            r[OUTER_SRC] = src(outer);
            r[OUTER_DST] = dst(outer);
        } else if (stack.count() > 0 && stack.type(0) == LayerType.ETHERNET) {
            sb.setLength(0);
            view.appendEthernetSource(0, sb);
            r[OUTER_SRC] = sb.toString();
            sb.setLength(0);
            view.appendEthernetDestination(0, sb);
            r[OUTER_DST] = sb.toString();
        } else {
            r[OUTER_SRC] = "";
            r[OUTER_DST] = "";
        }
        if (tunnelled && inner >= 0 && inner != outer) {
            r[INNER_SRC] = src(inner);
            r[INNER_DST] = dst(inner);
        } else {
            r[INNER_SRC] = "";
            r[INNER_DST] = "";
        }
        r[ENCAP] = encap();
        r[PROTOCOL] = protocol(stack, i);
        r[LENGTH] = Integer.toString(store.wireLength(i));
        sb.setLength(0);
        lines.appendSummary(stack, sb);
        String summary = sb.toString();
        int bar = summary.lastIndexOf(" | ");
        r[INFO] = bar >= 0 ? summary.substring(bar + 3) : summary;
        return r;
    }

    private String src(int ip) {
        sb.setLength(0);
        view.appendSource(ip, sb);
        return named(sb.toString());
    }

    private String dst(int ip) {
        sb.setLength(0);
        view.appendDestination(ip, sb);
        return named(sb.toString());
    }

    /** The address with its pod, service or node name when the store has names. */
    private String named(String address) {
        return store.names.isEmpty() ? address : store.names.annotate(address);
    }

    String encap() {
        int n = view.encapsulationCount();
        if (n == 0) {
            return "";
        }
        StringBuilder e = new StringBuilder();
        for (int k = 0; k < n; k++) {
            if (k > 0) {
                e.append(" / ");
            }
            e.append(encapName(view.encapsulation(k)));
            int v = view.vni(view.encapsulationLayer(k));
            if (v >= 0) {
                e.append(' ').append(v);
            }
        }
        return e.toString();
    }

    static String encapName(int kind) {
        return switch (kind) {
            case Encapsulation.VXLAN -> "VXLAN";
            case Encapsulation.GENEVE -> "Geneve";
            case Encapsulation.GRE -> "GRE";
            case Encapsulation.IPIP -> "IPIP";
            case Encapsulation.FLANNEL_UDP -> "flannel-udp";
            default -> Encapsulation.name(kind);
        };
    }

    private String protocol(LayerStack stack, int i) {
        int code = store.protoCode(i);
        if (code == LayerType.IPV4 || code == LayerType.IPV6) {
            int ip = view.innerIpLayer();
            int p = view.ipProtocol(ip);
            String name = switch (p) {
                case 2 -> "IGMP";
                case 1 -> "ICMP";
                case 6 -> "TCP";
                case 17 -> "UDP";
                case 47 -> "GRE";
                case 50 -> "ESP";
                case 58 -> "ICMPv6";
                case 132 -> "SCTP";
                default -> null;
            };
            if (name != null) {
                return name;
            }
        }
        if (code == 0) {
            return stack.count() == 0 ? "?" : LayerType.name(stack.type(stack.count() - 1));
        }
        return LayerType.name(code);
    }
}
