package io.tunnelscope.gui;

import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.LayerType;
import io.tunnelscope.decode.PacketLineFormatter;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.flow.TcpAnalysis;
import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.Protocols;
import java.io.IOException;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Makes the text of packet-list rows on demand (only rows on screen are asked for), with a small
 * LRU cache so that the cells of a row decode the packet once. Packets are decoded as the list
 * shows them ({@link PacketViews}: reassembled datagrams whole). One per thread.
 */
final class RowFormatter {
    static final int NO = 0;
    static final int FRAME = 1;
    static final int TIME = 2;
    static final int POINT = 3;
    static final int OUTER_SRC = 4;
    static final int OUTER_DST = 5;
    static final int ENCAP = 6;
    static final int INNER_SRC = 7;
    static final int INNER_DST = 8;
    static final int PROTOCOL = 9;
    static final int LENGTH = 10;
    static final int INFO = 11;
    static final String[] TITLES = {"No.", "Frame", "Time", "Point", "Outer src", "Outer dst", "Encap / VNI",
        "Inner src", "Inner dst", "Protocol", "Length", "Info"};

    private final Session session;
    private final PacketStore store;
    private final PacketViews views;
    private final ZoneId zone = ZoneId.systemDefault();
    private final PacketLineFormatter lines = new PacketLineFormatter(ZoneId.systemDefault(), false);
    private final StringBuilder sb = new StringBuilder(256);
    private final PacketView view = new PacketView();
    private TimeFormat timeFormat = TimeFormat.SINCE_FIRST;
    private final Map<Integer, String[]> cache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, String[]> eldest) {
            return size() > 400;
        }
    };

    RowFormatter(Session session) {
        this.session = session;
        this.store = session.store();
        this.views = new PacketViews(session.store(), session.tables());
    }

    void timeFormat(TimeFormat format) {
        this.timeFormat = format;
    }

    TimeFormat timeFormat() {
        return timeFormat;
    }

    /** Forgets the cached rows (marks, the analysis or the numbering changed). */
    void invalidate() {
        cache.clear();
    }

    PacketViews views() {
        return views;
    }

    /** Packet {@code i} as the list shows it; null when its bytes cannot be read any more. */
    PacketView view(int i) {
        try {
            return views.view(i);
        } catch (IOException e) {
            return null;
        }
    }

    String cell(int i, int column) {
        return row(i)[column];
    }

    /** The Time cell: {@code previous} is the packet displayed before it (for the delta format), or -1. */
    String time(int i, int previous) {
        long reference = switch (timeFormat) {
            case SINCE_PREVIOUS_DISPLAYED -> previous >= 0 ? store.timestamp(previous) : store.timestamp(i);
            default -> session.firstTimestamp();
        };
        return timeFormat.format(store.timestamp(i), reference, zone);
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
        r[NO] = Integer.toString(session.number(i));
        r[FRAME] = Integer.toString(store.frame(i));
        r[TIME] = time(i, -1);
        r[POINT] = store.point(i).name();
        r[LENGTH] = Integer.toString(store.wireLength(i));
        LayerStack stack;
        try {
            stack = views.decode(i);
        } catch (IOException e) {
            for (int c = OUTER_SRC; c <= INFO; c++) {
                r[c] = "";
            }
            r[LENGTH] = Integer.toString(store.wireLength(i));
            r[INFO] = "cannot read: " + e.getMessage();
            return r;
        }
        view.wrap(stack);
        int outer = view.outerIpLayer();
        int inner = view.innerIpLayer();
        boolean tunnelled = view.encapsulationCount() > 0;
        if (outer >= 0) {
            r[OUTER_SRC] = src(view, outer);
            r[OUTER_DST] = dst(view, outer);
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
            r[INNER_SRC] = src(view, inner);
            r[INNER_DST] = dst(view, inner);
        } else {
            r[INNER_SRC] = "";
            r[INNER_DST] = "";
        }
        r[ENCAP] = encap(view);
        r[PROTOCOL] = protocol(view, stack, i);
        sb.setLength(0);
        int tcp = store.tcpFlags(i);
        if (tcp != 0) {
            TcpAnalysis.appendLabels(tcp, store.duplicateAckNumber(i), sb);
            sb.append(' ');
        }
        int start = sb.length();
        lines.appendSummary(stack, sb);
        int bar = sb.lastIndexOf(" | ");
        if (bar >= start) {
            sb.delete(start, bar + 3);
        }
        int completing = store.reassembledIn(i);
        if (completing >= 0) {
            sb.append(" [reassembled in No. ").append(session.number(completing)).append(']');
        }
        int[] fragments = store.fragmentsOf(i);
        if (fragments != null) {
            sb.append(" [reassembled from No.");
            for (int k = 0; k < fragments.length; k++) {
                sb.append(k == 0 ? " " : ", ").append(session.number(fragments[k]));
            }
            sb.append(']');
        }
        if (store.ackRttMicros(i) >= 0) {
            sb.append(" [ack rtt ").append(store.ackRttMicros(i)).append(" µs]");
        }
        if (session.ignored().get(i)) {
            sb.insert(0, "<ignored> ");
        }
        r[INFO] = sb.toString();
        return r;
    }

    private String src(PacketView view, int ip) {
        sb.setLength(0);
        view.appendSource(ip, sb);
        return named(sb.toString());
    }

    private String dst(PacketView view, int ip) {
        sb.setLength(0);
        view.appendDestination(ip, sb);
        return named(sb.toString());
    }

    /** The address with its pod, service or node name when the store has names. */
    private String named(String address) {
        return store.names().isEmpty() ? address : store.names().annotate(address);
    }

    static String encap(PacketView view) {
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
        return LayerType.name(kind);
    }

    private String protocol(PacketView view, LayerStack stack, int i) {
        int code = store.protoCode(i);
        if (code == LayerType.IPV4 || code == LayerType.IPV6) {
            int ip = view.innerIpLayer();
            ProtocolDescriptor carried = Protocols.byIpProtocol(view.ipProtocol(ip));
            String name = carried == null ? null : carried.title();
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
