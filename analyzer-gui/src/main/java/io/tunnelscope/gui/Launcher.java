package io.tunnelscope.gui;

import java.util.Arrays;
import javafx.application.Application;

/**
 * Entry point of the shaded jar. It does not extend {@link Application}: a main class that does
 * would make the Java launcher insist on JavaFX modules, which a shaded jar does not have.
 * {@code --snapshot} without a display switches to the headless Monocle platform.
 */
public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.println("usage: tunnelscope gui [FILE|DIR...]\n"
                    + "       tunnelscope gui --snapshot OUT.png [--size 1400x900] [--filter EXPR] FILE|DIR...");
            return;
        }
        boolean snapshot = Arrays.asList(args).contains("--snapshot");
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
