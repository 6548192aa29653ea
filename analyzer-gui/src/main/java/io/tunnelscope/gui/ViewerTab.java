package io.tunnelscope.gui;

import javafx.scene.control.Tab;

/**
 * One tab of the main window. The window keeps its tabs in one list and tells each what happened;
 * a tab reacts to what concerns it. A new tab is a class implementing this and one entry in
 * {@link MainWindow}'s list.
 */
interface ViewerTab {
    /** The tab (its title may change: the Findings tab counts per severity). */
    Tab tab();

    /** Something else is being opened: forget what is shown. */
    default void clear() {
    }

    /** Packets were loaded (the numbering, conversations and points are known). */
    default void loaded(Session session) {
    }

    /** The displayed packets changed (a filter applied, packets ignored or appended), in display order. */
    default void displayed(Session session, int[] displayed) {
    }

    /** The analysis finished ({@link Session#analysis} and {@link Session#correlation} are set). */
    default void analysed(Session session) {
    }
}
