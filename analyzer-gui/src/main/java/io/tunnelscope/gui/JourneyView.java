package io.tunnelscope.gui;

import io.tunnelscope.flow.TcpAnalysis;
import io.tunnelscope.report.CorrelationReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import javafx.geometry.VPos;
import javafx.scene.Cursor;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.ScrollPane;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.Text;
import javafx.scene.text.TextAlignment;

/**
 * The path of one packet across hosts and devices, drawn as a diagram: one column per host, one box
 * per device the packet crossed (its name and role, the time, TTL, encapsulation and addresses
 * there), and inside it one line per sighting (each capture that saw it on that device: its packet
 * number, capture point, frame and TCP analysis), so a device seen by a per-device capture and by
 * an {@code any} capture is one hop with two sightings. Arrows between consecutive devices are
 * labelled with the hop latency and with what happened there: encapsulation (VXLAN and VNI...),
 * decapsulation, NAT (an address that changed from the previous device), and the wire between two
 * hosts. A hop whose clocks disagree by more than the latency (a negative latency) is shown as
 * clock uncertainty, not as time going back. Clicking a sighting's line (or a box: its first
 * sighting) selects that packet.
 */
final class JourneyView extends ScrollPane {
    /** One capture of the packet on a device: the hop as correlated, its packet number's row, its line. */
    record Sighting(CorrelationReport.Hop hop, int packet, String text, String tcp) {
    }

    /** One device as the diagram shows it, with its sightings and the annotations of the step that led to it. */
    record Step(String host, String device, String role, long sinceFirstNanos, long latencyNanos,
                List<String> events, List<Sighting> sightings) {
        /** The first sighting's hop: where the packet was first seen on this device. */
        CorrelationReport.Hop hop() {
            return sightings.get(0).hop();
        }

        /** {@code host1 docker0  (bridge)}. */
        String title() {
            return (host.equals(device) ? device : host + " " + device) + "  (" + role + ")";
        }
    }

    private static final double HEAD_H = 36;
    private static final double BOX_MIN_W = 215;
    private static final double GAP = 40;
    private static final double LINE = 13;
    private static final double TOP = 34;
    private static final Font TITLE_FONT = Font.font("System", FontWeight.BOLD, 12);
    private static final Font TEXT_FONT = Font.font("System", 11);
    private static final Font LABEL_FONT = Font.font("System", FontWeight.BOLD, 11);

    private final Canvas canvas = new Canvas(400, 120);
    private final List<Step> steps = new ArrayList<>();
    private final List<double[]> boxes = new ArrayList<>();
    private String message = "Select a packet to see its journey.";
    private Consumer<CorrelationReport.Hop> onHop = h -> { };

    JourneyView() {
        setId("journey");
        setContent(canvas);
        canvas.setOnMouseClicked(e -> {
            int[] at = sightingAt(e.getX(), e.getY());
            if (at != null) {
                onHop.accept(steps.get(at[0]).sightings().get(at[1]).hop());
            }
        });
        canvas.setOnMouseMoved(e -> canvas.setCursor(stepAt(e.getX(), e.getY()) >= 0 ? Cursor.HAND : Cursor.DEFAULT));
        draw();
    }

