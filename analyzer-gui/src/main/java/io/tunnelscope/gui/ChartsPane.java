package io.tunnelscope.gui;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BoxAndWhiskerRenderer;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.statistics.BoxAndWhiskerItem;
import org.jfree.data.statistics.DefaultBoxAndWhiskerCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The Charts tab (JFreeChart in JavaFX), drawn from the packets the display filter shows (ignored
 * packets left out): throughput over time of one capture point in bits per second (wire against
 * inner IP bytes), the packet-size histogram with the overlay and underlay MTU lines, and the
 * hop latencies of the correlated journeys as horizontal box plots. Axes read {@code 700 M}, not
 * {@code 7E8}; an empty chart says why it is empty.
 */
final class ChartsPane extends VBox implements ViewerTab {
    static final int OVERLAY_MTU = 1450;
    static final int UNDERLAY_MTU = 1500;
    private static final java.awt.Font TITLE = new java.awt.Font("SansSerif", java.awt.Font.BOLD, 13);
    private static final java.awt.Font MESSAGE = new java.awt.Font("SansSerif", java.awt.Font.PLAIN, 13);

    private final Tab tab = new Tab("Charts", this);
    private final ComboBox<String> pointChoice = new ComboBox<>();
    private final ChartViewer throughput = new ChartViewer(null);
    private final ChartViewer sizes = new ChartViewer(null);
    private final ChartViewer latency = new ChartViewer(null);
    private Session session;
    private int[] displayed = new int[0];
    private JFreeChart throughputChart;
    private JFreeChart sizeChart;
    private JFreeChart latencyChart;
    /** The throughput and size charts wait for the tab to be shown to be drawn again. */
    private boolean stale;
    /** The point the throughput chart starts on is chosen when first drawn (it counts every packet). */
    private boolean pointChosen;

    ChartsPane() {
        setId("charts");
        tab.setClosable(false);
        setPadding(new Insets(6));
        setSpacing(6);
        pointChoice.setId("chart-point");
        pointChoice.setOnAction(e -> {
            if (tab.isSelected()) {
                showThroughput();
            } else {
                stale = true;
            }
        });
        // Drawn when shown: each chart counts every displayed packet, on the FX thread.
        tab.selectedProperty().addListener((o, was, now) -> {
            if (now && stale) {
                draw();
            }
        });
        tab.setId("charts-tab");
        throughput.setId("throughput-chart");
        sizes.setId("size-chart");
        latency.setId("latency-chart");
        HBox top = new HBox(8, new Label("Throughput of point:"), pointChoice,
                new Label("(the charts show the packets the display filter shows)"));
        GridPane grid = new GridPane();
        grid.setHgap(6);
        grid.setVgap(6);
        grid.add(throughput, 0, 0, 2, 1);
        grid.add(sizes, 0, 1);
        grid.add(latency, 1, 1);
        for (ChartViewer v : List.of(throughput, sizes, latency)) {
            v.setPrefSize(600, 300);
            v.setMinSize(200, 150);
            GridPane.setHgrow(v, Priority.ALWAYS);
            GridPane.setVgrow(v, Priority.ALWAYS);
        }
        VBox.setVgrow(grid, Priority.ALWAYS);
        getChildren().addAll(top, grid);
        showThroughput();
        showSizes();
        showLatencies(Map.of());
    }

    @Override
    public Tab tab() {
        return tab;
    }

    @Override
    public void clear() {
        session = null;
        displayed = new int[0];
        pointChoice.getItems().clear();
        showThroughput();
        showSizes();
        showLatencies(Map.of());
    }

    @Override
    public void loaded(Session loaded) {
        this.session = loaded;
        List<String> names = new ArrayList<>();
        for (PacketStore.Point p : loaded.store().points()) {
            names.add(p.name());
        }
        pointChosen = false;
        pointChoice.setItems(FXCollections.observableArrayList(names));
        redraw();
    }

    /**
     * The point the throughput chart starts on: a point of its own (not one interface of an
     * {@code any} capture) with the most tunnelled packets.
     */
    private int bestPoint() {
        PacketStore packets = session.store();
        long[] tunnelled = new long[packets.points().size()];
        for (int i = 0; i < packets.size(); i++) {
            if ((packets.flags(i) & PacketStore.TUNNELLED) != 0) {
                tunnelled[packets.pointIndex(i)]++;
            }
        }
        int best = 0;
        for (int p = 0; p < packets.points().size(); p++) {
            boolean dedicated = !packets.points().get(p).name().contains(":");
            boolean bestDedicated = !packets.points().get(best).name().contains(":");
            if ((dedicated && !bestDedicated) || (dedicated == bestDedicated && tunnelled[p] > tunnelled[best])) {
                best = p;
            }
        }
        return best;
    }

