package io.tunnelscope.cli;

import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.StreamSpool;
import io.tunnelscope.state.ClusterState;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Turns the FILE|DIR arguments of a command into the captures to read: a file as given; a
 * directory as the capture files directly inside it (by name: .pcap, .pcapng, .cap, .dmp and
 * their .gz), sorted by name; {@code -} as standard input; a FIFO, a pipe ({@code /dev/stdin},
 * {@code <(...)}) or a device as a stream read once, front to back. A capture-named directory
 * entry that cannot be read (a dangling link, a FIFO, no permission) is a problem named on
 * stderr, never skipped silently.
 * A directory {@code tunnelscope collect} wrote also stands for the captures of each node's
 * directory ({@code DIR/NODE/*.pcapng}, node by node).
 */
final class CaptureInputs {
    /** The argument that stands for standard input. */
    static final String STDIN = "-";
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;
    private static final int S_IFSOCK = 0140000;

    private CaptureInputs() {
    }

    /** Thrown for an argument that names nothing readable. */
    static final class BadInputException extends Exception {
        BadInputException(String message) {
            super(message);
        }
    }

    /**
     * One capture to read.
     *
     * @param name   what messages and reports call it: the argument as given, {@code -} for
     *               standard input
     * @param path   the file, FIFO or device; null for standard input
     * @param stream read front to back once (standard input, a pipe, a FIFO, a device), rather
     *               than mapped as a regular file
     */
    record Input(String name, Path path, boolean stream) {
        /** The path commands show and name points after: the file, or {@code -} for standard input. */
        Path displayPath() {
            return path == null ? Path.of(STDIN) : path;
        }

        /** Opens the capture for one pass: a file mapped, a stream read as it arrives. */
        CaptureReader open() throws IOException {
            if (!stream) {
                return CaptureReaders.open(path, name);
            }
            return CaptureReaders.open(name, openStream());
        }

        /** The bytes of a stream input ({@link StreamSpool#open}). */
        InputStream openStream() throws IOException {
            return StreamSpool.open(path);
        }
    }

    /**
     * The captures the arguments name. An argument that names nothing readable is a problem
     * added to {@code problems} (one line, {@code argument: what is wrong}) and the others go on;
     * only when nothing at all is left is it an error.
     */
    static List<Input> expand(List<String> arguments, List<String> problems) throws BadInputException {
        List<Input> inputs = new ArrayList<>();
        boolean stdin = false;
        for (String argument : arguments) {
            if (argument.equals(STDIN)) {
                if (stdin) {
                    problems.add("-: standard input named more than once; read once");
                } else {
                    stdin = true;
                    inputs.add(new Input(STDIN, null, true));
                }
                continue;
            }
            Path path;
            try {
                path = Path.of(argument);
            } catch (java.nio.file.InvalidPathException e) {
                problems.add(argument + ": not a valid path (" + e.getReason() + ")");
                continue;
            }
            if (Files.isDirectory(path)) {
                List<Path> nodes = ClusterState.nodeDirectories(path);
                listDirectory(argument, path, inputs, problems, !nodes.isEmpty());
                for (Path node : nodes) {
                    listDirectory(node.toString(), node, inputs, problems, false);
                }
            } else if (Files.isRegularFile(path)) {
                if (Files.isReadable(path)) {
                    inputs.add(new Input(argument, path, false));
                } else {
                    problems.add(argument + ": not readable (permission denied)");
                }
            } else if (Files.exists(path)) {
                if (Files.isReadable(path)) {
                    inputs.add(new Input(argument, path, true));
                } else {
                    problems.add(argument + ": not readable (permission denied)");
                }
            } else if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                problems.add(argument + ": " + danglingLink(path));
            } else {
                problems.add(argument + ": no such file or directory");
            }
        }
        if (inputs.isEmpty()) {
            throw new BadInputException(problems.isEmpty() ? "no capture files" : String.join("\n", problems));
        }
        return inputs;
    }

    private static void listDirectory(String argument, Path directory, List<Input> inputs, List<String> problems,
                                      boolean mayBeEmpty) {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(directory)) {
            for (Path entry : listing) {
                if (looksLikeCapture(entry)) {
                    entries.add(entry);
                }
            }
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            problems.add(argument + ": cannot list directory: " + describe(e));
            return;
        }
        entries.sort(Comparator.comparing(Path::toString));
        int found = 0;
        for (Path entry : entries) {
            String name = entry.toString();
            if (Files.isRegularFile(entry)) {
                if (Files.isReadable(entry)) {
                    inputs.add(new Input(name, entry, false));
                    found++;
                } else {
                    problems.add(name + ": not readable (permission denied), skipped");
                }
            } else if (Files.isDirectory(entry)) {
                problems.add(name + ": a directory, skipped (directories are not searched recursively)");
            } else if (Files.exists(entry)) {
                problems.add(name + ": " + special(entry) + ", skipped: name it on its own to read from it");
            } else {
                problems.add(name + ": " + danglingLink(entry) + ", skipped");
            }
        }
        if (found == 0 && entries.isEmpty() && !mayBeEmpty) {
            problems.add(argument + ": no capture files (.pcap, .pcapng, .cap) in this directory");
        }
    }

    private static String danglingLink(Path link) {
        try {
            return "dangling symbolic link (to " + Files.readSymbolicLink(link) + ")";
        } catch (IOException | UnsupportedOperationException e) {
            return "dangling symbolic link";
        }
    }

    /** What a file that is neither regular nor a directory is, as far as the system says. */
    private static String special(Path entry) {
        try {
            int mode = (Integer) Files.getAttribute(entry, "unix:mode");
            if ((mode & S_IFMT) == S_IFIFO) {
                return "a FIFO (named pipe)";
            }
            if ((mode & S_IFMT) == S_IFSOCK) {
                return "a socket";
            }
            return "a device";
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return "not a regular file";
        }
    }

    private static String describe(Exception e) {
        return StreamSpool.describe(e);
    }

    private static void list(Path dir, List<Path> into) throws IOException {
        try (Stream<Path> listing = Files.list(dir)) {
            listing.filter(Files::isRegularFile).filter(CaptureInputs::looksLikeCapture).sorted().forEach(into::add);
        }
    }

    static boolean looksLikeCapture(Path file) {
        Path fileName = file.getFileName();
        if (fileName == null) {
            return false;
        }
        String name = fileName.toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        return name.endsWith(".pcap") || name.endsWith(".pcapng") || name.endsWith(".cap")
                || name.endsWith(".dmp");
    }

    /**
     * The inputs as files that can be read more than once (correlation reads twice): files as
     * they are, each stream copied to a temporary file as it arrives (deleted on {@link #close}),
     * named in reports and messages as the stream ({@link #names}).
     */
    static final class Spool implements Closeable {
        private final List<Path> files = new ArrayList<>();
        private final Map<Path, String> names = new HashMap<>();
        private final StreamSpool streams = new StreamSpool();

        /**
         * Copies the streams among {@code inputs}. A stream that fails part way is kept up to
         * where it failed, and the failure is added to {@code problems}.
         */
        static Spool of(List<Input> inputs, List<String> problems) throws IOException {
            Spool spool = new Spool();
            boolean ok = false;
            try {
                for (Input input : inputs) {
                    if (!input.stream()) {
                        spool.files.add(input.path());
                        spool.names.put(input.path(), input.name());
                        continue;
                    }
                    Path copy = spool.streams.copy(input.name(), input.path(), "capture", problems);
                    spool.files.add(copy);
                    spool.names.put(copy, input.name());
                }
                ok = true;
                return spool;
            } finally {
                if (!ok) {
                    spool.close();
                }
            }
        }

        /** The files to read, in the order of the inputs. */
        List<Path> files() {
            return files;
        }

        /** What to call each file in reports and messages. */
        Map<Path, String> names() {
            return names;
        }

        @Override
        public void close() throws IOException {
            streams.close();
        }
    }
}
