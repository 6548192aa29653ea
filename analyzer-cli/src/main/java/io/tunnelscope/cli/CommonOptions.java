package io.tunnelscope.cli;

import io.tunnelscope.decode.DecodeAs;
import io.tunnelscope.decode.DecodeTables;
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
