package io.tunnelscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.capture.CaptureFormatException;
import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.LinkType;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketLineFormatter;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.decode.PointNames;
import io.tunnelscope.filter.Filter;
import io.tunnelscope.filter.FilterInput;
import io.tunnelscope.filter.PacketFilter;
import io.tunnelscope.testing.RecordedSamples;
import io.tunnelscope.flow.FrameAnalysis;
import io.tunnelscope.state.AddressNames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DecodePipeline} writes what one thread decoding the files in order writes — the same
 * bytes, and error lines at the same places — whatever the number of workers and however the
 * packets fall into batches. The reference here is that one thread, written out in the test.
 */
class DecodePipelineTest {
    private static final DecodeTables TABLES = DecodeTables.defaults();

    /** Standard output and error into one transcript, error lines marked, in the order written. */
    private static final class Transcript {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(bytes, false, StandardCharsets.UTF_8);
        final PrintStream err = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                bytes.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                bytes.write('!');
                bytes.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8);

        String text() {
            out.flush();
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    private static Supplier<DecodePipeline.PacketFormat> text() {
        return () -> {
            PacketLineFormatter formatter = new PacketLineFormatter(ZoneOffset.UTC, true);
            StringBuilder line = new StringBuilder();
            return (file, interfaces, record, stack, tcp, reassembled, out) -> {
                line.setLength(0);
                formatter.format(record.timestampNanos(), stack, line);
                DecodeCommand.appendAnalysis(tcp, reassembled, line);
                out.appendUtf8(line).append((byte) '\n');
            };
        };
    }

    private static Supplier<DecodePipeline.PacketFormat> json() {
        return () -> {
            DecodeJsonWriter writer = new DecodeJsonWriter(true);
            return (file, interfaces, record, stack, tcp, reassembled, out) -> {
                writer.appendPacket(file, interfaces, record, stack, tcp, reassembled, out);
                out.append((byte) '\n');
            };
        };
    }

    private static String pipeline(List<Path> files, boolean json, String filter, long limit, int workers,
                                   int batch) {
        Transcript t = new Transcript();
        new DecodePipeline(TABLES, filter, AddressNames.NONE, json ? json() : text(), workers, !json && files.size() > 1, !json,
                t.out, t.err, batch).run(inputs(files), limit);
        return t.text();
    }

    /**
     * One thread, file after file, packet after packet, each file's frames analysed in order (TCP
     * analysis, reassembly): what the pipeline must write.
     */
    private static String reference(List<Path> files, boolean json, String filter, long limit) throws IOException {
        Transcript t = new Transcript();
        PacketDecoder decoder = new PacketDecoder(TABLES);
        PacketView view = new PacketView();
        PacketFilter compiled = Filter.compile(filter);
        DecodePipeline.PacketFormat format = (json ? json() : text()).get();
        PacketRecord record = new PacketRecord();
        LineBuffer lines = new LineBuffer(1024);
        long printed = 0;
        boolean first = true;
        for (Path file : files) {
            if (printed >= limit) {
                break;
            }
            if (!json && files.size() > 1) {
                t.out.print("==> " + file + " <==\n");
            }
            java.util.TreeMap<Integer, Long> undecoded = new java.util.TreeMap<>();
            try (CaptureReader reader = CaptureReaders.open(file)) {
                FrameAnalysis analysis = new FrameAnalysis(TABLES);
                DecodePipeline.FilePoints points = new DecodePipeline.FilePoints(
                        PointNames.stem(file.getFileName().toString()));
                FilterInput input = new FilterInput();
                while (printed < limit && reader.next(record)) {
                    LayerStack decoded = decoder.decode(record);
                    if (!LinkType.isSupported(record.linkType())) {
                        undecoded.merge(record.linkType(), 1L, Long::sum);
                    }
                    int point = points.id(reader, record, decoded);
                    PacketView shown = analysis.analyze(point, decoded, record.frameNumber(), record.timestampNanos());
                    if (!compiled.matches(shown, input.frame(record.frameNumber(), record.timestampNanos(),
                            record.originalLength(), record.capturedLength()).point(points.name(point))
                            .tcp(analysis.tcp()).reassembled(analysis.reassembler()))) {
                        continue;
                    }
                    lines.clear();
                    format.append(file, reader.interfaces(), record, shown.stack(), analysis.tcp(),
                            analysis.reassembler().lastFragmentCount() > 0 ? analysis.reassembler() : null, lines);
                    String line = new String(bytes(lines), StandardCharsets.UTF_8);
                    if (json) {
                        t.out.print((first ? "" : "\n") + line.substring(0, line.length() - 1));
                    } else {
                        t.out.print(line);
                    }
                    first = false;
                    printed++;
                }
            } catch (CaptureFormatException e) {
                t.out.flush();
                t.err.println(e.getMessage());
            }
            undecoded.forEach((type, count) -> t.err.println(file + ": " + count + " packets of link type "
                    + LinkType.name(type) + " (" + type + ") not decoded"));
        }
        return t.text();
    }

    private static byte[] bytes(LineBuffer buffer) {
        byte[] copy = new byte[buffer.length()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = buffer.byteAt(i);
        }
        return copy;
    }

    private static List<Path> allSamples() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path scenario : RecordedSamples.scenarios()) {
            files.addAll(RecordedSamples.captures(scenario));
        }
        return files;
    }

    @Test
    void everySampleAsOneThreadWritesItInTextAndJson() throws IOException {
        List<Path> files = allSamples();
        for (boolean json : new boolean[] {false, true}) {
            String expected = reference(files, json, "", Long.MAX_VALUE);
            assertTrue(expected.length() > 100_000, "the samples give a long transcript");
            // Batches of 7 packets over 3 workers: consecutive batches are formatted out of order.
            assertEquals(expected, pipeline(files, json, "", Long.MAX_VALUE, 3, 7), "json " + json);
            assertEquals(expected, pipeline(files, json, "", Long.MAX_VALUE, 1, DecodePipeline.BATCH_PACKETS));
        }
    }

    @Test
    void filterAndCountStopAtTheSameLine() throws IOException {
        List<Path> files = allSamples();
        String filter = "tcp && inner.dport == 5201";
        for (long limit : new long[] {1, 5, 13, 1000}) {
            String expected = reference(files, false, filter, limit);
            assertEquals(expected, pipeline(files, false, filter, limit, 2, 4), "limit " + limit);
            assertEquals(reference(files, true, filter, limit), pipeline(files, true, filter, limit, 2, 3));
        }
    }

    @Test
    void pointNamesOfMultiInterfaceFilesFollowTheirInterfaces() throws IOException {
        List<Path> multi = new ArrayList<>();
        for (Path file : allSamples()) {
            if (file.getFileName().toString().endsWith("-multi.pcapng")) {
                multi.add(file);
            }
        }
        assertFalse(multi.isEmpty());
        String filter = "point contains flannel || point contains docker0 || point contains cni0";
        String expected = reference(multi, true, filter, Long.MAX_VALUE);
        assertTrue(expected.contains("\"iface\":"));
        assertEquals(expected, pipeline(multi, true, filter, Long.MAX_VALUE, 2, 1));
    }

    @Test
    void aBrokenFileEndsAfterItsLastGoodPacketAndTheNextFileGoesOn(@TempDir Path dir) throws IOException {
        List<Path> samples = allSamples();
        Path good = samples.get(0);
        byte[] whole = Files.readAllBytes(samples.get(1));
        Path cut = dir.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(whole, whole.length * 2 / 3));
        Path garbage = dir.resolve("garbage.pcap");
        Files.writeString(garbage, "not a capture");
        List<Path> files = List.of(cut, garbage, good);
        for (boolean json : new boolean[] {false, true}) {
            String expected = reference(files, json, "", Long.MAX_VALUE);
            assertTrue(expected.contains("!" + cut + ": offset "), expected.substring(0, 200));
            assertTrue(expected.contains("!" + garbage + ": offset 0: not a capture file"));
            assertEquals(expected, pipeline(files, json, "", Long.MAX_VALUE, 2, 5));
        }
        Transcript t = new Transcript();
        assertFalse(new DecodePipeline(TABLES, "", AddressNames.NONE, text(), 2, true, true, t.out, t.err, 5).run(inputs(files),
                Long.MAX_VALUE));
        assertTrue(new DecodePipeline(TABLES, "", AddressNames.NONE, text(), 2, true, true, t.out, t.err, 5).run(inputs(List.of(good)),
                Long.MAX_VALUE));
    }

    @Test
    void undecodedLinkTypesAreCountedUpToTheLimit(@TempDir Path dir) throws IOException {
        byte[] frame = new byte[20];
        Path pcap = dir.resolve("unknown.pcap");
        Files.write(pcap, TestPcaps.pcap(147, frame, frame, frame, frame, frame));
        List<Path> files = List.of(pcap);
        String all = pipeline(files, false, "", Long.MAX_VALUE, 2, 2);
        assertEquals(reference(files, false, "", Long.MAX_VALUE), all);
        assertTrue(all.contains("!" + pcap + ": 5 packets of link type"), all);
        String three = pipeline(files, false, "", 3, 2, 2);
        assertEquals(reference(files, false, "", 3), three);
        assertTrue(three.contains("!" + pcap + ": 3 packets of link type"), three);
    }

    @Test
    void aFailingFormatterIsThrownOnTheCallingThread() throws IOException {
        List<Path> files = allSamples().subList(0, 2);
        Supplier<DecodePipeline.PacketFormat> failing = () -> (file, interfaces, record, stack, tcp, reassembled,
                out) -> {
            if (record.frameNumber() == 3) {
                throw new IllegalStateException("formatter bug");
            }
            out.append((byte) 'x').append((byte) '\n');
        };
        Transcript t = new Transcript();
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () ->
                new DecodePipeline(TABLES, "", AddressNames.NONE, failing, 2, false, true, t.out, t.err, 2).run(inputs(files), Long.MAX_VALUE));
        assertEquals("formatter bug", thrown.getMessage());
    }

    private static List<CaptureInputs.Input> inputs(List<Path> files) {
        return files.stream().map(f -> new CaptureInputs.Input(f.toString(), f, false)).toList();
    }
}
