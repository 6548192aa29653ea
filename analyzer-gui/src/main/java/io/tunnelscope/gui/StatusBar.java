package io.tunnelscope.gui;

import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

/**
 * The status bar, and the background tasks that report in it (loading, filtering, the analysis,
 * an export): the latest task's message and progress bar, with a Cancel button for it. Tasks may
 * run side by side (a filter while the analysis runs); each owner cancels its own earlier task.
 */
final class StatusBar extends HBox {
    private final Label status = new Label("Open capture files (File menu, drag and drop, or command line).");
    private final ProgressBar progress = new ProgressBar();
    private final Button cancel = new Button("Cancel");
    private final java.util.List<Task<?>> running = new java.util.ArrayList<>();

    StatusBar() {
        super(8);
        status.setId("status");
        progress.setId("progress");
        progress.setPrefWidth(180);
        progress.setVisible(false);
        cancel.setId("cancel");
        cancel.setVisible(false);
        cancel.setOnAction(e -> cancelRunning());
        HBox.setHgrow(status, Priority.ALWAYS);
        status.setMaxWidth(Double.MAX_VALUE);
        getChildren().addAll(status, progress, cancel);
        setAlignment(Pos.CENTER_LEFT);
        setPadding(new Insets(3, 6, 3, 6));
        getStyleClass().add("status-bar");
    }

    /** The status line's text. */
    String text() {
        return status.getText();
    }

    /** Shows a message, unless a task's message is showing. */
    void show(String message) {
        if (!status.textProperty().isBound()) {
            status.setText(message);
        }
    }

    /** True while a task runs. */
    boolean busy() {
        return !running.isEmpty();
    }

    /** Cancels the task the bar shows. */
    void cancelRunning() {
        if (!running.isEmpty()) {
            running.get(running.size() - 1).cancel(true);
        }
    }

    /**
     * Runs {@code task} on a thread of its own, its message and progress in the bar; the task's
     * handlers must call {@link #finished(Task)}.
     */
    void run(Task<?> task) {
        running.add(task);
        showTask(task);
        Thread t = new Thread(task, "tunnelscope-task");
        t.setDaemon(true);
        t.start();
    }

    private void showTask(Task<?> task) {
        progress.setVisible(true);
        cancel.setVisible(true);
        progress.progressProperty().bind(task.progressProperty());
        status.textProperty().bind(task.messageProperty());
    }

    /** Takes {@code task} off the bar (showing the one before it, if any is still running). */
    void finished(Task<?> task) {
        if (!running.remove(task)) {
            return;
        }
        progress.progressProperty().unbind();
        status.textProperty().unbind();
        if (!running.isEmpty()) {
            showTask(running.get(running.size() - 1));
            return;
        }
        progress.setVisible(false);
        cancel.setVisible(false);
    }
}
