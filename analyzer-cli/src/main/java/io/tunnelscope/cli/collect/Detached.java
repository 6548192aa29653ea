package io.tunnelscope.cli.collect;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Commands run in a session of their own ({@code setsid}, util-linux), so that Ctrl-C in the
 * terminal reaches collect alone: collect then stops every capture itself, the node-side script
 * lets the capture tool flush and report its drops, and an ssh or kubectl session is not cut
 * before the last packets arrive. Without {@code setsid} the command runs as it is.
 */
final class Detached {
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private Detached() {
    }

    static List<String> command(List<String> command) {
        if (!Files.isExecutable(SETSID)) {
            return command;
        }
        List<String> detached = new ArrayList<>(command.size() + 1);
        detached.add(SETSID.toString());
        detached.addAll(command);
        return detached;
    }
}
