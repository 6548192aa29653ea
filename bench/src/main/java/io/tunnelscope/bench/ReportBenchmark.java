package io.tunnelscope.bench;

import io.tunnelscope.anomaly.Analyzer;
import io.tunnelscope.report.AnalysisReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole {@code report} pipeline (calibration, decode, flows, correlation, every rule) on a
 * generated two-point capture of {@value #PACKETS} packets per point (mixed sizes): one op = one
 * packet read in the main pass, so the score is packets per second. Run with the collector the
 * {@code tunnelscope} launcher gives the command line tool (the throughput collector).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 4)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseParallelGC"})
@State(Scope.Benchmark)
public class ReportBenchmark {
    static final int PACKETS = 1_000_000;
    static final int POINTS = 2;

    private List<Path> files;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        files = BenchFiles.capture(CaptureGenerator.Sizes.MIX, PACKETS, POINTS);
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS * POINTS)
    public AnalysisReport report() throws IOException {
        return Analyzer.analyze(files, new Analyzer.Options());
    }
}
