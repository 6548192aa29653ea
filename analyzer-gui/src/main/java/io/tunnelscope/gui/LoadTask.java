package io.tunnelscope.gui;

import java.nio.file.Path;
import java.util.List;
import java.util.function.IntConsumer;
import javafx.application.Platform;
import javafx.concurrent.Task;

/**
 * Loading as a task ({@link Loader#load}): its progress in the status bar and, for one file in time
 * order, how many of its packets can be shown while the rest loads ({@link Loader.Progress#inOrder}),
 * handed to the FX thread at the first progress report and then every {@code updateNanos}.
 */
final class LoadTask extends Task<Loader.Result> implements Loader.Progress {
    private final List<Path> files;
    private final Session loaded;
    private final long updateNanos;
    private IntConsumer onRowsInOrder = count -> { };
    private long nextShow;
    private boolean shown;

    LoadTask(List<Path> files, Session loaded, long updateNanos) {
        this.files = files;
        this.loaded = loaded;
        this.updateNanos = updateNanos;
    }

    /** Hears, on the FX thread, how many packets are loaded in time order so far. */
    void setOnRowsInOrder(IntConsumer handler) {
        this.onRowsInOrder = handler;
    }

    @Override
    protected Loader.Result call() throws Exception {
        updateMessage("Loading " + files.size() + " file(s)…");
        return Loader.load(files, loaded.store(), loaded.tables(), this, this::isCancelled);
    }

    @Override
    public void update(long done, long total, String message) {
        updateProgress(done, Math.max(1, total));
        updateMessage("Loading " + message);
    }

    @Override
    public void inOrder(int count) {
        long now = System.nanoTime();
        if (count == 0 || shown && now - nextShow < 0) {
            return;
        }
        shown = true;
        nextShow = now + updateNanos;
        Platform.runLater(() -> onRowsInOrder.accept(count));
    }

    @Override
    public long intervalNanos() {
        return Math.min(updateNanos, Loader.REPORT_NANOS);
    }
}
