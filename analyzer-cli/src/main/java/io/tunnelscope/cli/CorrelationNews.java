package io.tunnelscope.cli;

import io.tunnelscope.escape.Escape;

import io.tunnelscope.report.CorrelationReport;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What a running correlation found since the last time it was asked: the paths, NAT translations
 * and tunnels whose packet counts grew, with the counts and how much they grew. Serves the periodic
 * summaries of {@code live} and {@code collect}, as JSON objects or {@code --} lines.
 */
final class CorrelationNews {
    /** The entries that grew: each a map of the keys the JSON events carry. */
    record News(List<Map<String, Object>> paths, List<Map<String, Object>> nat, List<Map<String, Object>> tunnels) {
        boolean isEmpty() {
            return paths.isEmpty() && nat.isEmpty() && tunnels.isEmpty();
        }
    }

    private final Map<String, Long> pathsSeen = new HashMap<>();
    private final Map<String, Long> natSeen = new HashMap<>();
    private final Map<String, Long> tunnelsSeen = new HashMap<>();
    private final UnaryOperator<String> pointName;

    /** @param pointName how points are shown (e.g. without the temporary file's stem) */
    CorrelationNews(UnaryOperator<String> pointName) {
        this.pointName = pointName;
    }

    /** What grew since the previous call (everything, the first time); nothing for a null report. */
    News since(CorrelationReport report) {
        List<Map<String, Object>> paths = new ArrayList<>();
        List<Map<String, Object>> nats = new ArrayList<>();
        List<Map<String, Object>> tunnels = new ArrayList<>();
        if (report == null) {
            return new News(paths, nats, tunnels);
        }
        for (CorrelationReport.Path p : report.paths()) {
            List<String> points = p.points().stream().map(pointName).toList();
            String key = String.join(" -> ", points);
            long added = p.packets() - pathsSeen.getOrDefault(key, 0L);
            pathsSeen.put(key, p.packets());
            if (added > 0) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("points", points);
                m.put("packets", p.packets());
                m.put("new", added);
                paths.add(m);
            }
        }
        for (CorrelationReport.Nat n : report.nat()) {
            String key = n.kind() + " " + n.original() + " -> " + n.translated() + " between "
                    + pointName.apply(n.from()) + " and " + pointName.apply(n.to());
            long total = n.packets() + n.replyPackets();
            long added = total - natSeen.getOrDefault(key, 0L);
            natSeen.put(key, total);
            if (added > 0) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("kind", n.kind());
                m.put("original", n.original());
                m.put("translated", n.translated());
                m.put("from", pointName.apply(n.from()));
                m.put("to", pointName.apply(n.to()));
                m.put("packets", n.packets());
                m.put("replyPackets", n.replyPackets());
                m.put("new", added);
                nats.add(m);
            }
        }
        for (CorrelationReport.Tunnel t : report.tunnels()) {
            String key = t.encap() + (t.vni() == null ? "" : " vni " + t.vni()) + " " + t.outerSrc()
                    + " -> " + t.outerDst() + " port " + t.outerPorts();
            long added = t.packets() - tunnelsSeen.getOrDefault(key, 0L);
            tunnelsSeen.put(key, t.packets());
            if (added > 0) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("encap", t.encap());
                m.put("vni", t.vni());
                m.put("outerSrc", t.outerSrc());
                m.put("outerDst", t.outerDst());
                m.put("outerPorts", t.outerPorts());
                m.put("packets", t.packets());
                m.put("new", added);
                tunnels.add(m);
            }
        }
        return new News(paths, nats, tunnels);
    }

    /** The news as {@code --   path ...} lines. */
    static void printText(News news, PrintStream out) {
        for (Map<String, Object> p : news.paths()) {
            out.printf(Locale.ROOT, "--   path   %s: %d journeys (+%d)%n",
                    Escape.terminal(String.join(" -> ", asStrings(p.get("points")))), p.get("packets"), p.get("new"));
        }
        for (Map<String, Object> n : news.nat()) {
            out.printf(Locale.ROOT, "--   nat    %s %s -> %s between %s and %s: %d packets, %d replies (+%d)%n",
                    n.get("kind"), n.get("original"), n.get("translated"),
                    Escape.terminal((String) n.get("from")), Escape.terminal((String) n.get("to")),
                    n.get("packets"), n.get("replyPackets"), n.get("new"));
        }
        for (Map<String, Object> t : news.tunnels()) {
            out.printf(Locale.ROOT, "--   tunnel %s%s %s -> %s port %s: %d packets (+%d)%n", t.get("encap"),
                    t.get("vni") == null ? "" : " vni " + t.get("vni"), t.get("outerSrc"), t.get("outerDst"),
                    t.get("outerPorts"), t.get("packets"), t.get("new"));
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> asStrings(Object list) {
        return (List<String>) list;
    }
}
