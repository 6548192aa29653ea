package io.tunnelscope.bench;

import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.flow.FlowTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One core, page cache warm: packets per second (one op = one packet) of the memory-mapped pcap
 * reader alone, reader + decoder + view, and reader + decoder + view + flow table. A batch of
 * {@value #BATCH} packets per invocation; the file is reopened at its end. Run with
 * {@code -prof gc} for the bytes allocated per packet.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class DecodeBenchmark {
    static final int BATCH = 4096;

    /** SMALL: ~100-byte frames; LARGE: ~1400-byte frames. */
    @Param({"SMALL", "LARGE"})
    public CaptureGenerator.Sizes sizes;

    /** Packets in the generated file. */
    @Param({"1000000"})
    public long packets;

    /**
     * Whether the decoder verifies TCP/UDP/ICMP checksums, which reads every payload byte: false
     * is what tcpdump (without -v) and gopacket's DecodingLayerParser do, true what
     * {@code tunnelscope decode} and {@code report} do.
     */
    @Param({"false", "true"})
    public boolean verify;

    private Path file;
    private CaptureReader reader;
    private final PacketRecord record = new PacketRecord();
    private PacketDecoder decoder;
    private final PacketView view = new PacketView();
    private FlowTable flows;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = BenchFiles.capture(sizes, sizes == CaptureGenerator.Sizes.LARGE ? packets / 2 : packets, 1).get(0);
        reader = CaptureReaders.open(file);
        flows = new FlowTable(200_000);
        decoder = new PacketDecoder(DecodeTables.builder().verifyChecksums(verify).build());
    }

    /**
     * Reading allocates nothing, so no collection ever frees the reader's spent 8 MiB windows:
     * the benchmark, which goes through its file again and again, would otherwise pile up
     * thousands of mappings and slow down iteration after iteration (5.9 to 2.7 M/s over ten
     * iterations on LARGE). Any program that allocates, as {@code report} does, frees them as it
     * goes; this collection between iterations (not timed) does the same here.
     */
    @Setup(Level.Iteration)
    public void releaseSpentWindows() {
        System.gc();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        reader.close();
    }

    private PacketRecord nextRecord() throws IOException {
        if (!reader.next(record)) {
            reader.close();
            reader = CaptureReaders.open(file);
            reader.next(record);
        }
        return record;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long read() throws IOException {
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += nextRecord().capturedLength();
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long decode() throws IOException {
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            LayerStack stack = decoder.decode(nextRecord());
            view.wrap(stack);
            sum += view.innerIpLayer() + stack.count();
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int decodeFlow() throws IOException {
        for (int i = 0; i < BATCH; i++) {
            PacketRecord r = nextRecord();
            view.wrap(decoder.decode(r));
            flows.packet("bench", r.timestampNanos(), r.originalLength(), view);
        }
        return flows.size();
    }
}
