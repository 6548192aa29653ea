package io.tunnelscope.cli;

import io.tunnelscope.escape.Escape;
import io.tunnelscope.report.AnalysisReport;
import io.tunnelscope.report.ChartData;
import io.tunnelscope.report.CorrelationReport;
import io.tunnelscope.report.Evidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.FlowSummary;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.time.Millisecond;
import org.jfree.data.time.TimeSeries;
import org.jfree.data.time.TimeSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report as one self-contained HTML page (a CI artifact): the same content as the text
 * report, and the charts a reader would rather look at — traffic over time per capture point,
 * packet sizes against the MTU lines, hop latencies along the busiest path — drawn with
 * jfreechart into PNG images embedded as data URIs. Every text from a capture is escaped.
 */
final class HtmlReport {
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 380;

    private HtmlReport() {
    }

    /** Items as an HTML list, escaped. */
    private static String list(List<String> items) {
        StringBuilder ul = new StringBuilder("<ul>");
        for (String item : items) {
            ul.append("<li>").append(Escape.html(item)).append("</li>");
        }
        return ul.append("</ul>").toString();
    }

    static String render(AnalysisReport report) {
        System.setProperty("java.awt.headless", "true");
        StringBuilder html = new StringBuilder(64 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>Tunnelscope report</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}")
                .append("table{border-collapse:collapse;margin:0.5em 0 1.5em}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}")
                .append("th{background:#f0f0f0}.error{background:#fdd}.warning{background:#ffd}.info{background:#eef}")
                .append("code{font-size:90%}img{display:block;margin:0.5em 0 1.5em}")
                .append("</style></head><body>\n");
        long packets = report.captures().stream().mapToLong(CorrelationReport.Point::packets).sum();
        html.append("<h1>Tunnelscope report</h1>\n<p id=\"summary\">").append(report.captures().size())
                .append(" capture points, ").append(packets).append(" packets, ").append(report.findings().size())
                .append(" findings.</p>\n");

        html.append("<h2>Findings</h2>\n");
        if (report.findings().isEmpty()) {
            html.append("<p>Nothing wrong found.</p>\n");
        } else {
            html.append("<table id=\"findings\"><tr><th>Severity</th><th>Kind</th><th>Basis</th><th>Summary</th>")
                    .append("<th>Points</th><th>Evidence</th><th>Count</th><th>Checked</th><th>Recommendation</th></tr>\n");
            for (Finding f : report.findings()) {
                List<String> evidence = new ArrayList<>();
                for (Evidence e : f.evidence()) {
                    evidence.add(e.toString());
                }
                html.append("<tr class=\"").append(f.severity().jsonName()).append("\">")
                        .append(cell(f.severity().jsonName())).append(cell(f.kind()))
                        .append(cell(f.basis().jsonName() + ", " + f.confidence().jsonName() + " confidence"))
                        .append(cell(f.state() == null ? f.summary() : f.summary() + " State: " + f.state().summary()
                                + (f.state().quotes().isEmpty() ? "" : " " + String.join("; ", f.state().quotes()))))
                        .append(cell(String.join(", ", f.points()))).append(cell(String.join(", ", evidence)))
                        .append(cell(Long.toString(f.count()))).append("<td>").append(list(f.checked())).append("</td>")
                        .append("<td>").append(Escape.html(f.recommendation()));
                if (!f.strongerWith().isEmpty()) {
                    html.append("<br>Stronger with:").append(list(f.strongerWith()));
                }
                html.append("</td></tr>\n");
            }
            html.append("</table>\n");
        }

        html.append("<h2>Charts</h2>\n");
        ChartData charts = report.charts();
        image(html, "throughput", "Traffic over time per capture point", throughputChart(charts));
        image(html, "sizes", "Packet sizes against the MTUs", sizeChart(charts));
        CorrelationReport.Path busiest = null;
        for (CorrelationReport.Path path : report.paths()) {
            if (path.points().size() > 1 && (busiest == null || path.packets() > busiest.packets())) {
                busiest = path;
            }
        }
        if (busiest != null) {
            image(html, "latency", "Hop latency along the busiest path", latencyChart(busiest));
        }

        html.append("<h2>Captures</h2>\n<table id=\"captures\"><tr><th>Point</th><th>Role</th><th>Link type</th>")
                .append("<th>Packets</th><th>File</th></tr>\n");
        for (CorrelationReport.Point p : report.captures()) {
            html.append("<tr>").append(cell(p.name())).append(cell(p.role())).append(cell(p.linkType()))
                    .append(cell(Long.toString(p.packets()))).append(cell(p.file())).append("</tr>\n");
        }
        html.append("</table>\n<h2>Topology</h2>\n<table id=\"topology\"><tr><th>Subnet</th><th>Overlay address</th>")
                .append("<th>Gateway</th><th>VTEP</th><th>VTEP MAC</th></tr>\n");
        for (CorrelationReport.Host h : report.topology().hosts()) {
            html.append("<tr>").append(cell(h.subnet())).append(cell(h.overlayAddress())).append(cell(h.gateway()))
                    .append(cell(h.vtep())).append(cell(h.vtepMac())).append("</tr>\n");
        }
        html.append("</table>\n<h2>Tunnels</h2>\n<table id=\"tunnels\"><tr><th>Encapsulation</th><th>VNI</th>")
                .append("<th>Outer source</th><th>Outer destination</th><th>Packets</th><th>Inner flows</th></tr>\n");
        for (CorrelationReport.Tunnel t : report.tunnels()) {
            List<String> flows = new ArrayList<>();
            for (CorrelationReport.InnerFlow f : t.innerFlows()) {
                flows.add(f.proto() + " " + f.src() + " > " + f.dst() + " (" + f.packets() + ")");
            }
            html.append("<tr>").append(cell(t.encap())).append(cell(t.vni() == null ? "" : t.vni().toString()))
                    .append(cell(t.outerSrc())).append(cell(t.outerDst())).append(cell(Long.toString(t.packets())))
                    .append(cell(String.join("; ", flows))).append("</tr>\n");
        }
        html.append("</table>\n<h2>Top flows</h2>\n<table id=\"flows\"><tr><th>Protocol</th><th>Source</th>")
                .append("<th>Destination</th><th>Packets</th><th>Bytes</th><th>Tunnels</th></tr>\n");
        for (FlowSummary f : report.flows()) {
            html.append("<tr>").append(cell(f.protocol())).append(cell(f.source())).append(cell(f.destination()))
                    .append(cell(Long.toString(f.packets()))).append(cell(Long.toString(f.bytes())))
                    .append(cell(String.join("; ", f.tunnels()))).append("</tr>\n");
        }
        html.append("</table>\n<h2>Paths</h2>\n<table id=\"paths\"><tr><th>Packets</th><th>Points</th></tr>\n");
        for (CorrelationReport.Path p : report.paths()) {
            html.append("<tr>").append(cell(Long.toString(p.packets()))).append(cell(String.join(" \u2192 ", p.points())))
                    .append("</tr>\n");
        }
        html.append("</table>\n<h2>NAT</h2>\n<table id=\"nat\"><tr><th>Kind</th><th>Original</th><th>Translated</th>")
                .append("<th>From</th><th>To</th><th>Packets</th><th>Replies</th></tr>\n");
        for (CorrelationReport.Nat n : report.nat()) {
            html.append("<tr>").append(cell(n.kind())).append(cell(n.original())).append(cell(n.translated()))
                    .append(cell(n.from())).append(cell(n.to())).append(cell(Long.toString(n.packets())))
                    .append(cell(Long.toString(n.replyPackets()))).append("</tr>\n");
        }
        html.append("</table>\n");
        if (!report.errors().isEmpty()) {
            html.append("<h2>Inputs not fully read</h2>\n<ul>");
            for (String error : report.errors()) {
                html.append("<li>").append(Escape.html(error)).append("</li>");
            }
            html.append("</ul>\n");
        }
        if (!report.limits().isEmpty()) {
            html.append("<h2>Tables that reached their bounds</h2>\n<ul>");
            for (String limit : report.limits()) {
                html.append("<li>").append(Escape.html(limit)).append("</li>");
            }
            html.append("</ul>\n");
        }
        // Marks the page once every chart image has decoded: the headless-browser test reads it.
        html.append("<script>window.addEventListener('load',function(){var ok=Array.prototype.every.call(")
                .append("document.images,function(i){return i.complete&&i.naturalWidth>0;});")
                .append("document.body.setAttribute('data-images-ok',ok?'true':'false');});</script>\n");
        html.append("</body></html>\n");
        return html.toString();
    }

