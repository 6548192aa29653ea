package io.tunnelscope.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code tunnelscope} command in a JVM of its own (test classpath), for tests that need its
 * environment (PATH with fake tools), its signals (Ctrl-C) or another network namespace. The waits
 * are guards against a hang, never assertions on timing.
 */
public final class CliProcess {
    /** What a run printed and returned. */
    public record Result(int code, String out, String err) {
    }

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private CliProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The command line that runs {@code tunnelscope args...} in a fresh JVM, behind {@code prefix}. */
    public static List<String> command(List<String> prefix, List<String> args) {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-cp", classpath, Main.class.getName()));
        command.addAll(args);
        return command;
    }

    /** Starts {@code tunnelscope args...} (behind {@code prefix}, with {@code env} added), output into {@code dir}. */
    public static CliProcess start(Path dir, List<String> prefix, Map<String, String> env, String... args)
            throws IOException {
        Path out = Files.createTempFile(dir, "cli", ".out");
        Path err = Files.createTempFile(dir, "cli", ".err");
        ProcessBuilder builder = new ProcessBuilder(command(prefix, List.of(args))).redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().putAll(env);
        return new CliProcess(builder.start(), out, err);
    }

    public Process process() {
        return process;
    }

    /** Waits (guarded) until stderr holds {@code text}; fails if the process ends first. */
    public void awaitErr(String text, long guardSeconds) throws IOException, InterruptedException {
        long guard = System.nanoTime() + TimeUnit.SECONDS.toNanos(guardSeconds);
        while (!Files.readString(stderr).contains(text)) {
            if (!process.isAlive() && !Files.readString(stderr).contains(text)) {
                fail("ended (" + process.exitValue() + ") before '" + text + "':\n" + Files.readString(stderr)
                        + Files.readString(stdout));
            }
            if (System.nanoTime() - guard > 0) {
                kill();
                fail("no '" + text + "' within " + guardSeconds + " s:\n" + Files.readString(stderr));
            }
            Thread.sleep(50);
        }
    }

    /** Sends SIGINT, as Ctrl-C does. */
    public void interrupt() throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).start().waitFor();
    }

    /** Waits (guarded) for the end. */
    public Result await(long guardSeconds) throws IOException, InterruptedException {
        if (!process.waitFor(guardSeconds, TimeUnit.SECONDS)) {
            kill();
            fail("did not end within " + guardSeconds + " s:\n" + Files.readString(stderr) + Files.readString(stdout));
        }
        return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }

    /** Kills the process and what it started. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
