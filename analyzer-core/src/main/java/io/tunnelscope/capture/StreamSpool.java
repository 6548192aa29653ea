package io.tunnelscope.capture;

import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Captures that arrive as a stream (standard input, a pipe, a FIFO, a device), copied into files
 * of a temporary directory so that they can be read more than once: by the calibration and main
 * passes of a correlation, by the desktop viewer's loading, its analysis and its rows read on
 * demand. A stream that fails part way is kept up to where it failed. {@link #close} deletes the
 * copies.
 */
public final class StreamSpool implements Closeable {
    private Path directory;
    private int count;

    /**
     * Whether {@code path} is read as a stream: it exists and is neither a regular file nor a
     * directory (a FIFO, {@code /dev/stdin}, {@code <(...)}, a device).
     */
    public static boolean isStream(Path path) {
        return Files.exists(path) && !Files.isRegularFile(path) && !Files.isDirectory(path);
    }

    /**
     * The bytes of a stream, {@code null} for standard input. A FileInputStream, not
     * Files.newInputStream: the latter's channel answers available() with a seek, which fails on
     * a pipe ("Illegal seek").
     */
    public static InputStream open(Path path) throws IOException {
        return path == null ? new FileInputStream(FileDescriptor.in) : new FileInputStream(path.toFile());
    }

    /**
     * Copies the stream {@code source} ({@code null}: standard input) into a new file of the spool
     * called {@code fileName}, which messages call {@code name}. What cannot be opened, read or
     * kept is added to {@code problems} (one line, starting with {@code name}); what was read
     * before is kept.
     *
     * @return the copy (empty when the stream could not be opened)
     * @throws IOException when the spool's directory or the copy cannot be created
     */
    public Path copy(String name, Path source, String fileName, List<String> problems) throws IOException {
        if (directory == null) {
            directory = Files.createTempDirectory("tunnelscope-streams-");
        }
        Path copy = Files.createDirectory(directory.resolve("stream-" + count++)).resolve(fileName);
        long kept = 0;
        try (OutputStream out = Files.newOutputStream(copy)) {
            InputStream in;
            try {
                in = open(source);
            } catch (IOException e) {
                problems.add(name + ": cannot open: " + describe(e));
                return copy;
            }
            try (in) {
                byte[] buffer = new byte[1 << 16];
                while (true) {
                    int n;
                    try {
                        n = in.read(buffer);
                    } catch (IOException e) {
                        problems.add(name + ": read failed after " + kept + " bytes: " + describe(e));
                        return copy;
                    }
                    if (n < 0) {
                        return copy;
                    }
                    try {
                        out.write(buffer, 0, n);
                    } catch (IOException e) {
                        problems.add(name + ": cannot keep the stream in " + copy + " after " + kept
                                + " bytes: " + describe(e) + "; the rest is not read");
                        return copy;
                    }
                    kept += n;
                }
            }
        }
    }

    /** The spool's directory, or null while nothing was copied. */
    public Path directory() {
        return directory;
    }

    /** A one-line reason: "permission denied", or the exception's message. */
    public static String describe(Exception e) {
        Throwable cause = e instanceof java.nio.file.DirectoryIteratorException ? e.getCause() : e;
        if (cause instanceof AccessDeniedException) {
            return "permission denied";
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    /** Deletes the copies and their directory. */
    @Override
    public void close() throws IOException {
        if (directory == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        directory = null;
    }
}
