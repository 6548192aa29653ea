package io.tunnelscope.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training run of the launcher's AOT cache (JDK 25+: JEP 483, 514). {@code ./tunnelscope}
 * runs it once per built jar under {@code -XX:AOTCacheOutput}: every command a user runs most —
 * {@code report} (text, JSON, JUnit, HTML), {@code correlate} (text, JSON with journeys) and
 * {@code decode} (text, JSON) — goes over every sample scenario, so the cache holds the classes
 * they load and link, and a later run starts with them instead of finding, parsing and linking
 * them again. (The launcher leaves JEP 515's method profiles out of the cache: the samples' were
 * measured to make C2 compile worse code for real traffic.) Output goes nowhere; the exit status
 * is 0 when every command could read its inputs and 2 otherwise, so a broken training is seen
 * rather than cached.
 *
 * <pre>java -XX:AOTCacheOutput=app.aot -cp tunnelscope.jar io.tunnelscope.cli.AotTrainingRun [--passes N] DIR...</pre>
 *
 * <p>Each DIR is a directory of captures or of scenario directories ({@code samples/captures}).
 * {@code --passes} (default 1) repeats the whole round.
 */
public final class AotTrainingRun {
    private AotTrainingRun() {
    }

    /** Runs the training; exits 0 when every command read its inputs, 2 otherwise. */
    public static void main(String[] args) throws IOException {
        int passes = 1;
        List<Path> roots = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--passes") && i + 1 < args.length) {
                passes = Integer.parseInt(args[++i]);
            } else {
                roots.add(Paths.get(args[i]));
            }
        }
        if (roots.isEmpty()) {
            System.err.println("usage: AotTrainingRun [--passes N] DIR...");
            System.exit(Main.EXIT_INPUT);
        }
        List<Path> scenarios = scenarios(roots);
        if (scenarios.isEmpty()) {
            System.err.println("AotTrainingRun: no captures under " + roots);
            System.exit(Main.EXIT_INPUT);
        }
        System.exit(train(scenarios, passes) ? Main.EXIT_OK : Main.EXIT_INPUT);
    }

    /** Every directory that holds captures: the roots themselves or their subdirectories. */
    static List<Path> scenarios(List<Path> roots) throws IOException {
        List<Path> scenarios = new ArrayList<>();
        for (Path root : roots) {
            if (hasCaptures(root)) {
                scenarios.add(root);
            }
            if (Files.isDirectory(root)) {
                try (Stream<Path> children = Files.list(root)) {
                    children.filter(Files::isDirectory).sorted(Comparator.naturalOrder())
                            .filter(AotTrainingRun::hasCaptures).forEach(scenarios::add);
                }
            }
        }
        return scenarios;
    }

    private static boolean hasCaptures(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(CaptureInputs::looksLikeCapture);
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs every command over every scenario {@code passes} times; false when one failed to read. */
    static boolean train(List<Path> scenarios, int passes) throws IOException {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        Main main = new Main(nowhere, nowhere);
        Path scratch = Files.createTempDirectory("tunnelscope-aot-training");
        boolean allRead = true;
        try {
            String junit = scratch.resolve("report.xml").toString();
            String html = scratch.resolve("report.html").toString();
            for (int pass = 0; pass < passes; pass++) {
                for (Path scenario : scenarios) {
                    String dir = scenario.toString();
                    String[][] commands = {
                        {"report", "--no-progress", "--fail-on", "never", "--json", "-", "--junit", junit,
                            "--html", html, dir},
                        {"report", "--no-progress", "--fail-on", "never", dir},
                        {"correlate", dir},
                        {"correlate", "--json", "--journeys", dir},
                        {"decode", dir},
                        {"decode", "--json", dir},
                    };
                    for (String[] command : commands) {
                        allRead &= main.run(command) != Main.EXIT_INPUT;
                    }
                }
            }
        } finally {
            try (Stream<Path> files = Files.list(scratch)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(scratch);
        }
        return allRead;
    }
}
