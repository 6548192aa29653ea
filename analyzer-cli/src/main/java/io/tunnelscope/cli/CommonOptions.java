package io.tunnelscope.cli;

import io.tunnelscope.correlate.Correlator;
import io.tunnelscope.correlate.PointMapping;
import io.tunnelscope.decode.DecodeAs;
import io.tunnelscope.decode.DecodeTables;
import java.io.IOException;
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

    /** {@code --decode-as udp.port=N:vxlan|flannel-udp|geneve|none}, repeatable. */
    static void addDecodeAs(Options options) {
        options.addOption(Option.builder().longOpt("decode-as").hasArg().argName("SPEC")
                .desc("udp.port=N:vxlan|flannel-udp|geneve|none (repeatable)").build());
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
}
