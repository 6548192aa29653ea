package io.tunnelscope.gui;

import io.tunnelscope.report.CorrelationReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.ScrollPane;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.TextAlignment;

/**
 * The path of one packet across capture points, drawn as a diagram: one column per host, one box
 * per sighting (point, role, time, TTL, addresses), arrows between consecutive sightings labelled
 * with the hop latency and with what happened there: encapsulation (VXLAN and VNI...),
 * decapsulation, and NAT (an address that changed from the previous hop).
 */
final class JourneyView extends ScrollPane {
    /** One hop as the diagram shows it, with the annotations of the step that led to it. */
    record Step(CorrelationReport.Hop hop, String host, String role, long sinceFirstNanos, long latencyNanos,
                List<String> events) {
    }

    private static final double COLUMN = 250;
    private static final double BOX_W = 215;
    private static final double BOX_H = 50;
    private static final double ROW = 84;
    private static final double TOP = 34;

    private final Canvas canvas = new Canvas(400, 120);
    private final List<Step> steps = new ArrayList<>();
    private String message = "Select a packet to see its journey.";

    JourneyView() {
        setId("journeyView");
        setContent(canvas);
        draw();
    }

    List<Step> steps() {
        return List.copyOf(steps);
    }

    String message() {
        return message;
    }

    void showMessage(String text) {
        steps.clear();
        message = text;
        draw();
    }

    static String hostOf(String point) {
        int dash = point.indexOf('-');
        return dash > 0 ? point.substring(0, dash) : point;
    }

    void show(CorrelationReport.Journey journey, CorrelationModel model) {
        steps.clear();
        List<CorrelationReport.Hop> hops = journey.hops();
        long first = model.adjusted(hops.get(0));
        for (int h = 0; h < hops.size(); h++) {
            CorrelationReport.Hop hop = hops.get(h);
            List<String> events = new ArrayList<>();
            long latency = 0;
            if (h > 0) {
                CorrelationReport.Hop prev = hops.get(h - 1);
                latency = model.adjusted(hop) - model.adjusted(prev);
                if (prev.encap() == null && hop.encap() != null) {
                    events.add("encapsulated: " + encapText(hop));
                } else if (prev.encap() != null && hop.encap() == null) {
                    events.add("decapsulated: " + encapText(prev));
                } else if (prev.encap() != null && !Objects.equals(prev.vni(), hop.vni())) {
                    events.add("re-encapsulated: " + encapText(hop));
                }
                if (!Objects.equals(prev.src(), hop.src())) {
                    events.add("SNAT " + prev.src() + " → " + hop.src());
                }
                if (!Objects.equals(prev.dst(), hop.dst())) {
                    events.add("DNAT " + prev.dst() + " → " + hop.dst());
                }
                if (!Objects.equals(hostOf(prev.point()), hostOf(hop.point()))) {
                    events.add("wire " + hostOf(prev.point()) + " → " + hostOf(hop.point()));
                }
            } else if (hop.encap() != null) {
                events.add("first seen encapsulated: " + encapText(hop));
            }
            steps.add(new Step(hop, hostOf(hop.point()), model.role(hop.point()), model.adjusted(hop) - first,
                    latency, events));
        }
        message = hops.size() + " sightings across " + hosts().size() + " host(s)";
        draw();
    }

    /** Scrolls so that the first step where something happened (NAT, encapsulation) is near the top. */
    void scrollToFirstEvent() {
        for (int i = 1; i < steps.size(); i++) {
            if (steps.get(i).events.stream().anyMatch(e -> !e.startsWith("wire"))) {
                double y = TOP + 22 + (i - 1) * ROW;
                double range = canvas.getHeight() - getViewportBounds().getHeight();
                if (range > 0) {
                    setVvalue(Math.min(1, y / range));
                }
                return;
            }
        }
    }

    private static String encapText(CorrelationReport.Hop hop) {
        String e = hop.encap() == null ? "none" : hop.encap().toUpperCase(java.util.Locale.ROOT);
        return hop.vni() != null ? e + " vni " + hop.vni() : e;
    }

    private List<String> hosts() {
        Map<String, Boolean> hosts = new LinkedHashMap<>();
        for (Step s : steps) {
            hosts.put(s.host, true);
        }
        return new ArrayList<>(hosts.keySet());
    }

