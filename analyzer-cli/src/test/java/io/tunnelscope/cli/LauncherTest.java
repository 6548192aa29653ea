package io.tunnelscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./tunnelscope} launcher's choice of JDK and its AOT cache, run on a copy of the
 * script beside a built jar, with fake JDKs whose {@code java} only records how it was called
 * (and, when asked to train, writes the cache file as the JVM would).
 */
class LauncherTest {
    @TempDir
    Path root;
    private Path jdks;
    private Path calls;
    private Path jar;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash");
        Path script = Path.of("..", "tunnelscope");
        assumeTrue(Files.isRegularFile(script), "the launcher is at the project root");
        Files.copy(script, root.resolve("tunnelscope"));
        executable(root.resolve("tunnelscope"));
        jar = root.resolve("analyzer-cli/target/tunnelscope.jar");
        Files.createDirectories(jar.getParent());
        Files.write(jar, new byte[] {'P', 'K'});
        Files.createDirectories(root.resolve("samples/captures/some-scenario"));
        jdks = root.resolve("jvm");
        calls = root.resolve("calls.log");
        fakeJdk("openjdk-17", "17.0.15");
        fakeJdk("temurin-25", "25.0.3");
        fakeJdk("zulu-21", "21.0.4");
        fakeJdk("old-8", "1.8.0_452");
    }

    private static void executable(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Path fakeJdk(String name, String version) throws IOException {
        return fakeJdk(jdks, name, version);
    }

    private Path fakeJdk(Path parent, String name, String version) throws IOException {
        Path home = parent.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
        Path java = home.resolve("bin/java");
        Files.writeString(java, "#!/bin/bash\n"
                + "echo \"" + name + " $*\" >> '" + calls + "'\n"
                + "for a in \"$@\"; do case $a in -XX:AOTCacheOutput=*) echo cache > \"${a#*=}\";; esac; done\n");
        executable(java);
        return home;
    }

    private record Result(int exit, String err, List<String> calls) {
    }

    private Result launch(Map<String, String> env, String... args) throws Exception {
        Files.deleteIfExists(calls);
        List<String> command = new java.util.ArrayList<>(List.of(root.resolve("tunnelscope").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().remove("JAVA_HOME");
        builder.environment().remove("TUNNELSCOPE_JAVA");
        builder.environment().remove("TUNNELSCOPE_AOT");
        builder.environment().remove("TUNNELSCOPE_JAVA_OPTS");
        builder.environment().put("TUNNELSCOPE_JDKS", jdks.toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        List<String> lines = Files.exists(calls) ? Files.readAllLines(calls) : List.of();
        return new Result(process.exitValue(), err, lines);
    }

    @Test
    void runsOnTheNewestJdkTrainsItsCacheOnceAndUsesIt() throws Exception {
        Result first = launch(Map.of(), "report", "x.pcap");
        assertEquals(0, first.exit(), first.err());
        assertEquals(2, first.calls().size(), first.calls().toString());
        String training = first.calls().get(0);
        assertTrue(training.startsWith("temurin-25 "), training);
        assertTrue(training.contains("-XX:AOTCacheOutput=") && training.contains("io.tunnelscope.cli.AotTrainingRun")
                && training.contains(root.resolve("samples/captures").toString()), training);
        assertTrue(first.err().contains("training the AOT cache for Java 25.0.3"), first.err());
        String run = first.calls().get(1);
        assertTrue(run.startsWith("temurin-25 -XX:+UseParallelGC -Xms1g --enable-native-access=ALL-UNNAMED "
                + "-XX:AOTCache=" + root.resolve("analyzer-cli/target/aot")), run);
        assertTrue(run.endsWith("-jar " + jar + " report x.pcap"), run);

        Result second = launch(Map.of(), "decode", "y.pcap");
        assertEquals(1, second.calls().size(), second.calls().toString());
        assertTrue(second.calls().get(0).contains("-XX:AOTCache="));
        assertFalse(second.err().contains("training"), second.err());

        // A new jar: trained again.
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        Result rebuilt = launch(Map.of(), "version");
        assertEquals(2, rebuilt.calls().size(), rebuilt.calls().toString());
        assertTrue(rebuilt.calls().get(0).contains("-XX:AOTCacheOutput="));
    }

    @Test
    void theViewerTrainsItsOwnCacheOnASampleScenarioAndUsesIt() throws Exception {
        Path directives = root.resolve("analyzer-gui/src/main/jvm/scene-graph-c1.json");
        Files.createDirectories(directives.getParent());
        Files.writeString(directives, "[]");
        Path guiJar = root.resolve("analyzer-gui/target/tunnelscope-gui.jar");
        Files.createDirectories(guiJar.getParent());
        Files.write(guiJar, new byte[] {'P', 'K'});
        // Built after its sources (the directives are among them): the launcher does not build it again.
        Files.setLastModifiedTime(directives, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        Result first = launch(Map.of(), "gui", "x.pcap");
        assertEquals(0, first.exit(), first.err());
        assertEquals(2, first.calls().size(), first.calls().toString());
        String training = first.calls().get(0);
        assertTrue(training.startsWith("temurin-25 --enable-native-access=ALL-UNNAMED "), training);
        assertFalse(training.contains("CompilerDirectivesFile"), training);
        assertTrue(training.contains("-XX:AOTCacheOutput=" + root.resolve("analyzer-gui/target/aot"))
                && training.contains("-jar " + guiJar + " --snapshot ")
                && training.endsWith(root.resolve("samples/captures/some-scenario").toString()), training);
        assertFalse(training.contains("UseParallelGC"), "the viewer keeps the JVM's collector: " + training);
        String run = first.calls().get(1);
        assertEquals("temurin-25 -XX:+IgnoreUnrecognizedVMOptions -XX:+UnlockDiagnosticVMOptions "
                + "-XX:CompilerDirectivesFile=" + directives + " --enable-native-access=ALL-UNNAMED -XX:AOTCache="
                + root.resolve("analyzer-gui/target/aot/tunnelscope-jdk-25.0.3-temurin-25.aot")
                + " -Xlog:aot*=off -Xlog:aot*=error:stderr -jar " + guiJar + " x.pcap", run);
        Result second = launch(Map.of(), "gui", "y.pcap");
        assertEquals(1, second.calls().size(), second.calls().toString());
        // Directives of the user's own replace the launcher's.
        Result own = launch(Map.of("TUNNELSCOPE_JAVA_OPTS", "-XX:CompilerDirectivesFile=/x.json"), "gui", "z.pcap");
        assertFalse(own.calls().get(0).contains(directives.toString()), own.calls().toString());
        assertFalse(Files.exists(root.resolve("analyzer-cli/target/aot")), "the CLI's cache is its own");
    }

    @Test
    void javaHomeWinsOnlyWhenItIsNotOlder() throws Exception {
        Path elsewhere = root.resolve("opt");
        Path same = fakeJdk(elsewhere, "home-25", "25.0.3");
        Result tie = launch(Map.of("JAVA_HOME", same.toString(), "TUNNELSCOPE_AOT", "off"), "version");
        assertEquals(List.of("home-25 --enable-native-access=ALL-UNNAMED -jar " + jar + " version"), tie.calls());
        Path older = fakeJdk(elsewhere, "home-25-early", "25.0.1");
        Result patch = launch(Map.of("JAVA_HOME", older.toString(), "TUNNELSCOPE_AOT", "off"), "version");
        assertTrue(patch.calls().get(0).startsWith("temurin-25 "), patch.calls().toString());
        Path java17 = fakeJdk(elsewhere, "home-17", "17.0.2");
        Result old = launch(Map.of("JAVA_HOME", java17.toString(), "TUNNELSCOPE_AOT", "off"), "version");
        assertTrue(old.calls().get(0).startsWith("temurin-25 "), old.calls().toString());
        fakeJdk("temurin-26", "26-ea");
        Result early = launch(Map.of("TUNNELSCOPE_AOT", "off"), "version");
        assertTrue(early.calls().get(0).startsWith("temurin-26 "), early.calls().toString());
    }

    @Test
    void anOlderJdkRunsWithoutCacheAndSaysSoOncePerBuild() throws Exception {
        String java17 = jdks.resolve("openjdk-17/bin/java").toString();
        Result first = launch(Map.of("TUNNELSCOPE_JAVA", java17), "report", "x.pcap");
        assertEquals(List.of("openjdk-17 -XX:+UseParallelGC -Xms1g -jar " + jar + " report x.pcap"), first.calls());
        assertEquals("tunnelscope: note: Java 17.0.15 has no AOT cache (JDK 25 or newer has); running without\n",
                first.err());
        Result second = launch(Map.of("TUNNELSCOPE_JAVA", java17), "report", "x.pcap");
        assertEquals("", second.err());
        Result eight = launch(Map.of("TUNNELSCOPE_JAVA", jdks.resolve("old-8/bin/java").toString()), "version");
        assertEquals(2, eight.exit());
        assertTrue(eight.err().contains("needs Java 17 or newer"), eight.err());
    }

    @Test
    void aFailedTrainingIsNotRetriedUntilTheJarChanges() throws Exception {
        Files.delete(root.resolve("samples/captures/some-scenario"));
        Files.delete(root.resolve("samples/captures"));
        Result first = launch(Map.of(), "version");
        assertTrue(first.err().contains("AOT training failed"), first.err());
        assertEquals(1, first.calls().size(), first.calls().toString());
        assertFalse(first.calls().get(0).contains("-XX:AOTCache"), first.calls().toString());
        Result second = launch(Map.of(), "version");
        assertEquals("", second.err());
    }
}