    @Override
    public void displayed(Session shown, int[] packets) {
        this.session = shown;
        this.displayed = packets;
        redraw();
    }

    /** Draws the throughput and size charts now if the tab is shown, else when it is. */
    private void redraw() {
        if (tab.isSelected()) {
            draw();
        } else {
            stale = true;
        }
    }

    private void draw() {
        stale = false;
        if (session != null && !pointChosen && !pointChoice.getItems().isEmpty()) {
            pointChosen = true;
            pointChoice.getSelectionModel().select(bestPoint()); // draws the throughput chart
        } else {
            showThroughput();
        }
        showSizes();
    }

    @Override
    public void analysed(Session analysed) {
        showLatencies(analysed.correlation() == null ? Map.of() : analysed.correlation().hopLatencies());
    }

    private boolean counts(int i) {
        return !session.ignored().get(i);
    }

    private void showThroughput() {
        int p = pointChoice.getSelectionModel().getSelectedIndex();
        XYSeries outer = new XYSeries("wire bits/s (outer)");
        XYSeries inner = new XYSeries("inner IP bits/s");
        String message = session == null ? "Open captures to see their throughput."
                : "No packet of this point passes the display filter.";
        if (session != null && p >= 0) {
            PacketStore store = session.store();
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (int i : displayed) {
                if (store.pointIndex(i) == p && counts(i)) {
                    first = Math.min(first, store.timestamp(i));
                    last = Math.max(last, store.timestamp(i));
                }
            }
            if (first <= last) {
                int buckets = 120;
                long width = Math.max(1_000_000L, (last - first) / buckets + 1);
                int n = (int) ((last - first) / width) + 1;
                double[] o = new double[n];
                double[] in = new double[n];
                for (int i : displayed) {
                    if (store.pointIndex(i) == p && counts(i)) {
                        int b = (int) ((store.timestamp(i) - first) / width);
                        o[b] += store.wireLength(i);
                        in[b] += store.innerLength(i);
                    }
                }
                double bitsPerSecond = 8e9 / width;
                for (int b = 0; b < n; b++) {
                    double t = (b * width) / 1e9;
                    outer.add(t, o[b] * bitsPerSecond);
                    inner.add(t, in[b] * bitsPerSecond);
                }
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        if (!outer.isEmpty()) {
            data.addSeries(outer);
            data.addSeries(inner);
        }
        String point = pointChoice.getValue();
        throughputChart = ChartFactory.createXYLineChart("Throughput" + (point == null ? "" : " at " + point),
                "seconds since the point's first displayed packet", "bits/s", data, PlotOrientation.VERTICAL, true,
                true, false);
        style(throughputChart, message);
        ((NumberAxis) throughputChart.getXYPlot().getRangeAxis()).setNumberFormatOverride(new SiFormat());
        throughput.setChart(throughputChart);
    }

    private void showSizes() {
        int binWidth = 50;
        int max = 0;
        int shown = 0;
        if (session != null) {
            for (int i : displayed) {
                if (counts(i)) {
                    max = Math.max(max, session.store().wireLength(i));
                    shown++;
                }
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        if (shown > 0) {
            int bins = Math.min(2000, max / binWidth + 1);
            long[] count = new long[bins];
            for (int i : displayed) {
                if (counts(i)) {
                    count[Math.min(bins - 1, session.store().wireLength(i) / binWidth)]++;
                }
            }
            XYSeries s = new XYSeries("packets");
            for (int b = 0; b < bins; b++) {
                s.add(b * binWidth + binWidth / 2.0, count[b]);
            }
            data.addSeries(s);
        }
        sizeChart = ChartFactory.createXYBarChart("Packet sizes (wire length)", "bytes", false, "packets",
                data, PlotOrientation.VERTICAL, false, true, false);
        style(sizeChart, session == null ? "Open captures to see their packet sizes."
                : "No packet passes the display filter.");
        XYPlot plot = sizeChart.getXYPlot();
        ((XYBarRenderer) plot.getRenderer()).setMargin(0.1);
        ((NumberAxis) plot.getRangeAxis()).setNumberFormatOverride(new SiFormat());
        for (int mtu : new int[] {OVERLAY_MTU, UNDERLAY_MTU}) {
            ValueMarker m = new ValueMarker(mtu, mtu == OVERLAY_MTU ? new Color(0xD0, 0x70, 0x00) : new Color(0xC0, 0, 0),
                    new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
            m.setLabel("MTU " + mtu);
            m.setLabelAnchor(mtu == OVERLAY_MTU ? RectangleAnchor.TOP_LEFT : RectangleAnchor.TOP_RIGHT);
            m.setLabelTextAnchor(mtu == OVERLAY_MTU ? TextAnchor.TOP_RIGHT : TextAnchor.TOP_LEFT);
            plot.addDomainMarker(m);
        }
        plot.getDomainAxis().setLowerBound(0);
        plot.getDomainAxis().setUpperBound(Math.max(max + binWidth, UNDERLAY_MTU + 100));
        sizes.setChart(sizeChart);
    }

    /** Hop-latency box plots for the busiest hops of the correlated journeys (horizontal: the hop names fit). */
    void showLatencies(Map<String, CorrelationModel.Latencies> hopLatencies) {
        DefaultBoxAndWhiskerCategoryDataset data = new DefaultBoxAndWhiskerCategoryDataset();
        hopLatencies.entrySet().stream()
                .sorted(Comparator.comparingInt((Map.Entry<String, CorrelationModel.Latencies> e) -> e.getValue().size())
                        .reversed())
                .limit(10)
                .forEach(e -> data.add(box(e.getValue().sorted()), "latency", shortHop(e.getKey())));
        latencyChart = ChartFactory.createBoxAndWhiskerChart("Hop latency (µs), busiest hops", null, "µs", data, false);
        style(latencyChart, session == null || session.correlation() == null
                ? "Hop latencies appear once the analysis has run."
                : "No journey crossed two capture points: no hop latencies (open the captures of several points).");
        CategoryPlot plot = latencyChart.getCategoryPlot();
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        BoxAndWhiskerRenderer r = (BoxAndWhiskerRenderer) plot.getRenderer();
        r.setMeanVisible(false);
        r.setMaxOutlierVisible(true);
        r.setMaximumBarWidth(0.08);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(true);
        CategoryAxis axis = plot.getDomainAxis();
        axis.setTickLabelFont(new java.awt.Font("SansSerif", java.awt.Font.PLAIN, 10));
        axis.setMaximumCategoryLabelWidthRatio(0.45f);
        axis.setMaximumCategoryLabelLines(2);
        latency.setChart(latencyChart);
    }

    /** "host1-flannel.1 → host1-ens33" stays; a long hop keeps each point's device after the host. */
    static String shortHop(String hop) {
        return hop.length() <= 40 ? hop : hop.replace(" → ", " →\n");
    }

    /** Quartiles, whiskers (1.5 IQR) and extremes of sorted latencies in microseconds, without boxing each value. */
    static BoxAndWhiskerItem box(long[] sorted) {
        int n = sorted.length;
        double q1 = quantile(sorted, 0.25) / 1000.0;
        double median = quantile(sorted, 0.5) / 1000.0;
        double q3 = quantile(sorted, 0.75) / 1000.0;
        double iqr = q3 - q1;
        double lowFence = q1 - 1.5 * iqr;
        double highFence = q3 + 1.5 * iqr;
        double low = Double.NaN;
        double high = Double.NaN;
        double sum = 0;
        for (long v : sorted) {
            double u = v / 1000.0;
            sum += u;
            if (u >= lowFence && (Double.isNaN(low) || u < low)) {
                low = u;
            }
            if (u <= highFence && (Double.isNaN(high) || u > high)) {
                high = u;
            }
        }
        return new BoxAndWhiskerItem(n == 0 ? 0 : sum / n, median, q1, q3, low, high,
                sorted[0] / 1000.0, sorted[n - 1] / 1000.0, List.of());
    }

    private static double quantile(long[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    private static void style(JFreeChart chart, String noData) {
        chart.setBackgroundPaint(Color.WHITE);
        Plot plot = chart.getPlot();
        plot.setBackgroundPaint(new Color(0xF8, 0xF9, 0xFB));
        plot.setNoDataMessage(noData);
        plot.setNoDataMessageFont(MESSAGE);
        chart.getTitle().setFont(TITLE);
    }

    /** The message an empty chart shows (tests). */
    static String noDataMessage(JFreeChart chart) {
        return chart.getPlot().getNoDataMessage();
    }
}
