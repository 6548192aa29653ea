package io.tunnelscope.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tunnelscope.anomaly.Analyzer;
import io.tunnelscope.report.AnalysisReport;
import io.tunnelscope.testing.Corpus;
import io.tunnelscope.testing.PacketExercise;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every third-party capture (the shared tcpdump corpus) and every recorded sample, as they are and
 * corrupted by {@code editcap -E} (random bytes of the packets changed, the framing kept): each
 * packet goes through the decoder, the view, the line formatter and the Kaitai details without an
 * exception ({@link PacketExercise}).
 */
class ThirdPartyCapturesTest {
    /** editcap corruptions: error probability, bytes left alone at the start, seed. */
    private static final String[][] CORRUPTIONS = {
        {"0.02", "0", "1"},
        {"0.05", "14", "4789"},
        {"0.1", "0", "8472"},
        {"0.3", "34", "6081"},
    };

    @TempDir
    Path dir;

    private static Path projectRoot() {
        String root = System.getProperty("tunnelscope.root");
        if (root != null && !root.isBlank()) {
            return Path.of(root);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve(".mvn"))) {
                return p;
            }
        }
        return Path.of("").toAbsolutePath();
    }

    private static List<Path> captures(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng"))
                    .sorted().toList();
        }
    }

    /** Reads and exercises every packet; returns the packet count, or fails naming the packet. */
    private static long exerciseAll(Path file, PacketExercise exercise, boolean framingMayBreak) throws IOException {
        long n = 0;
        PacketRecord r = new PacketRecord();
        try (CaptureReader reader = CaptureReaders.open(file)) {
            while (reader.next(r)) {
                n++;
                try {
                    exercise.exercise(r.buffer(), r.offset(), r.capturedLength(), r.originalLength(),
                            r.linkType(), r.timestampNanos());
                } catch (RuntimeException | AssertionError e) {
                    throw new AssertionError(file + " frame " + r.frameNumber() + ": " + e, e);
                }
            }
        } catch (CaptureFormatException e) {
            if (!framingMayBreak) {
                throw e;
            }
        }
        return n;
    }

    @Test
    void corpusAndSamplesAsTheyAre() throws IOException {
        List<Path> files = new ArrayList<>(captures(Corpus.root()));
        files.addAll(captures(projectRoot().resolve("samples").resolve("captures")));
        assumeTrue(!files.isEmpty(), "no corpus or samples found");
        PacketExercise exercise = new PacketExercise(true);
        long packets = 0;
        for (Path file : files) {
            // Some corpus files are broken on purpose (tcpdump's own hostile tests).
            packets += exerciseAll(file, exercise, file.startsWith(Corpus.root()));
        }
        assertTrue(packets > 1000, packets + " packets");
        // The whole analysis (correlation, flows, every rule) over all of them at once.
        AnalysisReport report = Analyzer.analyze(files, new Analyzer.Options());
        assertTrue(report.captures().size() >= files.size(), "every file is a capture point");
    }

    private static boolean editcapInstalled() {
        try {
            Process p = new ProcessBuilder("editcap", "-v").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void editcap(Path in, Path out, String[] corruption) throws IOException, InterruptedException {
        List<String> command = List.of("editcap", "-E", corruption[0], "-o", corruption[1], "--seed", corruption[2],
                in.toString(), out.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "editcap did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + output);
    }

    @Test
    void corruptedByEditcap() throws IOException, InterruptedException {
        assumeTrue(editcapInstalled(), "editcap not installed (Debian package wireshark-common): skipping "
                + "the corrupted-capture test");
        List<Path> files = new ArrayList<>(captures(projectRoot().resolve("samples").resolve("captures")));
        for (Path file : captures(Corpus.root())) {
            // editcap refuses the corpus files whose framing is broken on purpose; take the rest.
            if (!file.getFileName().toString().contains("asan") && !file.getFileName().toString().contains("negative")) {
                files.add(file);
            }
        }
        assumeTrue(!files.isEmpty(), "no corpus or samples found");
        PacketExercise exercise = new PacketExercise(true);
        long packets = 0;
        List<Path> corrupted = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            // Each file gets two of the corruptions, so every corruption meets every kind of file.
            for (int k = 0; k < 2; k++) {
                String[] corruption = CORRUPTIONS[(i + k) % CORRUPTIONS.length];
                String name = file.getFileName().toString();
                Path out = dir.resolve("E" + corruption[0] + "-o" + corruption[1] + "-s" + corruption[2] + "-" + i + "-" + name);
                try {
                    editcap(file, out, corruption);
                } catch (AssertionError e) {
                    if (file.startsWith(Corpus.root())) {
                        continue; // a corpus file editcap itself cannot read
                    }
                    throw e;
                }
                try {
                    packets += exerciseAll(out, exercise, false);
                } catch (CaptureFormatException e) {
                    fail("editcap keeps the framing, yet " + e.getMessage());
                }
                corrupted.add(out);
            }
        }
        assertTrue(packets > 1000, packets + " packets");
        // The whole analysis over every corrupted file at once: findings, never an exception.
        AnalysisReport report = Analyzer.analyze(corrupted, new Analyzer.Options());
        assertEquals(List.of(), report.errors(), "editcap keeps the framing");
        for (Path out : corrupted) {
            Files.delete(out);
        }
    }
}
