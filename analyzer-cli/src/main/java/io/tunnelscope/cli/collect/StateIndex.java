package io.tunnelscope.cli.collect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code state/index.json}: every state item collect asked a node for, with the command's exit
 * status, whether its file was written and what it said on stderr ({@code iptables-save: not
 * found}, {@code no kubeconfig}), so a missing file is explained.
 */
final class StateIndex {
    static final String FILE = "index.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private StateIndex() {
    }

    /** Adds {@code entries} to the index at {@code file} (created when absent). */
    @SuppressWarnings("unchecked")
    static void append(Path file, List<Map<String, Object>> entries) throws IOException {
        List<Object> all = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            all.addAll(JSON.readValue(file.toFile(), List.class));
        }
        all.addAll(entries);
        JSON.writeValue(file.toFile(), all);
    }
}
