package io.tunnelscope.gui;

import io.tunnelscope.anomaly.Analyzer;
import io.tunnelscope.report.AnalysisReport;
import io.tunnelscope.report.CorrelationReport;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javafx.concurrent.Task;

/**
 * Runs the analysis of the open captures in the background: the same {@link Analyzer} run as
 * {@code tunnelscope report} (each file analysed on the thread that reads it, the correlation on
 * the caller's), keeping only the journeys that cross two capture points or more (a packet seen at
 * one point has no journey to show), then ties the correlation to the loaded packets.
 */
final class AnalysisRunner {
    private final StatusBar statusBar;
    private Task<?> running;

    AnalysisRunner(StatusBar statusBar) {
        this.statusBar = statusBar;
    }

    /** What one run gave: the report and the correlation tied to the packets. */
    private record Result(AnalysisReport report, CorrelationModel model) {
    }

    /** Stops a run in progress (something else is opened). */
    void cancel() {
        if (running != null) {
            running.cancel(true);
            running = null;
        }
    }

    /**
     * Analyses the session's files, at once (alongside their loading: {@code loaded} completes
     * when the packets are in the store, which the correlation is then tied to); on the FX thread
     * afterwards, sets {@link Session#analysis} and {@link Session#correlation} and calls
     * {@code analysed}. {@code state} hears what to say in the status bar ("analysing…", "analysis
     * failed: ...").
     *
     * @param expectedPackets how many packets to expect, for the progress bar (an estimate)
     * @return completes when the run is over (done, failed or cancelled)
     */
    CompletableFuture<Void> analyse(Session session, List<Path> files, long expectedPackets,
                                    CompletableFuture<Boolean> loaded, Consumer<String> state,
                                    Consumer<Session> analysed) {
        cancel();
        CompletableFuture<Void> done = new CompletableFuture<>();
        PacketStore store = session.store();
        long total = Math.max(1, expectedPackets);
        Task<Result> task = new Task<>() {
            @Override
            protected Result call() throws Exception {
                updateMessage("Analysing " + files.size() + " file(s): correlation and findings…");
                updateProgress(0, 1);
                Analyzer.Options options = new Analyzer.Options();
                options.correlation.keepJourneys = true;
                options.correlation.keepJourneysFromHops = 2;
                options.correlation.tables = session.tables();
                options.correlation.bufferedReading = true;
                options.flowsAndCharts = false; // the viewer counts its own conversations and draws its own charts
                options.state = store.state();
                AtomicLong seen = new AtomicLong();
                options.progress = (point, file, record, stack, view) -> {
                    long n = seen.incrementAndGet();
                    if ((n & 0x3FFFF) == 0) {
                        if (isCancelled()) {
                            throw new CancellationException();
                        }
                        updateProgress(Math.min(n, total), total);
                    }
                };
                AnalysisReport report = Analyzer.analyze(files, options);
                updateMessage("Analysis done; waiting for the packets to be loaded…");
                if (isCancelled() || !loaded.get()) {
                    return null;
                }
                CorrelationReport correlated = report.correlation();
                return new Result(report, new CorrelationModel(correlated, store));
            }
        };
        running = task;
        state.accept("analysing…");
        task.setOnSucceeded(e -> {
            statusBar.finished(task);
            if (running == task) {
                running = null;
            }
            Result r = task.getValue();
            if (r != null) {
                session.analysis(r.report());
                session.correlation(r.model());
                analysed.accept(session);
            }
            done.complete(null);
        });
        task.setOnCancelled(e -> {
            statusBar.finished(task);
            state.accept("analysis cancelled");
            done.complete(null);
        });
        task.setOnFailed(e -> {
            statusBar.finished(task);
            Throwable t = task.getException();
            state.accept("analysis failed: " + (t.getMessage() == null ? t : t.getMessage()));
            done.complete(null);
        });
        statusBar.run(task);
        return done;
    }
}