    private static JFreeChart throughputChart(ChartData charts) {
        TimeSeriesCollection dataset = new TimeSeriesCollection();
        for (ChartData.Throughput series : charts.throughput()) {
            TimeSeries inner = new TimeSeries(series.point());
            for (int i = 0; i < series.seconds().length; i++) {
                inner.addOrUpdate(new Millisecond(new java.util.Date(series.seconds()[i] * 1000)), series.inner()[i]);
            }
            dataset.addSeries(inner);
        }
        JFreeChart chart = ChartFactory.createTimeSeriesChart(null, "time", "inner IP bytes per second", dataset,
                true, false, false);
        style(chart);
        return chart;
    }

    private static JFreeChart sizeChart(ChartData charts) {
        XYSeriesCollection dataset = new XYSeriesCollection();
        XYSeries all = new XYSeries("packets per size (all points)");
        long[] sum = null;
        int width = 50;
        long superFrames = 0;
        for (ChartData.Sizes sizes : charts.sizes()) {
            width = sizes.bucketWidth();
            if (sum == null) {
                sum = new long[sizes.counts().length];
            }
            for (int i = 0; i < sizes.counts().length && i < sum.length; i++) {
                sum[i] += sizes.counts()[i];
            }
            superFrames += sizes.superFrames();
        }
        if (sum != null) {
            for (int i = 0; i < sum.length; i++) {
                all.add(i * width + width / 2.0, sum[i]);
            }
        }
        dataset.addSeries(all);
        dataset.setIntervalWidth(width * 0.9);
        JFreeChart chart = ChartFactory.createXYBarChart(null, "IP packet size (bytes)" + (superFrames > 0
                        ? ", " + superFrames + " super-frames not shown" : ""), false, "packets", dataset,
                PlotOrientation.VERTICAL, false, false, false);
        XYPlot plot = chart.getXYPlot();
        if (charts.overlayMtu() > 0) {
            marker(plot, charts.overlayMtu(), "overlay MTU " + charts.overlayMtu() + " ", new Color(0xC0, 0x30, 0x30),
                    true);
        }
        marker(plot, 1500, " Ethernet MTU 1500", new Color(0x30, 0x30, 0xC0), false);
        ((NumberAxis) plot.getDomainAxis()).setRange(0, 1700);
        ((org.jfree.chart.renderer.xy.XYBarRenderer) plot.getRenderer()).setShadowVisible(false);
        ((org.jfree.chart.renderer.xy.XYBarRenderer) plot.getRenderer()).setBarPainter(
                new org.jfree.chart.renderer.xy.StandardXYBarPainter());
        style(chart);
        return chart;
    }