    void setOnHop(Consumer<CorrelationReport.Hop> handler) {
        this.onHop = handler;
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

    /** The host of a point named {@code HOST-DEVICE}, for hops the correlation gave no host. */
    static String hostOf(String point) {
        int dash = point.indexOf('-');
        return dash > 0 ? point.substring(0, dash) : point;
    }

    /** The step at a point of the canvas, or -1. */
    int stepAt(double x, double y) {
        for (int i = 0; i < boxes.size(); i++) {
            double[] b = boxes.get(i);
            if (x >= b[0] && x <= b[0] + b[2] && y >= b[1] && y <= b[1] + b[3]) {
                return i;
            }
        }
        return -1;
    }

    /** The step and sighting at a point of the canvas ({@code [step, sighting]}), or null. */
    int[] sightingAt(double x, double y) {
        int step = stepAt(x, y);
        if (step < 0) {
            return null;
        }
        double[] b = boxes.get(step);
        int line = (int) Math.floor((y - b[1] - HEAD_H) / LINE);
        return new int[] {step, Math.max(0, Math.min(steps.get(step).sightings().size() - 1, line))};
    }

    /** Where step {@code i}'s box is drawn: x, y, width, height. */
    double[] box(int i) {
        return boxes.get(i).clone();
    }

    /** Where sighting {@code k} of step {@code i} is drawn in its box: x, y, width, height. */
    double[] line(int i, int k) {
        double[] b = boxes.get(i);
        return new double[] {b[0], b[1] + HEAD_H + k * LINE, b[2], LINE};
    }

    void show(CorrelationReport.Journey journey, CorrelationModel model, Session session) {
        steps.clear();
        List<CorrelationReport.Hop> hops = journey.hops();
        long first = model.adjusted(hops.get(0));
        CorrelationReport.Hop previous = null;
        List<Sighting> sightings = null;
        for (CorrelationReport.Hop hop : hops) {
            String host = hop.host() != null ? hop.host() : hostOf(hop.point());
            String device = hop.device() != null ? hop.device() : hop.point();
            Step last = steps.isEmpty() ? null : steps.get(steps.size() - 1);
            if (last == null || !last.host().equals(host) || !last.device().equals(device)) {
                List<String> events = new ArrayList<>();
                long latency = 0;
                if (previous != null) {
                    latency = model.adjusted(hop) - model.adjusted(previous);
                    events(previous, last.host(), hop, host, events);
                } else if (hop.encap() != null) {
                    events.add("first seen encapsulated: " + encapText(hop));
                }
                sightings = new ArrayList<>();
                steps.add(new Step(host, device, model.role(hop.point()), model.adjusted(hop) - first, latency,
                        events, sightings));
            }
            sightings.add(sighting(hop, model, session));
            previous = hop;
        }
        message = steps.size() + " devices across " + hosts().size() + " host(s), " + hops.size()
                + " sightings; click a sighting to select it";
        draw();
    }

    /** What happened between the last sighting on one device and the first on the next. */
    private static void events(CorrelationReport.Hop prev, String prevHost, CorrelationReport.Hop hop, String host,
                               List<String> events) {
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
        if (!prevHost.equals(host)) {
            events.add("wire " + prevHost + " → " + host);
        }
    }

    private static Sighting sighting(CorrelationReport.Hop hop, CorrelationModel model, Session session) {
        int packet = model.packetOf(hop);
        String text = (packet >= 0 ? "No. " + session.number(packet) + "  " : "") + hop.point() + "  frame "
                + hop.frame();
        String tcp = "";
        if (packet >= 0 && session.store().tcpFlags(packet) != 0) {
            StringBuilder sb = new StringBuilder();
            TcpAnalysis.appendLabels(session.store().tcpFlags(packet), session.store().duplicateAckNumber(packet), sb);
            tcp = sb.toString();
        }
        return new Sighting(hop, packet, text, tcp);
    }

    /** Scrolls so that the first step where something happened (NAT, encapsulation) is near the top. */
    void scrollToFirstEvent() {
        for (int i = 1; i < steps.size() && i < boxes.size(); i++) {
            if (steps.get(i).events.stream().anyMatch(e -> !e.startsWith("wire"))) {
                double y = boxes.get(i)[1] - 30;
                double range = canvas.getHeight() - getViewportBounds().getHeight();
                if (range > 0) {
                    setVvalue(Math.min(1, Math.max(0, y / range)));
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

    /** A duration as {@code +12.5 µs} / {@code +3.215 ms}. */
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

    /**
     * A hop latency as shown: a negative one means the two points' clocks disagree by more than the
     * hop took, so it reads {@code ≈0 (clocks ±12.3 µs)} rather than time going back.
     */
    static String latency(long nanos) {
        if (nanos >= 0) {
            return duration(nanos);
        }
        return "≈0 (clocks ±" + duration(-nanos).substring(1) + ")";
    }

    private static double width(String text, Font font) {
        Text t = new Text(text);
        t.setFont(font);
        return t.getLayoutBounds().getWidth();
    }

    private String detail(Step s) {
        CorrelationReport.Hop hop = s.hop();
        boolean tunnel = hop.encap() != null;
        return (s.sinceFirstNanos < 0 ? latency(s.sinceFirstNanos) : duration(s.sinceFirstNanos)) + "   ttl "
                + hop.ttl() + (tunnel ? "   " + encapText(hop) : "") + "   " + hop.src() + " → " + hop.dst();
    }

    private static String sightingLine(Sighting k) {
        return k.tcp().isEmpty() ? k.text() : k.text() + "  " + k.tcp();
    }

    private static double boxHeight(Step s) {
        return HEAD_H + s.sightings().size() * LINE + 4;
    }

    private void draw() {
        List<String> hosts = hosts();
        // Boxes as wide as their longest line; columns as wide as their widest box.
        double boxW = BOX_MIN_W;
        for (Step s : steps) {
            boxW = Math.max(boxW, Math.max(width(s.title(), TITLE_FONT), width(detail(s), TEXT_FONT)) + 16);
            for (Sighting k : s.sightings()) {
                boxW = Math.max(boxW, width(sightingLine(k), TEXT_FONT) + 24);
            }
        }
        double column = boxW + GAP;
        // Each row is tall enough for its box and for the labels of the arrow that leaves it.
        double[] y = new double[steps.size()];
        double at = TOP + 22;
        for (int i = 0; i < steps.size(); i++) {
            y[i] = at;
            int nextLabels = i + 1 < steps.size() ? steps.get(i + 1).events.size() + 1 : 0;
            at += boxHeight(steps.get(i)) + Math.max(34, nextLabels * LINE + 10);
        }
        double width = Math.max(420, hosts.size() * column + 40 + 220);
        double height = Math.max(80, at + 10);
        canvas.setWidth(width);
        canvas.setHeight(height);
        boxes.clear();
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.setFill(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setTextBaseline(VPos.TOP);
        g.setTextAlign(TextAlignment.LEFT);
        g.setFont(TITLE_FONT);
        g.setFill(Color.web("#333"));
        g.fillText(message, 10, 8);
        for (int c = 0; c < hosts.size(); c++) {
            double x = 20 + c * column;
            g.setFill(c % 2 == 0 ? Color.web("#f3f6fb") : Color.web("#f7f3fb"));
            g.fillRect(x - 10, TOP - 6, column - 20, height - TOP);
            g.setFill(Color.web("#445"));
            g.setFont(Font.font("System", FontWeight.BOLD, 13));
            g.fillText(hosts.get(c), x, TOP - 4);
        }
        double[] cx = new double[steps.size()];
        double[] bottom = new double[steps.size()];
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            int col = hosts.indexOf(s.host);
            double x = 20 + col * column;
            double boxH = boxHeight(s);
            cx[i] = x;
            bottom[i] = y[i] + boxH;
            boxes.add(new double[] {x, y[i], boxW, boxH});
            boolean tunnel = s.hop().encap() != null;
            g.setFill(tunnel ? Color.web("#dcebff") : Color.web("#eef7e8"));
            g.fillRoundRect(x, y[i], boxW, boxH, 10, 10);
            g.setStroke(tunnel ? Color.web("#3b7dd8") : Color.web("#5a9c3a"));
            g.setLineWidth(1.4);
            g.strokeRoundRect(x, y[i], boxW, boxH, 10, 10);
            g.setFill(Color.BLACK);
            g.setFont(TITLE_FONT);
            g.fillText(s.title(), x + 8, y[i] + 4);
            g.setFont(TEXT_FONT);
            g.fillText(detail(s), x + 8, y[i] + 19);
            for (int k = 0; k < s.sightings().size(); k++) {
                Sighting sighting = s.sightings().get(k);
                double ly = y[i] + HEAD_H + k * LINE;
                g.setFill(Color.web("#333"));
                g.fillText("\u2022 " + sighting.text(), x + 12, ly);
                if (!sighting.tcp().isEmpty()) {
                    g.setFill(Color.web("#b00020"));
                    g.fillText(sighting.tcp(), x + 16 + width("\u2022 " + sighting.text() + "  ", TEXT_FONT), ly);
                }
            }
        }
        for (int i = 1; i < steps.size(); i++) {
            double x1 = cx[i - 1] + boxW / 2;
            double y1 = bottom[i - 1];
            double x2 = cx[i] + boxW / 2;
            double y2 = y[i];
            g.setStroke(Color.web("#666"));
            g.setLineWidth(1.5);
            g.strokeLine(x1, y1, x2, y2);
            double ang = Math.atan2(y2 - y1, x2 - x1);
            g.setFill(Color.web("#666"));
            g.fillPolygon(new double[] {x2, x2 - 9 * Math.cos(ang - 0.4), x2 - 9 * Math.cos(ang + 0.4)},
                    new double[] {y2, y2 - 9 * Math.sin(ang - 0.4), y2 - 9 * Math.sin(ang + 0.4)}, 3);
            Step s = steps.get(i);
            // Labels to the right of the arrow, one per line, below the latency: never over a box.
            double lx = Math.max(x1, x2) + 10;
            double ly = y1 + 4;
            g.setFont(LABEL_FONT);
            g.setFill(s.latencyNanos < 0 ? Color.web("#8a6d00") : Color.web("#333"));
            g.fillText(latency(s.latencyNanos), lx, ly);
            for (String e : s.events) {
                ly += LINE;
                g.setFill(e.startsWith("SNAT") || e.startsWith("DNAT") ? Color.web("#c05a00")
                        : e.startsWith("wire") ? Color.web("#777") : Color.web("#1d5fbf"));
                g.setFont(TEXT_FONT);
                g.fillText(e, lx, ly);
            }
        }
    }
}
