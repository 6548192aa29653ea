package io.tunnelscope.gui;

import io.tunnelscope.capture.StreamSpool;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javafx.application.Application;

/**
 * Entry point of the shaded jar. It does not extend {@link Application}: a main class that does
 * would make the Java launcher insist on JavaFX modules, which a shaded jar does not have.
 * The command line is checked first (a bad option, tab, filter or file exits 2 before any window);
 * {@code --snapshot} without a display switches to the headless Monocle platform.
 */
public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] args) {
        TunnelscopeApp.Arguments parsed;
        try {
            parsed = TunnelscopeApp.Arguments.parse(Arrays.asList(args));
        } catch (TunnelscopeApp.UsageException e) {
            System.err.println("tunnelscope gui: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (parsed.help()) {
            System.out.println(TunnelscopeApp.USAGE);
            return;
        }
        // A capture piped in (standard input, a FIFO, <(...)) is read once, here, into a file: the
        // viewer reads its files more than once (loading, analysis, rows on demand).
        args = spoolStreams(args, parsed);
        boolean snapshot = Arrays.asList(args).contains("--snapshot");
        if (snapshot && System.getProperty("tunnelscope.gui.noPrefs") == null) {
            // A snapshot is not the user opening captures: nothing goes into Open recent.
            System.setProperty("tunnelscope.gui.noPrefs", "true");
        }
        String display = System.getenv("DISPLAY");
        if (snapshot && (display == null || display.isBlank() || Boolean.getBoolean("tunnelscope.headless"))
                || Boolean.getBoolean("tunnelscope.headless")) {
            headless(args);
        }
        Application.launch(TunnelscopeApp.class, args);
    }

    /**
     * The arguments with every capture that arrives as a stream ({@code -}, a pipe, a FIFO, a
     * device) replaced by a copy in a temporary directory, deleted when the viewer exits; what
     * could not be read is said on stderr (the copy keeps what came before).
     */
    private static String[] spoolStreams(String[] args, TunnelscopeApp.Arguments parsed) {
        StreamSpool spool = new StreamSpool();
        String[] out = args.clone();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            Path p = out[i].equals(TunnelscopeApp.Arguments.STDIN) ? TunnelscopeApp.Arguments.STDIN_PATH : Path.of(out[i]);
            if (!parsed.files().contains(p) || !StreamSpool.isStream(p)) {
                continue;
            }
            String name = p.equals(TunnelscopeApp.Arguments.STDIN_PATH) ? "stdin" : p.getFileName().toString();
            try {
                out[i] = spool.copy(out[i], p, name, problems).toString();
            } catch (IOException e) {
                problems.add(out[i] + ": cannot keep the stream: " + StreamSpool.describe(e));
            }
        }
        for (String problem : problems) {
            System.err.println("tunnelscope gui: " + problem);
        }
        Path directory = spool.directory();
        if (directory != null) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    spool.close();
                } catch (IOException e) {
                    System.err.println("tunnelscope gui: cannot delete " + directory + ": " + e.getMessage());
                }
            }, "tunnelscope-spool-cleanup"));
        }
        return out;
    }

    private static void headless(String[] args) {
        String size = "1400x900";
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--size")) {
                size = args[i + 1];
            }
        }
        setDefault("glass.platform", "Monocle");
        setDefault("monocle.platform", "Headless");
        setDefault("prism.order", "sw");
        setDefault("java.awt.headless", "true");
        setDefault("headless.geometry", size + "-32");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
