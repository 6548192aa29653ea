package io.tunnelscope.cli;

import io.tunnelscope.correlate.Correlator;
import io.tunnelscope.correlate.PointMapping;
import io.tunnelscope.decode.DecodeAs;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.state.ClusterState;
import io.tunnelscope.state.KubernetesObjects;
import io.tunnelscope.state.StateFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** Options several commands share, declared and read in one place. */
final class CommonOptions {
    private CommonOptions() {
    }

    /** {@code --decode-as udp.port=N:NAME}, NAME one of {@link DecodeAs#choices()}; repeatable. */
    static void addDecodeAs(Options options) {
        options.addOption(Option.builder().longOpt("decode-as").hasArg().argName("SPEC")
                .desc("udp.port=N:" + String.join("|", DecodeAs.choices()) + " (repeatable)").build());
    }

    /** The dispatch tables with the command line's {@code --decode-as} overrides. */
    static DecodeTables tables(CommandLine line) {
        DecodeTables.Builder builder = DecodeTables.builder();
        String[] specs = line.getOptionValues("decode-as");
        if (specs != null) {
            for (String spec : specs) {
                builder.decodeAs(DecodeAs.parse(spec));
            }
        }
        return builder.build();
    }

    /**
     * {@code --point FILE[:IFACE]=HOST[:DEVICE]} (repeatable), {@code --points FILE} (one such line
     * each) and {@code --cluster-cidr CIDR}: where captures were taken, and the pod network.
     */
    static void addPlacement(Options options) {
        options.addOption(Option.builder().longOpt("point").hasArg().argName("FILE[:IFACE]=HOST[:DEVICE]")
                .desc("the capture FILE (or its interface IFACE) was taken on HOST's DEVICE (repeatable)").build());
        options.addOption(Option.builder().longOpt("points").hasArg().argName("FILE")
                .desc("a file of FILE[:IFACE]=HOST[:DEVICE] lines ('#' comments)").build());
        options.addOption(Option.builder().longOpt("cluster-cidr").hasArg().argName("CIDR")
                .desc("the cluster's pod network (e.g. 10.244.0.0/16): its addresses are pods").build());
    }

    /** The placements of {@code --point} and {@code --points}. */
    static List<PointMapping> pointMappings(CommandLine line) throws IOException {
        List<PointMapping> mappings = new ArrayList<>();
        if (line.hasOption("points")) {
            mappings.addAll(PointMapping.read(Path.of(line.getOptionValue("points"))));
        }
        String[] specs = line.getOptionValues("point");
        if (specs != null) {
            for (String spec : specs) {
                mappings.add(PointMapping.parse(spec));
            }
        }
        return List.copyOf(mappings);
    }

    /** The {@code --cluster-cidr}, checked, or null. */
    static String clusterCidr(CommandLine line) {
        String cidr = line.getOptionValue("cluster-cidr");
        if (cidr != null && !cidr.matches("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}")) {
            throw new IllegalArgumentException("--cluster-cidr takes an IPv4 network such as 10.244.0.0/16, not '"
                    + cidr + "'");
        }
        return cidr;
    }

    /** Applies the placement options to a correlation. */
    static void placement(CommandLine line, Correlator.Options options) {
        try {
            options.pointMappings = pointMappings(line);
        } catch (IOException e) {
            throw new IllegalArgumentException("--points: cannot read " + line.getOptionValue("points") + ": "
                    + e.getMessage(), e);
        }
        options.clusterCidr = clusterCidr(line);
    }

    /** {@code --window MS}: how far apart two sightings of one packet may be. */
    static void addWindow(Options options) {
        options.addOption(Option.builder().longOpt("window").hasArg().argName("MS")
                .desc("how far apart (after clock correction) two sightings of a packet may be, "
                        + "milliseconds; default 2000").build());
    }

    /** The {@code --window} in nanoseconds, or {@code fallback} when not given. */
    static long windowNanos(CommandLine line, long fallback) {
        if (!line.hasOption("window")) {
            return fallback;
        }
        long millis;
        try {
            millis = Long.parseLong(line.getOptionValue("window"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--window takes a number of milliseconds, not '"
                    + line.getOptionValue("window") + "'");
        }
        if (millis <= 0) {
            throw new IllegalArgumentException("--window must be a positive number of milliseconds");
        }
        return millis * 1_000_000L;
    }

    /** {@code --k8s FILE.json}: pod, service and node names from a {@code kubectl get -o json} dump, repeatable. */
    static void addNames(Options options) {
        options.addOption(Option.builder().longOpt("k8s").hasArg().argName("FILE.json")
                .desc("name addresses after pods, services and nodes from this dump of kubectl get "
                        + "pods,nodes,services -A -o json (repeatable; a directory collect wrote needs none)").build());
    }

    /**
     * The recorded state behind the arguments: the node state of every directory {@code collect}
     * wrote among them, with the {@code --k8s} dumps.
     *
     * @throws IllegalArgumentException when a {@code --k8s} file cannot be read or is not a dump
     */
    static ClusterState state(CommandLine line) {
        KubernetesObjects k8s = KubernetesObjects.EMPTY;
        String[] dumps = line.getOptionValues("k8s");
        if (dumps != null) {
            for (String dump : dumps) {
                try {
                    k8s = k8s.merge(KubernetesObjects.parse(Files.readString(Path.of(dump), StandardCharsets.UTF_8), dump));
                } catch (IOException e) {
                    throw new IllegalArgumentException("--k8s " + dump + ": cannot read: " + e.getMessage());
                } catch (StateFormatException e) {
                    throw new IllegalArgumentException("--k8s " + e.getMessage());
                }
            }
        }
        List<Path> directories = new ArrayList<>();
        for (String argument : line.getArgList()) {
            Path path = Path.of(argument);
            if (Files.isDirectory(path)) {
                directories.add(path);
            }
        }
        return ClusterState.load(directories, k8s);
    }

    /** A positive whole number option ({@code --count N}), or {@code absent} when not given. */
    static long positive(CommandLine line, String option, long absent) {
        if (!line.hasOption(option)) {
            return absent;
        }
        String value = line.getOptionValue(option);
        try {
            long n = Long.parseLong(value);
            if (n <= 0) {
                throw new IllegalArgumentException("--" + option + " must be a positive number: " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + option + " takes a number: " + value);
        }
    }

    /** A number of seconds option ({@code --duration S}) in nanoseconds, or {@code absent} when not given. */
    static long seconds(CommandLine line, String option, long absent, boolean zeroAllowed) {
        if (!line.hasOption(option)) {
            return absent;
        }
        String value = line.getOptionValue(option);
        double s;
        try {
            s = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + option + " takes a number of seconds: " + value);
        }
        if (!(s > 0 || (zeroAllowed && s == 0)) || s > 1e9) {
            throw new IllegalArgumentException("--" + option + " must be a positive number of seconds: " + value);
        }
        return (long) (s * 1_000_000_000L);
    }
}
