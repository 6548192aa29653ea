package io.tunnelscope.gui;

import java.util.Arrays;
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
