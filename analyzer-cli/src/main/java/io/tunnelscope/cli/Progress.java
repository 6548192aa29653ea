package io.tunnelscope.cli;

import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.correlate.PacketListener;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.PacketView;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A progress bar on stderr while large inputs are read on a terminal: the share of the input
 * bytes read so far (from the records' file offsets), redrawn when it moves a percent. The files
 * may be read on threads of their own, so packets come from several threads.
 */
final class Progress implements PacketListener {
    /** Inputs smaller than this finish before a bar would help. */
    static final long LARGE = 64L << 20;

    private final PrintStream err;
    private final long total;
    private final Map<String, Long> sizes = new HashMap<>();
    private final Map<String, Long> offsets = new HashMap<>();
    private long done;
    private int shown = -1;

    private Progress(PrintStream err, long total, Map<String, Long> sizes) {
        this.err = err;
        this.total = total;
        this.sizes.putAll(sizes);
    }

    /**
     * A bar for these inputs, or null when they are too small to need one; {@code names} are what
     * the analysis calls the files (the path when absent).
     */
    static Progress forFiles(List<Path> files, Map<Path, String> names, PrintStream err) {
        Map<String, Long> sizes = new HashMap<>();
        long total = 0;
        for (Path file : files) {
            String name = names.getOrDefault(file, file.toString());
            try {
                long size = Files.size(file);
                sizes.put(name, size);
                total += size;
            } catch (IOException e) {
                sizes.put(name, 0L);
            }
        }
        return total >= LARGE ? new Progress(err, total, sizes) : null;
    }

    @Override
    public synchronized void packet(String point, String file, PacketRecord record, LayerStack stack, PacketView view) {
        long offset = Math.min(record.fileOffset(), sizes.getOrDefault(file, 0L));
        long previous = offsets.getOrDefault(file, 0L);
        if (offset > previous) {
            done += offset - previous;
            offsets.put(file, offset);
        }
        int percent = (int) Math.min(100, done * 100 / Math.max(1, total));
        if (percent != shown) {
            shown = percent;
            int bar = percent * 40 / 100;
            err.print("\rreading [" + "#".repeat(bar) + " ".repeat(40 - bar) + "] " + percent + "%");
            err.flush();
        }
    }

    void done() {
        if (shown >= 0) {
            err.print("\r" + " ".repeat(60) + "\r");
            err.flush();
        }
    }
}
