package io.tunnelscope.gui;

import io.tunnelscope.capture.CaptureInterface;
import io.tunnelscope.capture.LiveCapture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.MenuItem;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.stage.Stage;
import javafx.util.Duration;

/**
 * Live capture in the viewer (Capture menu, toolbar): the capture dialog, an empty session that
 * fills with the packets of every checked interface every {@link #TICK_MILLIS} ms (one capture
 * point per interface, numbered in arrival order, the display filter applied to them), and at the
 * end the pcapng it wrote, analysed like an opened file.
 */
final class LiveCaptureController {
    /** How often a live capture's packets are appended to the list. */
    static final int TICK_MILLIS = 100;

    /** What the controller needs from the window. */
    interface Host {
        Stage stage();

        Scene scene();

        /** Shows a new, empty session for the capture (closing what was open). */
        void liveStarted(Session session, String title);

        /** Packets were appended to the session's store (their indexes). */
        void liveAppended(int[] added);

        /** The capture's state for the status bar. */
        void liveState(String state);

        /** The capture ended: analyse its file (unless {@code problem} says why not). */
        CompletableFuture<Void> liveFinished(Session session, String title, String problem);
    }

    private final MenuItem startItem = new MenuItem("Start capture…");
    private final MenuItem stopItem = new MenuItem("Stop capture");
    private final Button startButton = new Button("Capture…");
    private final Button stopButton = new Button("■ Stop");
    private final Host host;
    private LiveSession live;
    private Session session;
    private Timeline timer;
    private String state = "";
    /** The temporary pcapng of the last live capture, deleted when something else is opened (and on exit). */
    private Path temporaryCapture;
    /** The dialog last opened, or null. */
    private CaptureDialog dialog;

    LiveCaptureController(Host host) {
        this.host = host;
        startItem.setAccelerator(new KeyCodeCombination(KeyCode.K, KeyCombination.SHORTCUT_DOWN));
        startItem.setOnAction(e -> showDialog());
        stopItem.setAccelerator(new KeyCodeCombination(KeyCode.E, KeyCombination.SHORTCUT_DOWN));
        stopItem.setOnAction(e -> stop());
        startButton.setId("start-capture");
        startButton.setOnAction(e -> showDialog());
        stopButton.setId("stop-capture");
        stopButton.setOnAction(e -> stop());
        setCapturing(false);
    }

    /** Capture → Start capture… and Stop capture, for the window's menu. */
    MenuItem[] menuItems() {
        return new MenuItem[] {startItem, stopItem};
    }

    /** The Capture… and Stop buttons, for the window's tool bar. */
    Button[] buttons() {
        return new Button[] {startButton, stopButton};
    }

    /** True while a capture runs. */
    boolean capturing() {
        return live != null;
    }

    /** Capture → Start capture…: the dialog (interfaces, BPF filter, promiscuous, pcapng file); null while capturing. */
    CaptureDialog showDialog() {
        if (live != null) {
            host.liveState("A capture is running: stop it first.");
            return null;
        }
        dialog = new CaptureDialog(host.stage(), host.scene(), this::start);
        dialog.show();
        return dialog;
    }

    /**
     * Shows a live capture: an empty list (what was open is closed), one capture point per
     * interface, packets appended every {@link #TICK_MILLIS} ms.
     */
    void start(LiveSession capture) {
        abandon();
        deleteTemporary();
        PacketStore store = new PacketStore();
        store.files().add(capture.file());
        store.comments().add(List.of());
        store.fileStart(new int[] {0});
        for (CaptureInterface iface : capture.capture().interfaces()) {
            store.points().add(new PacketStore.Point(iface.name(), 0, iface.linkType(), iface.name()));
        }
        session = new Session(store, List.of());
        // Counted once the capture is stopped and read again as a file; none meanwhile.
        session.conversations(new io.tunnelscope.flow.Conversations());
        live = capture;
        if (capture.temporary()) {
            temporaryCapture = capture.file();
        }
        String names = String.join(", ", capture.capture().interfaces().stream().map(CaptureInterface::name).toList());
        state = "● capturing on " + names + (capture.temporary() ? "" : ", writing " + capture.file());
        host.liveStarted(session, "capturing on " + names);
        capture.capture().onInterfaceFailure((iface, message) -> Platform.runLater(() -> {
            if (live == capture) {
                state = state + " · " + iface.name() + " failed: " + message;
                host.liveState(state);
            }
        }));
        capture.ended().thenRun(() -> Platform.runLater(() -> {
            if (live == capture) {
                stop(); // every interface stopped by itself
            }
        }));
        timer = new Timeline(new KeyFrame(Duration.millis(TICK_MILLIS), e -> drain()));
        timer.setCycleCount(Timeline.INDEFINITE);
        setCapturing(true);
        capture.start();
        timer.play();
        host.liveState(state);
    }

