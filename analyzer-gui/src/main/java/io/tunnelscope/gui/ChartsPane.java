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
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BoxAndWhiskerRenderer;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.statistics.DefaultBoxAndWhiskerCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Charts (JFreeChart in JavaFX): throughput over time of one capture point (wire bytes against
 * inner IP bytes), packet-size histogram with the overlay and underlay MTU lines, and the
 * distribution of hop latencies of the correlated journeys.
 */
final class ChartsPane extends VBox {
    static final int OVERLAY_MTU = 1450;
    static final int UNDERLAY_MTU = 1500;

    private final ComboBox<String> pointChoice = new ComboBox<>();
    private final ChartViewer throughput = new ChartViewer(null);
    private final ChartViewer sizes = new ChartViewer(null);
    private final ChartViewer latency = new ChartViewer(null);
    private PacketStore store;
    JFreeChart throughputChart;
    JFreeChart sizeChart;
    JFreeChart latencyChart;

    ChartsPane() {
        setId("charts");
        setPadding(new Insets(6));
        setSpacing(6);
        pointChoice.setId("chartPoint");
        pointChoice.setOnAction(e -> showThroughput());
        HBox top = new HBox(8, new Label("Throughput of point:"), pointChoice);
        GridPane grid = new GridPane();
        grid.setHgap(6);
        grid.setVgap(6);
        grid.add(throughput, 0, 0, 2, 1);
        grid.add(sizes, 0, 1);
        grid.add(latency, 1, 1);
        for (ChartViewer v : List.of(throughput, sizes, latency)) {
            v.setPrefSize(600, 300);
            GridPane.setHgrow(v, Priority.ALWAYS);
            GridPane.setVgrow(v, Priority.ALWAYS);
        }
        VBox.setVgrow(grid, Priority.ALWAYS);
        getChildren().addAll(top, grid);
    }

    void clear() {
        store = null;
        pointChoice.getItems().clear();
    }

    /** Charts from the loaded packets (throughput, sizes). */
    void showPackets(PacketStore packets) {
        this.store = packets;
        List<String> names = new ArrayList<>();
        long[] tunnelled = new long[packets.points.size()];
        for (int i = 0; i < packets.size(); i++) {
            if ((packets.flags(i) & PacketStore.TUNNELLED) != 0) {
                tunnelled[packets.pointIndex(i)]++;
            }
        }
        int best = 0;
        for (int p = 0; p < packets.points.size(); p++) {
            names.add(packets.points.get(p).name());
            boolean dedicated = !packets.points.get(p).name().contains(":");
            boolean bestDedicated = !packets.points.get(best).name().contains(":");
            if ((dedicated && !bestDedicated) || (dedicated == bestDedicated && tunnelled[p] > tunnelled[best])) {
                best = p;
            }
        }
        pointChoice.setItems(FXCollections.observableArrayList(names));
        if (!names.isEmpty()) {
            pointChoice.getSelectionModel().select(best);
        }
        showThroughput();
        showSizes();
    }

