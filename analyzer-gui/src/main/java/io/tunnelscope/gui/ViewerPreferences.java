package io.tunnelscope.gui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.prefs.Preferences;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;

/**
 * What the viewer remembers between runs (Java preferences): the recently opened captures (File →
 * Open recent) and the time display format. The system property {@code tunnelscope.gui.noPrefs}
 * (the tests set it) keeps nothing.
 */
final class ViewerPreferences {
    private static final int MAX_RECENT = 8;

    private final Menu recentMenu = new Menu("Open recent");
    private final Consumer<List<Path>> open;

    ViewerPreferences(Consumer<List<Path>> open) {
        this.open = open;
        refreshRecentMenu();
    }

    private static Preferences prefs() {
        return Boolean.getBoolean("tunnelscope.gui.noPrefs") ? null : Preferences.userNodeForPackage(MainWindow.class);
    }

    /** Puts {@code inputs} first in the recent list. */
    void remember(List<Path> inputs) {
        Preferences p = prefs();
        if (p == null) {
            return;
        }
        String entry = String.join("\t", inputs.stream().map(x -> x.toAbsolutePath().toString()).toList());
        List<String> recent = new ArrayList<>(List.of(p.get("recent", "").split("\n")));
        recent.removeIf(s -> s.isBlank() || s.equals(entry));
        recent.add(0, entry);
        while (recent.size() > MAX_RECENT) {
            recent.remove(recent.size() - 1);
        }
        p.put("recent", String.join("\n", recent));
        refreshRecentMenu();
    }

    private void refreshRecentMenu() {
        recentMenu.getItems().clear();
        Preferences p = prefs();
        if (p != null) {
            for (String entry : p.get("recent", "").split("\n")) {
                if (entry.isBlank()) {
                    continue;
                }
                List<Path> paths = Arrays.stream(entry.split("\t")).map(Path::of).toList();
                MenuItem item = new MenuItem(paths.size() == 1 ? paths.get(0).toString()
                        : paths.get(0) + " (+" + (paths.size() - 1) + ")");
                item.setDisable(!paths.stream().allMatch(Files::exists));
                item.setOnAction(e -> open.accept(paths));
                recentMenu.getItems().add(item);
            }
        }
        recentMenu.setDisable(recentMenu.getItems().isEmpty());
    }

    /** The time format chosen last time. */
    TimeFormat timeFormat() {
        Preferences p = prefs();
        if (p == null) {
            return TimeFormat.SINCE_FIRST;
        }
        try {
            return TimeFormat.valueOf(p.get("timeFormat", TimeFormat.SINCE_FIRST.name()));
        } catch (IllegalArgumentException e) {
            return TimeFormat.SINCE_FIRST;
        }
    }

    void timeFormat(TimeFormat format) {
        Preferences p = prefs();
        if (p != null) {
            p.put("timeFormat", format.name());
        }
    }

    /** File → Open recent. */
    Menu recentMenu() {
        return recentMenu;
    }
}