    /** A vertical MTU line, labelled on its left or right so neighbouring labels do not collide. */
    private static void marker(XYPlot plot, int value, String label, Color color, boolean labelLeft) {
        ValueMarker marker = new ValueMarker(value, color, new BasicStroke(2f));
        marker.setLabel(label);
        marker.setLabelPaint(color);
        marker.setLabelAnchor(labelLeft ? RectangleAnchor.TOP_LEFT : RectangleAnchor.BOTTOM_RIGHT);
        marker.setLabelTextAnchor(labelLeft ? TextAnchor.TOP_RIGHT : TextAnchor.BOTTOM_LEFT);
        plot.addDomainMarker(marker);
    }

    private static JFreeChart latencyChart(CorrelationReport.Path path) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        for (CorrelationReport.HopLatency hop : path.hopLatencyNanos()) {
            String step = hop.from() + " \u2192 " + hop.to();
            // A step whose times only contradict the order (clocks) has no latency to draw.
            dataset.addValue(hop.p50() == null ? null : hop.p50() / 1000.0, "p50", step);
            dataset.addValue(hop.p99() == null ? null : hop.p99() / 1000.0, "p99", step);
        }
        JFreeChart chart = ChartFactory.createBarChart(null, "hop", "microseconds", dataset,
                PlotOrientation.HORIZONTAL, true, false, false);
        style(chart);
        return chart;
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(new Color(0xFA, 0xFA, 0xFA));
    }

    private static void image(StringBuilder html, String id, String title, JFreeChart chart) {
        byte[] png;
        try {
            png = ChartUtils.encodeAsPNG(chart.createBufferedImage(WIDTH, HEIGHT));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        html.append("<h3>").append(Escape.html(title)).append("</h3>\n<img id=\"").append(id).append("\" alt=\"")
                .append(Escape.html(title)).append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png))
                .append("\">\n");
    }

    private static String cell(String text) {
        return "<td>" + (text == null ? "" : Escape.html(text)) + "</td>";
    }
}
