package io.tunnelscope.anomaly;

import io.tunnelscope.correlate.Correlator;
import io.tunnelscope.flow.FlowTable;
import io.tunnelscope.flow.TrafficSeries;
import io.tunnelscope.report.AnalysisReport;
import io.tunnelscope.report.CorrelationReport;
import io.tunnelscope.report.Finding;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The whole analysis behind {@code tunnelscope report}: one correlation run whose packet listener
 * also feeds the flow table, the chart series, the size facts and every rule, so each capture is
 * read once more than correlation alone needs (its calibration pass) and no more; then the rules
 * turn what they gathered into findings, most severe first.
 */
public final class Analyzer {

    /** Tuning of an analysis run. */
    public static final class Options {
        /** Correlation settings (window, decode-as tables); its listener is the analyzer's own. */
        public Correlator.Options correlation = new Correlator.Options();
        /** Flows listed in the report. */
        public int topFlows = 20;
        /** Flows tracked at most. */
        public int maxFlows = 200_000;
        /** Sees every packet too, e.g. for a progress bar (may be null). */
        public io.tunnelscope.correlate.PacketListener progress;
    }

    private Analyzer() {
    }

    public static AnalysisReport analyze(List<Path> files, Options options) throws IOException {
        List<Rule> rules = Rules.all();
        SizeFacts sizes = new SizeFacts();
        FlowTable flows = new FlowTable(options.maxFlows);
        TrafficSeries series = new TrafficSeries();
        PacketContext context = new PacketContext();
        io.tunnelscope.correlate.PacketListener progress = options.progress;
        options.correlation.listener = (point, file, record, stack, view) -> {
            context.set(point, file, record, stack, view);
            sizes.packet(context);
            flows.packet(point, record.timestampNanos(), record.originalLength(), view);
            series.packet(point, record.timestampNanos(), record.originalLength(), view);
            for (Rule rule : rules) {
                rule.packet(context);
            }
            if (progress != null) {
                progress.packet(point, file, record, stack, view);
            }
        };
        CorrelationReport correlation = Correlator.correlate(files, options.correlation);
        AnalysisContext analysis = new AnalysisContext(correlation, sizes);
        List<Finding> findings = new ArrayList<>();
        for (Rule rule : rules) {
            rule.finish(analysis, findings);
        }
        findings.sort(Comparator.comparing(Finding::severity).reversed());
        List<String> limits = new ArrayList<>(correlation.limits());
        if (flows.untrackedPackets() > 0) {
            limits.add("flow table full: " + flows.untrackedPackets() + " packets of further flows not tracked");
        }
        return new AnalysisReport(correlation.points(), correlation.topology(), correlation.tunnels(),
                flows.top(options.topFlows), correlation.paths(), correlation.nat(), correlation.losses(),
                correlation.clockOffsets(), findings, correlation.errors(), limits,
                series.charts(analysis.overlayMtu() == null ? 0 : analysis.overlayMtu().value()),
                correlation.journeys());
    }
}