    private void setCapturing(boolean capturing) {
        startItem.setDisable(capturing);
        startButton.setDisable(capturing);
        stopItem.setDisable(!capturing);
        stopButton.setDisable(!capturing);
    }

    /** Appends what the capture delivered since the last tick (FX thread). */
    private void drain() {
        LiveSession capture = live;
        if (capture == null) {
            return;
        }
        LiveSession.Batch b = capture.take();
        if (b.size == 0) {
            return;
        }
        ByteBuffer data = b.buffer();
        PacketStore.Entry e = new PacketStore.Entry();
        int[] added = new int[b.size];
        for (int k = 0; k < b.size; k++) {
            e.timestamp = b.ts[k];
            e.frameNumber = b.frame[k];
            e.pointIndex = b.iface[k];
            e.captured = b.captured[k];
            e.wire = b.wire[k];
            e.flags = b.flags[k];
            e.vni = b.vni[k];
            e.innerIpLength = b.innerLength[k];
            e.protoCode = b.proto[k];
            added[k] = session.store().add(e, data, b.offset[k]);
        }
        session.appendLive(added);
        host.liveAppended(added);
        host.liveState(state);
    }

    /**
     * Stops the capture (menu, toolbar): the capture ends, its pcapng is closed, then the window
     * analyses it.
     *
     * @return completes when the analysis of the capture is over
     */
    CompletableFuture<Void> stop() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        LiveSession capture = live;
        if (capture == null || capture.capture().isStopping()) {
            done.complete(null);
            return done;
        }
        stopItem.setDisable(true);
        stopButton.setDisable(true);
        state = "stopping the capture…";
        host.liveState(state);
        capture.capture().stop();
        Thread t = new Thread(() -> {
            capture.finish();
            Platform.runLater(() -> finished(capture).whenComplete((v, x) -> done.complete(null)));
        }, "tunnelscope-capture-stop");
        t.setDaemon(true);
        t.start();
        return done;
    }

    private CompletableFuture<Void> finished(LiveSession capture) {
        if (live != capture) {
            return CompletableFuture.completedFuture(null);
        }
        drain();
        timer.stop();
        timer = null;
        live = null;
        setCapturing(false);
        StringBuilder counts = new StringBuilder("capture ended");
        for (LiveCapture.InterfaceStats st : capture.capture().stats()) {
            counts.append(" · ").append(st.iface().name()).append(": ").append(st.packets()).append(" packets");
            if (st.dropped() > 0) {
                counts.append(", ").append(st.dropped()).append(" dropped");
            }
            if (st.error() != null) {
                counts.append(" (").append(st.error()).append(')');
            }
        }
        if (!capture.temporary()) {
            counts.append(" · written to ").append(capture.file());
        }
        state = counts.toString();
        host.liveState(state);
        String problem = capture.writeError() == null ? null : "not analysed: cannot write " + capture.writeError();
        return host.liveFinished(session, capture.temporary() ? "live capture" : capture.file().getFileName().toString(),
                problem);
    }

    /** The capture's state line ("● capturing on lo", "capture ended · lo: 6 packets"), or "". */
    String state() {
        return state;
    }

    /** Ends a running capture at once, without analysing it (something else is opened, or the window closes). */
    void abandon() {
        LiveSession capture = live;
        if (capture == null) {
            return;
        }
        live = null;
        if (timer != null) {
            timer.stop();
            timer = null;
        }
        setCapturing(false);
        capture.finish();
    }

    /**
     * Captures {@code files} are being opened: a running capture ends; unless they are the last
     * capture's file (opened again to analyse it), its state is forgotten and its temporary file
     * deleted.
     */
    void opening(List<Path> files) {
        abandon();
        if (temporaryCapture != null && files.contains(temporaryCapture)) {
            return;
        }
        if (session != null && files.equals(session.store().files())) {
            return;
        }
        state = "";
        session = null;
        deleteTemporary();
    }

    private void deleteTemporary() {
        if (temporaryCapture != null) {
            try {
                Files.deleteIfExists(temporaryCapture);
            } catch (IOException e) {
                // deleted on exit then
            }
            temporaryCapture = null;
        }
    }
}
