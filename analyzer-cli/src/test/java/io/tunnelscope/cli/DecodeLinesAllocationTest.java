package io.tunnelscope.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tunnelscope.capture.CaptureInterface;
import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketLineFormatter;
import io.tunnelscope.flow.TcpFacts;
import io.tunnelscope.testing.RecordedSamples;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code decode}'s lines cost no allocation per packet: decoding and formatting the packets of
 * recorded samples (text and JSON, every capture point of two scenarios, pcapng interfaces
 * included) into a {@link LineBuffer} allocates nothing once the buffers have grown. Counted by
 * the JVM's per-thread allocation counter, not timed: one pass and six passes over the packets
 * must allocate the same (reading the counter itself allocates a little).
 */
class DecodeLinesAllocationTest {
    private record Packet(ByteBuffer bytes, long originalLength, long nanos, int linkType, int interfaceId,
                          long frame, Path file, List<CaptureInterface> interfaces) {
    }

    private static List<Packet> packets(String... scenarios) throws IOException {
        List<Packet> packets = new ArrayList<>();
        PacketRecord record = new PacketRecord();
        for (Path scenario : RecordedSamples.scenarios()) {
            if (!List.of(scenarios).contains(scenario.getFileName().toString())) {
                continue;
            }
            for (Path file : RecordedSamples.captures(scenario)) {
                // One interface list per file, as the pipeline hands its workers one per batch.
                List<CaptureInterface> interfaces;
                try (CaptureReader reader = CaptureReaders.open(file)) {
                    while (reader.next(record)) {
                        // the packets' interfaces
                    }
                    interfaces = List.copyOf(reader.interfaces());
                }
                try (CaptureReader reader = CaptureReaders.open(file)) {
                    while (reader.next(record)) {
                        packets.add(new Packet(ByteBuffer.wrap(record.copyBytes()), record.originalLength(),
                                record.timestampNanos(), record.linkType(), record.interfaceId(), record.frameNumber(),
                                file, interfaces));
                    }
                }
            }
        }
        return packets;
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /**
     * Bytes allocated by {@code rounds} passes over each file's packets, file after file (a new
     * file costs its name's encoding once), after three passes to grow the buffers.
     */
    private static long allocatedFormatting(List<Packet> packets, DecodePipeline.PacketFormat format, int rounds) {
        PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
        PacketRecord record = new PacketRecord();
        LineBuffer out = new LineBuffer(64);
        long total = 0;
        for (int round = 0; round < 3; round++) {
            total += format(packets, 0, packets.size(), decoder, record, format, out);
        }
        long before = allocatedBytes();
        int from = 0;
        while (from < packets.size()) {
            int to = from;
            while (to < packets.size() && packets.get(to).file() == packets.get(from).file()) {
                to++;
            }
            for (int round = 0; round < rounds; round++) {
                total += format(packets, from, to, decoder, record, format, out);
            }
            from = to;
        }
        long allocated = allocatedBytes() - before;
        assertTrue(total > 0);
        return allocated;
    }

    /** No TCP analysis to add (the lines' own formatting is what is measured). */
    private static final TcpFacts TCP = new TcpFacts();

    private static long format(List<Packet> packets, int from, int to, PacketDecoder decoder, PacketRecord record,
                               DecodePipeline.PacketFormat format, LineBuffer out) {
        long total = 0;
        for (int i = from; i < to; i++) {
            Packet p = packets.get(i);
            record.set(p.bytes(), 0, p.bytes().capacity(), p.originalLength(), p.nanos(), p.linkType(),
                    p.interfaceId(), p.frame(), 0);
            LayerStack stack = decoder.decode(record);
            out.clear();
            format.append(p.file(), p.interfaces(), record, stack, TCP, null, out);
            total += out.length();
        }
        return total;
    }

    @Test
    void textAndJsonLinesAllocateNothingPerPacket() throws IOException {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean);
        List<Packet> packets = packets("vxlan-masq", "k8s-vxlan");
        assertTrue(packets.size() > 500, "packets: " + packets.size());
        PacketLineFormatter formatter = new PacketLineFormatter(ZoneOffset.UTC, false);
        StringBuilder text = new StringBuilder(256);
        DecodePipeline.PacketFormat textLines = (file, interfaces, record, stack, tcp, reassembled, out) -> {
            text.setLength(0);
            formatter.format(record.timestampNanos(), stack, text);
            DecodeCommand.appendAnalysis(tcp, reassembled, text);
            out.appendUtf8(text).append((byte) '\n');
        };
        DecodeJsonWriter writer = new DecodeJsonWriter(true);
        DecodePipeline.PacketFormat jsonLines = (file, interfaces, record, stack, tcp, reassembled, out) ->
                writer.appendPacket(file, interfaces, record, stack, tcp, reassembled, out);
        int extra = 5 * packets.size();
        for (String kind : List.of("text", "json")) {
            DecodePipeline.PacketFormat format = kind.equals("text") ? textLines : jsonLines;
            long once = allocatedFormatting(packets, format, 1);
            long sixTimes = allocatedFormatting(packets, format, 6);
            assertTrue(sixTimes - once < extra, kind + ": " + (sixTimes - once) + " bytes for " + extra
                    + " more packets");
        }
    }
}
