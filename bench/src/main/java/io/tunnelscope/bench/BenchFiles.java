package io.tunnelscope.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Generated captures for the benchmarks, cached under {@code java.io.tmpdir} (deterministic). */
final class BenchFiles {
    private BenchFiles() {
    }

    static List<Path> capture(CaptureGenerator.Sizes sizes, long packets, int points) throws IOException {
        Path base = Path.of(System.getProperty("tunnelscope.bench.dir", System.getProperty("java.io.tmpdir")));
        String name = "tunnelscope-bench-" + sizes.name().toLowerCase(java.util.Locale.ROOT) + "-" + packets
                + (points == 1 ? ".pcap" : "-p" + points);
        Path out = base.resolve(name);
        Path done = base.resolve(name + ".done");
        CaptureGenerator.Config config = new CaptureGenerator.Config();
        config.sizes = sizes;
        config.packets = packets;
        config.points = points;
        if (!Files.exists(done)) {
            CaptureGenerator.generate(config, out);
            Files.writeString(done, "ok");
        }
        if (points == 1) {
            return List.of(out);
        }
        java.util.ArrayList<Path> files = new java.util.ArrayList<>();
        for (int p = 1; p <= points; p++) {
            files.add(out.resolve("host" + p + "-ens33.pcap"));
        }
        return files;
    }
}
