package io.tunnelscope.gui;

import io.tunnelscope.flow.Conversations;
import java.util.concurrent.CompletableFuture;
import javafx.concurrent.Task;

/**
 * Counts a session's conversations when they are first asked for ({@link Loader#conversations}:
 * the files read again in the background, the progress in the status bar), once per session;
 * the count is kept on the session.
 */
final class ConversationCounter {
    private final StatusBar statusBar;
    private final Runnable finished;
    /** The count under way, for which session, by which task (null when none). */
    private CompletableFuture<Conversations> counting;
    private Session countingFor;
    private Task<?> countingTask;

    /** {@code finished} runs on the FX thread after each count (done, failed or cancelled). */
    ConversationCounter(StatusBar statusBar, Runnable finished) {
        this.statusBar = statusBar;
        this.finished = finished;
    }

    /**
     * The session's conversations: at once when counted, else once counted (on the FX thread,
     * after they are set on the session; null when the count failed, said in the status bar, or
     * was cancelled). Called on the FX thread.
     */
    CompletableFuture<Conversations> count(Session s) {
        if (s.conversations() != null) {
            return CompletableFuture.completedFuture(s.conversations());
        }
        if (counting != null && countingFor == s) {
            return counting;
        }
        CompletableFuture<Conversations> result = new CompletableFuture<>();
        Task<Conversations> task = new Task<>() {
            @Override
            protected Conversations call() throws Exception {
                updateMessage("Counting conversations…");
                return Loader.conversations(s.store(), s.tables(), (d, t, m) -> {
                    updateProgress(d, Math.max(1, t));
                    updateMessage("Counting conversations: " + m);
                }, this::isCancelled);
            }
        };
        counting = result;
        countingFor = s;
        countingTask = task;
        task.setOnSucceeded(e -> {
            statusBar.finished(task);
            if (task.getValue() != null) {
                s.conversations(task.getValue());
            }
            finish(s, result, task.getValue());
        });
        task.setOnFailed(e -> {
            statusBar.finished(task);
            statusBar.show("Counting conversations failed: " + task.getException().getMessage());
            finish(s, result, null);
        });
        task.setOnCancelled(e -> {
            statusBar.finished(task);
            finish(s, result, null);
        });
        statusBar.run(task);
        return result;
    }

    /** Stops a count under way (something else is opened). */
    void cancel() {
        if (countingTask != null) {
            countingTask.cancel(true);
        }
    }

    private void finish(Session s, CompletableFuture<Conversations> result, Conversations counted) {
        if (countingFor == s) {
            counting = null;
            countingFor = null;
            countingTask = null;
        }
        finished.run();
        result.complete(counted);
    }
}
