package io.tunnelscope.gui;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** tshark as the viewer tests' oracle, decoding as the project does ({@code -d udp.port==8472,vxlan -d udp.port==8285,ip}). */
final class Tshark {
    private Tshark() {
    }

    static boolean available() {
        try {
            Process p = new ProcessBuilder("tshark", "-v").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** tshark's output lines for a capture with extra arguments (stderr dropped). */
    static List<String> run(Path capture, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tshark", "-n", "-r", capture.toString(),
                "-d", "udp.port==8472,vxlan", "-d", "udp.port==8285,ip"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("tshark " + command + " failed");
        }
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    /** Frame numbers matching a display filter. */
    static List<Long> frames(Path capture, String filter) throws IOException, InterruptedException {
        return run(capture, "-Y", filter, "-T", "fields", "-e", "frame.number").stream().map(Long::parseLong).toList();
    }

    /** How many frames a capture has. */
    static int count(Path capture) throws IOException, InterruptedException {
        return run(capture, "-T", "fields", "-e", "frame.number").size();
    }
}