    static String duration(long nanos) {
        long a = Math.abs(nanos);
        String sign = nanos < 0 ? "-" : "+";
        if (a < 10_000) {
            return sign + a / 1000.0 + " µs";
        }
        if (a < 10_000_000) {
            return sign + (a / 1000) + " µs";
        }
        return sign + String.format("%.3f ms", a / 1e6);
    }

    private void draw() {
        List<String> hosts = hosts();
        double width = Math.max(420, hosts.size() * COLUMN + 40);
        double height = Math.max(80, TOP + steps.size() * ROW + 20);
        canvas.setWidth(width);
        canvas.setHeight(height);
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setTextBaseline(VPos.TOP);
        g.setTextAlign(TextAlignment.LEFT);
        g.setFont(Font.font("System", FontWeight.BOLD, 12));
        g.setFill(Color.web("#333"));
        g.fillText(message, 10, 8);
        for (int c = 0; c < hosts.size(); c++) {
            double x = 20 + c * COLUMN;
            g.setFill(c % 2 == 0 ? Color.web("#f3f6fb") : Color.web("#f7f3fb"));
            g.fillRect(x - 10, TOP - 6, COLUMN - 20, height - TOP);
            g.setFill(Color.web("#445"));
            g.setFont(Font.font("System", FontWeight.BOLD, 13));
            g.fillText(hosts.get(c), x, TOP - 4);
        }
        double[] cx = new double[steps.size()];
        double[] cy = new double[steps.size()];
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            int col = hosts.indexOf(s.host);
            double x = 20 + col * COLUMN;
            double y = TOP + 22 + i * ROW;
            cx[i] = x;
            cy[i] = y;
            boolean tunnel = s.hop.encap() != null;
            g.setFill(tunnel ? Color.web("#dcebff") : Color.web("#eef7e8"));
            g.fillRoundRect(x, y, BOX_W, BOX_H, 10, 10);
            g.setStroke(tunnel ? Color.web("#3b7dd8") : Color.web("#5a9c3a"));
            g.setLineWidth(1.4);
            g.strokeRoundRect(x, y, BOX_W, BOX_H, 10, 10);
            g.setFill(Color.BLACK);
            g.setFont(Font.font("System", FontWeight.BOLD, 12));
            g.fillText(s.hop.point() + "  (" + s.role + ")", x + 8, y + 4);
            g.setFont(Font.font("System", 11));
            g.fillText(duration(s.sinceFirstNanos) + "   frame " + s.hop.frame() + "   ttl " + s.hop.ttl()
                    + (tunnel ? "   " + encapText(s.hop) : ""), x + 8, y + 19);
            g.fillText(s.hop.src() + " → " + s.hop.dst(), x + 8, y + 33);
        }
        for (int i = 1; i < steps.size(); i++) {
            double x1 = cx[i - 1] + BOX_W / 2;
            double y1 = cy[i - 1] + BOX_H;
            double x2 = cx[i] + BOX_W / 2;
            double y2 = cy[i];
            g.setStroke(Color.web("#666"));
            g.setLineWidth(1.5);
            g.strokeLine(x1, y1, x2, y2);
            double ang = Math.atan2(y2 - y1, x2 - x1);
            g.setFill(Color.web("#666"));
            g.fillPolygon(new double[] {x2, x2 - 9 * Math.cos(ang - 0.4), x2 - 9 * Math.cos(ang + 0.4)},
                    new double[] {y2, y2 - 9 * Math.sin(ang - 0.4), y2 - 9 * Math.sin(ang + 0.4)}, 3);
            Step s = steps.get(i);
            double lx = Math.min(x1, x2) + Math.abs(x2 - x1) / 2 + 8;
            double ly = y1 + 4;
            g.setFont(Font.font("System", FontWeight.BOLD, 11));
            g.setFill(Color.web("#333"));
            g.fillText(duration(s.latencyNanos), lx, ly);
            double ex = lx + 62;
            for (String e : s.events) {
                g.setFill(e.startsWith("SNAT") || e.startsWith("DNAT") ? Color.web("#c05a00")
                        : e.startsWith("wire") ? Color.web("#777") : Color.web("#1d5fbf"));
                g.setFont(Font.font("System", FontWeight.NORMAL, 11));
                g.fillText(e, ex, ly);
                ly += 13;
            }
        }
    }
}
