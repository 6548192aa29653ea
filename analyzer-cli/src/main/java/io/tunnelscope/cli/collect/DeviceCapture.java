package io.tunnelscope.cli.collect;

import io.tunnelscope.capture.CaptureFormatException;
import io.tunnelscope.capture.CaptureInterface;
import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.capture.PcapngWriter;
import io.tunnelscope.decode.PointNames;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One device's capture on one node: {@code capture.sh} run through the node's transport, its
 * stdout (tcpdump's pcap stream) read as it arrives and written into {@code DIR/NODE/DEVICE.pcapng}
 * (section comment {@code tunnelscope-node=NODE}, {@code if_name} the device, {@code if_description}
 * what it is), its stderr kept for the capture tool's messages and statistics. Stopped by closing
 * the script's stdin (the capture gets SIGTERM there and ends cleanly); killed only when it does not
 * end in time. The file is valid after every packet written (the writer flushes once a second and
 * on {@link #flush()}), so an interrupted collection leaves readable captures.
 */
public final class DeviceCapture {
    private static final Pattern DROPPED = Pattern.compile("^(\\d+) packets? dropped by kernel");
    private static final Pattern DROPPED_BY_INTERFACE = Pattern.compile("^(\\d+) packets? dropped by interface");
    private static final Pattern CAPTURED = Pattern.compile("^(\\d+) packets? captured");
    private static final Pattern DUMPCAP_DROPPED = Pattern.compile(
            "Packets received/dropped on interface '.*': (\\d+)/(\\d+)");
    private static final int KEPT_MESSAGES = 20;

    private final String node;
    private final String device;
    private final String description;
    private final Path file;
    private final List<String> command;
    private final CountDownLatch listening = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicLong packets = new AtomicLong();
    private final Deque<String> messages = new ArrayDeque<>();
    private final Object writerLock = new Object();
    private Process process;
    private Thread messageReader;
    private PcapngWriter writer;
    private volatile long dropped = -1;
    private volatile long droppedByInterface = -1;
    private volatile long capturedByTool = -1;
    private volatile String error;
    private volatile int exitCode = -1;
    private volatile boolean stopping;

    /**
     * A capture not started yet.
     *
     * @param node        the node's name
     * @param device      the device
     * @param description what it is (the pcapng's {@code if_description}), or null
     * @param file        where to write it ({@code DIR/NODE/DEVICE.pcapng})
     * @param command     the local command line that runs {@code capture.sh} on the node
     */
    public DeviceCapture(String node, String device, String description, Path file, List<String> command) {
        this.node = node;
        this.device = device;
        this.description = description;
        this.file = file;
        this.command = List.copyOf(command);
    }

    /** Starts the process and the threads that read its output. */
    public void start() {
        try {
            process = new ProcessBuilder(Detached.command(command)).start();
        } catch (IOException e) {
            fail("cannot run " + command.get(0) + ": " + e.getMessage());
            listening.countDown();
            ended.countDown();
            return;
        }
        messageReader = new Thread(this::readMessages, "collect-" + node + "-" + device + "-stderr");
        messageReader.setDaemon(true);
        messageReader.start();
        Thread out = new Thread(this::readPackets, "collect-" + node + "-" + device);
        out.setDaemon(true);
        out.start();
    }

    /** Waits until the capture tool says it listens (or ended); true when it listens. */
    public boolean awaitListening(long timeout, TimeUnit unit) throws InterruptedException {
        listening.await(timeout, unit);
        return listening.getCount() == 0 && error == null && ended.getCount() == 1;
    }

    private void readMessages() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                String l = line.strip();
                if (l.contains("listening on") || l.startsWith("Capturing on")) {
                    listening.countDown();
                }
                Matcher m = DROPPED.matcher(l);
                if (m.find()) {
                    dropped = Long.parseLong(m.group(1));
                    continue;
                }
                m = DROPPED_BY_INTERFACE.matcher(l);
                if (m.find()) {
                    droppedByInterface = Long.parseLong(m.group(1));
                    continue;
                }
                m = CAPTURED.matcher(l);
                if (m.find()) {
                    capturedByTool = Long.parseLong(m.group(1));
                    continue;
                }
                m = DUMPCAP_DROPPED.matcher(l);
                if (m.find()) {
                    dropped = Long.parseLong(m.group(2));
                    continue;
                }
                if (l.isEmpty() || l.contains("packets received by filter") || l.contains("listening on")
                        || l.startsWith("Capturing on")) {
                    continue;
                }
                synchronized (messages) {
                    if (messages.size() == KEPT_MESSAGES) {
                        messages.removeFirst();
                    }
                    messages.addLast(l);
                }
            }
        } catch (IOException e) {
            // the process is gone; its exit code says the rest (readPackets records it, then counts down)
        }
    }

    private void readPackets() {
        try (CaptureReader reader = CaptureReaders.open(node + ": " + device, process.getInputStream())) {
            CaptureInterface iface = reader.interfaces().isEmpty() ? null : reader.interfaces().get(0);
            int linkType = iface == null ? 1 : iface.linkType();
            int snap = iface == null ? 0 : iface.snapLength();
            synchronized (writerLock) {
                writer = new PcapngWriter(Files.newOutputStream(file, StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE),
                        List.of(new CaptureInterface(0, linkType, device, description, snap, 1_000_000_000L)),
                        List.of(PointNames.NODE_COMMENT + node));
            }
            listening.countDown();
            PacketRecord record = new PacketRecord();
            while (reader.next(record)) {
                synchronized (writerLock) {
                    writer.write(0, record.timestampNanos(), record.buffer(), record.offset(), record.capturedLength(),
                            record.originalLength());
                }
                packets.incrementAndGet();
            }
        } catch (CaptureFormatException e) {
            if (writer != null) {
                fail("capture stream broken: " + e.getMessage());
            }
            // no stream at all: the capture tool failed; its messages and exit code say why
        } catch (IOException e) {
            if (!stopping || writer == null) {
                fail("reading the capture: " + e.getMessage());
            }
        } finally {
            synchronized (writerLock) {
                if (writer != null) {
                    try {
                        writer.close();
                    } catch (IOException e) {
                        fail("cannot write " + file + ": " + e.getMessage());
                    }
                }
            }
            try {
                exitCode = process.waitFor();
                messageReader.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (writer == null && error == null) {
                fail(failure());
            }
            listening.countDown();
            ended.countDown();
        }
    }

    /** Why a capture produced no stream, from the tool's messages and exit code. */
    private String failure() {
        List<String> text = messages();
        // the tool's last words: tcpdump says what and then why, "(socket: Operation not permitted)"
        String last = String.join(" ", text.subList(Math.max(0, text.size() - 3), text.size()));
        if (exitCode == 255 && command.get(0).equals("ssh")) {
            return "ssh failed" + (last.isEmpty() ? "" : ": " + last);
        }
        if (exitCode == 127 && last.isEmpty()) {
            return "command not found (exit 127)";
        }
        return (last.isEmpty() ? "the capture ended without output" : last) + " (exit " + exitCode + ")";
    }

    private void fail(String message) {
        if (error == null) {
            error = message;
        }
    }

    /** Flushes what was written so far, so that a reader sees whole blocks. */
    public void flush() {
        synchronized (writerLock) {
            if (writer != null) {
                try {
                    writer.flush();
                } catch (IOException e) {
                    fail("cannot write " + file + ": " + e.getMessage());
                }
            }
        }
    }

    /** Asks the capture to end: closes its stdin (the node-side script then stops it with SIGTERM). */
    public void stop() {
        stopping = true;
        Process p = process;
        if (p != null) {
            try {
                OutputStream stdin = p.getOutputStream();
                stdin.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    /** Waits for the end; kills the process (and what it started here) when it does not end in time. */
    public void awaitEnd(long timeout, TimeUnit unit) throws InterruptedException {
        if (!ended.await(timeout, unit) && process != null) {
            fail("did not stop within " + unit.toSeconds(timeout) + " s of being asked: killed");
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            ended.await(5, TimeUnit.SECONDS);
        }
    }

    public boolean ended() {
        return ended.getCount() == 0;
    }

    public String node() {
        return node;
    }

    public String device() {
        return device;
    }

    public String description() {
        return description;
    }

    /** The file, once the stream has started (else it was never created). */
    public Path file() {
        return file;
    }

    /** Whether the capture file was created (the stream started). */
    public boolean written() {
        synchronized (writerLock) {
            return writer != null;
        }
    }

    public long packets() {
        return packets.get();
    }

    /** Packets the kernel dropped, as the capture tool reported at its end; -1 when it did not say. */
    public long dropped() {
        return dropped;
    }

    /** Packets the interface dropped, as tcpdump reported; -1 when it did not say. */
    public long droppedByInterface() {
        return droppedByInterface;
    }

    /** Packets the tool says it captured; -1 when it did not say. */
    public long capturedByTool() {
        return capturedByTool;
    }

    /** What went wrong, or null. */
    public String error() {
        return error;
    }

    public int exitCode() {
        return exitCode;
    }

    /** The capture tool's other messages (warnings), the last few. */
    public List<String> messages() {
        synchronized (messages) {
            return new ArrayList<>(messages);
        }
    }
}
