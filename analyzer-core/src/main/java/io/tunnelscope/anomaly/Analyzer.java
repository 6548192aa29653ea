package io.tunnelscope.anomaly;

import io.tunnelscope.correlate.Correlator;
import io.tunnelscope.correlate.PacketListener;
import io.tunnelscope.flow.FlowTable;
import io.tunnelscope.report.AnalysisReport;
import io.tunnelscope.report.Confidence;
import io.tunnelscope.report.CorrelationReport;
import io.tunnelscope.report.Finding;
import io.tunnelscope.state.ClusterState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * The whole analysis behind {@code tunnelscope report}: one correlation run whose packet listeners
 * also feed the flow table, the chart series, the size facts and every rule ({@link PacketAnalysis}),
 * so each capture is read once more than correlation alone needs (its calibration pass) and no
 * more; then the rules turn what they gathered into findings, most severe first.
 */
public final class Analyzer {

    /** Tuning of an analysis run. */
    public static final class Options {
        /**
         * Correlation settings (window, decode-as tables, read-ahead); its listeners are the
         * analyzer's own.
         */
        public Correlator.Options correlation = new Correlator.Options();
        /** Flows listed in the report. */
        public int topFlows = 20;
        /** Flows tracked at most. */
        public int maxFlows = 200_000;
        /** Makes the rules of a run: fresh instances each call (one set per file with read-ahead). */
        public Supplier<List<Rule>> rules = Rules::all;
        /**
         * The nodes' recorded state ({@code tunnelscope collect}), or null: findings then say whether
         * the state confirms them, and the state-only rules (rp_filter, bridge netfilter, configured
         * MTUs) have something to judge.
         */
        public ClusterState state;
        /**
         * Sees every packet too, e.g. for a progress bar (may be null). With read-ahead it is
         * called from the thread reading each file, so from several threads at once; each file's
         * packets come in the file's order.
         */
        public PacketListener progress;
        /**
         * Whether to keep the report's flow list and chart series (true). No rule reads them: the
         * desktop viewer, which counts its own conversations and draws its own charts, leaves them
         * out, and each packet costs its reading thread less.
         */
        public boolean flowsAndCharts = true;
    }

    private Analyzer() {
    }

    /**
     * Analyses the captures. With read-ahead (the default) every file's packets are analysed on
     * the thread that reads the file, by an instance of the per-packet analysis of its own, while
     * the caller's thread correlates; the instances are merged, file by file, once all are read.
     * Without read-ahead one instance sees every packet on the caller's thread. Both give the same
     * report.
     */
    public static AnalysisReport analyze(List<Path> files, Options options) throws IOException {
        Gathered gathered = options.correlation.readAhead ? gatherPerFile(files, options) : gatherInline(files, options);
        CorrelationReport correlation = gathered.correlation();
        PacketAnalysis packets = gathered.packets();
        AnalysisContext analysis = new AnalysisContext(correlation, packets.sizes);
        analysis.useState(options.state);
        List<Finding> findings = new ArrayList<>();
        List<String> errors = new ArrayList<>(correlation.errors());
        errors.addAll(packets.failures.describe());
        for (Rule rule : packets.rules) {
            // A rule that fails to conclude loses its own findings, not the report.
            List<Finding> own = new ArrayList<>();
            try {
                rule.finish(analysis, own);
                findings.addAll(own);
            } catch (RuntimeException e) {
                errors.add("analysis fault: rule " + rule.kind() + " failed after reading the captures ("
                        + Failures.describe(e) + "); its findings are missing");
            }
        }
        StateEvidence.annotate(analysis, findings);
        // A count above the packets read is a miscount, not a fact: said, and the finding trusted less.
        long packetsRead = analysis.packetsRead();
        findings.replaceAll(f -> f.count() <= packetsRead || f.confidence() == Confidence.LOW ? f
                : f.withConfidence(Confidence.LOW, "the count, " + f.count() + ", against the " + packetsRead
                        + " packets read: more, so it is a miscount"));
        findings.sort(Comparator.comparing(Finding::severity).reversed());
        List<String> limits = new ArrayList<>(correlation.limits());
        FlowTable flows = packets.flows;
        if (flows.untrackedPackets() > 0) {
            limits.add("flow table full: " + flows.untrackedPackets() + " packets of further flows not tracked");
        }
        return new AnalysisReport(correlation.hosts(), correlation.points(), correlation.topology(), correlation.tunnels(),
                flows.top(options.topFlows), correlation.paths(), correlation.nat(), correlation.losses(),
                correlation.clockOffsets(), findings, errors, limits,
                packets.series.charts(analysis.overlayMtu() == null ? 0 : analysis.overlayMtu().value()),
                correlation.journeys());
    }

    /** The correlation and what its packets showed. */
    private record Gathered(CorrelationReport correlation, PacketAnalysis packets) {
    }

    /** One instance of the per-packet analysis per file, on the file's reading thread; merged. */
    private static Gathered gatherPerFile(List<Path> files, Options options) throws IOException {
        List<PacketAnalysis> perFile = new ArrayList<>(Collections.nCopies(files.size(), null));
        Correlator.Options settings = options.correlation;
        settings.listener = null;
        settings.fileListeners = (index, file) -> {
            PacketAnalysis part = new PacketAnalysis(options.rules.get(), options.maxFlows, options.progress,
                    options.flowsAndCharts);
            perFile.set(index, part);
            return part.listener(index);
        };
        CorrelationReport correlation = Correlator.correlate(files, settings);
        PacketAnalysis merged = null;
        for (PacketAnalysis part : perFile) {
            if (merged == null) {
                merged = part;
            } else if (part != null) {
                merged.mergeFrom(part);
            }
        }
        return new Gathered(correlation, merged != null ? merged
                : new PacketAnalysis(options.rules.get(), options.maxFlows, null, options.flowsAndCharts));
    }

    /** One instance of the per-packet analysis sees every packet in merged order. */
    private static Gathered gatherInline(List<Path> files, Options options) throws IOException {
        PacketAnalysis packets = new PacketAnalysis(options.rules.get(), options.maxFlows, options.progress,
                options.flowsAndCharts);
        Correlator.Options settings = options.correlation;
        settings.fileListeners = null;
        settings.listener = packets.listener();
        return new Gathered(Correlator.correlate(files, settings), packets);
    }
}