    private void showThroughput() {
        int p = pointChoice.getSelectionModel().getSelectedIndex();
        if (store == null || p < 0) {
            return;
        }
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (int i = 0; i < store.size(); i++) {
            if (store.pointIndex(i) == p) {
                first = Math.min(first, store.timestamp(i));
                last = Math.max(last, store.timestamp(i));
            }
        }
        XYSeries outer = new XYSeries("wire bytes/s (outer)");
        XYSeries inner = new XYSeries("inner IP bytes/s");
        if (first <= last) {
            int buckets = 120;
            long width = Math.max(1_000_000L, (last - first) / buckets + 1);
            int n = (int) ((last - first) / width) + 1;
            double[] o = new double[n];
            double[] in = new double[n];
            for (int i = 0; i < store.size(); i++) {
                if (store.pointIndex(i) == p) {
                    int b = (int) ((store.timestamp(i) - first) / width);
                    o[b] += store.wireLength(i);
                    if ((store.flags(i) & PacketStore.TUNNELLED) != 0 || store.innerLength(i) > 0) {
                        in[b] += store.innerLength(i);
                    }
                }
            }
            double perSecond = 1e9 / width;
            for (int b = 0; b < n; b++) {
                double t = (b * width) / 1e9;
                outer.add(t, o[b] * perSecond);
                inner.add(t, in[b] * perSecond);
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(outer);
        data.addSeries(inner);
        throughputChart = ChartFactory.createXYLineChart("Throughput at " + pointChoice.getValue(),
                "seconds since the point's first packet", "bytes/s", data, PlotOrientation.VERTICAL, true, true, false);
        style(throughputChart);
        throughput.setChart(throughputChart);
    }

    private void showSizes() {
        int binWidth = 50;
        int max = 0;
        for (int i = 0; i < store.size(); i++) {
            max = Math.max(max, store.wireLength(i));
        }
        int bins = Math.min(2000, max / binWidth + 1);
        long[] count = new long[bins];
        for (int i = 0; i < store.size(); i++) {
            count[Math.min(bins - 1, store.wireLength(i) / binWidth)]++;
        }
        XYSeries s = new XYSeries("packets");
        for (int b = 0; b < bins; b++) {
            s.add(b * binWidth + binWidth / 2.0, count[b]);
        }
        sizeChart = ChartFactory.createXYBarChart("Packet sizes (wire length)", "bytes", false, "packets",
                new XYSeriesCollection(s), PlotOrientation.VERTICAL, false, true, false);
        style(sizeChart);
        XYPlot plot = sizeChart.getXYPlot();
        ((XYBarRenderer) plot.getRenderer()).setMargin(0.1);
        for (int mtu : new int[] {OVERLAY_MTU, UNDERLAY_MTU}) {
            ValueMarker m = new ValueMarker(mtu, mtu == OVERLAY_MTU ? new Color(0xD0, 0x70, 0x00) : new Color(0xC0, 0, 0),
                    new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
            m.setLabel("MTU " + mtu);
            m.setLabelAnchor(mtu == OVERLAY_MTU ? RectangleAnchor.TOP_LEFT : RectangleAnchor.TOP_RIGHT);
            m.setLabelTextAnchor(mtu == OVERLAY_MTU ? TextAnchor.TOP_RIGHT : TextAnchor.TOP_LEFT);
            plot.addDomainMarker(m);
        }
        plot.getDomainAxis().setUpperBound(Math.max(max + binWidth, UNDERLAY_MTU + 100));
        sizes.setChart(sizeChart);
    }

    /** Hop-latency box plots for the busiest hops of the correlated journeys. */
    void showLatencies(Map<String, List<Long>> hopLatencies) {
        DefaultBoxAndWhiskerCategoryDataset data = new DefaultBoxAndWhiskerCategoryDataset();
        hopLatencies.entrySet().stream()
                .sorted(Comparator.comparingInt((Map.Entry<String, List<Long>> e) -> e.getValue().size()).reversed())
                .limit(10)
                .forEach(e -> {
                    List<Double> micros = new ArrayList<>();
                    for (long v : e.getValue()) {
                        micros.add(v / 1000.0);
                    }
                    data.add(micros, "latency", e.getKey());
                });
        latencyChart = ChartFactory.createBoxAndWhiskerChart("Hop latency (µs), busiest hops", "hop", "µs", data, false);
        style(latencyChart);
        CategoryPlot plot = latencyChart.getCategoryPlot();
        BoxAndWhiskerRenderer r = (BoxAndWhiskerRenderer) plot.getRenderer();
        r.setMeanVisible(false);
        r.setMaxOutlierVisible(true);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(true);
        plot.getDomainAxis().setCategoryLabelPositions(org.jfree.chart.axis.CategoryLabelPositions.UP_45);
        plot.getDomainAxis().setTickLabelFont(new java.awt.Font("SansSerif", java.awt.Font.PLAIN, 9));
        plot.getDomainAxis().setMaximumCategoryLabelWidthRatio(3f);
        latency.setChart(latencyChart);
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(new Color(0xF8, 0xF9, 0xFB));
        chart.getTitle().setFont(new java.awt.Font("SansSerif", java.awt.Font.BOLD, 13));
    }
}
