package io.tunnelscope.cli;

import io.tunnelscope.capture.CaptureFormatException;
import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.LinkType;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketLineFormatter;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.filter.Filter;
import io.tunnelscope.filter.FilterSyntaxException;
import io.tunnelscope.filter.PacketFilter;
import io.tunnelscope.decode.PointNames;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.TreeMap;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code tunnelscope decode}: one line per packet, outer and inner headers together, or JSON Lines
 * with {@code --json}. A broken file gives one line {@code file: offset N: what is wrong} on
 * stderr after every packet before it was printed; the other files go on; the exit code is then 2.
 */
final class DecodeCommand {
    private final PrintStream out;
    private final PrintStream err;

    DecodeCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    private static Options options() {
        Options options = new Options();
        options.addOption(Option.builder().longOpt("json").desc("JSON Lines, one object per packet").build());
        options.addOption(Option.builder().longOpt("include-payload")
                .desc("with --json: add the innermost payload as hex (at most "
                        + DecodeJsonWriter.MAX_PAYLOAD + " bytes); without it no payload byte is printed")
                .build());
        CommonOptions.addDecodeAs(options);
        options.addOption(Option.builder("c").longOpt("count").hasArg().argName("N")
                .desc("stop after N packets in all").build());
        options.addOption(Option.builder().longOpt("filter").hasArg().argName("EXPR")
                .desc("print only the packets matching EXPR, e.g. 'inner.src == 10.102.20.2 && encap == vxlan'")
                .build());
        options.addOption(Option.builder().longOpt("nano").desc("timestamps with nanoseconds").build());
        options.addOption(Option.builder().longOpt("utc").desc("timestamps in UTC instead of local time").build());
        options.addOption(Option.builder("h").longOpt("help").desc("this help").build());
        return options;
    }

    int run(String[] args) {
        CommandLine line;
        try {
            line = new DefaultParser().parse(options(), args);
        } catch (ParseException e) {
            err.println("tunnelscope decode: " + e.getMessage());
            return Main.EXIT_INPUT;
        }
        if (line.hasOption("help")) {
            help();
            return Main.EXIT_OK;
        }
        if (line.getArgList().isEmpty()) {
            err.println("tunnelscope decode: name at least one capture file or directory");
            return Main.EXIT_INPUT;
        }
        PacketFilter filter;
        try {
            filter = Filter.compile(line.getOptionValue("filter", ""));
        } catch (FilterSyntaxException e) {
            err.println("tunnelscope decode: --filter: " + e.getMessage());
            err.println("  " + e.expression());
            err.println("  " + " ".repeat(e.position()) + "^");
            return Main.EXIT_INPUT;
        }
        if (line.hasOption("include-payload") && !line.hasOption("json")) {
            err.println("tunnelscope decode: --include-payload needs --json");
            return Main.EXIT_INPUT;
        }
        DecodeTables tables;
        long limit;
        List<Path> files;
        List<String> inputProblems = new java.util.ArrayList<>();
        try {
            tables = CommonOptions.tables(line);
            limit = line.hasOption("count") ? Long.parseLong(line.getOptionValue("count")) : Long.MAX_VALUE;
            if (limit <= 0) {
                throw new IllegalArgumentException("--count must be a positive number");
            }
            files = CaptureInputs.expand(line.getArgList(), inputProblems);
        } catch (NumberFormatException e) {
            err.println("tunnelscope decode: --count takes a number: " + line.getOptionValue("count"));
            return Main.EXIT_INPUT;
        } catch (IllegalArgumentException | CaptureInputs.BadInputException e) {
            err.println("tunnelscope decode: " + e.getMessage());
            return Main.EXIT_INPUT;
        }

        ZoneId zone = line.hasOption("utc") ? ZoneOffset.UTC : ZoneId.systemDefault();
        PacketSink sink = line.hasOption("json")
                ? new DecodeJsonWriter(out, line.hasOption("include-payload"))
                : new TextSink(new PacketLineFormatter(zone, line.hasOption("nano")), files.size() > 1);
        PacketDecoder decoder = new PacketDecoder(tables);
        PacketRecord record = new PacketRecord();
        PacketView view = new PacketView();
        inputProblems.forEach(err::println);
        boolean allRead = inputProblems.isEmpty();
        long printed = 0;
        try {
            for (Path file : files) {
                if (printed >= limit) {
                    break;
                }
                TreeMap<Integer, Long> undecoded = new TreeMap<>();
                String name = file.toString();
                sink.beginFile(file);
                String stem = PointNames.stem(file.getFileName().toString());
                try (CaptureReader reader = CaptureReaders.open(file)) {
                    while (printed < limit && reader.next(record)) {
                        LayerStack stack = decoder.decode(record);
                        if (!LinkType.isSupported(record.linkType())) {
                            undecoded.merge(record.linkType(), 1L, Long::sum);
                        }
                        if (!filter.matchesAll() && !filter.matches(view.wrap(stack), record,
                                PointNames.of(stem, reader.interfaces(), record.interfaceId(), stack))) {
                            continue;
                        }
                        sink.packet(file, reader, record, stack);
                        printed++;
                    }
                } catch (CaptureFormatException e) {
                    sink.flush();
                    err.println(e.getMessage());
                    allRead = false;
                } catch (IOException e) {
                    sink.flush();
                    err.println(name + ": " + describe(e));
                    allRead = false;
                }
                undecoded.forEach((type, count) -> err.println(name + ": " + count
                        + " packets of link type " + LinkType.name(type) + " (" + type + ") not decoded"));
            }
        } finally {
            sink.flush();
        }
        return allRead ? Main.EXIT_OK : Main.EXIT_INPUT;
    }

    private static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private void help() {
        HelpFormatter help = new HelpFormatter();
        help.setWidth(100);
        java.io.PrintWriter writer = new java.io.PrintWriter(out);
        help.printHelp(writer, 100, "tunnelscope decode [options] FILE|DIR...",
                "Decodes pcap/pcapng captures (also .gz), unwrapping VXLAN (8472, 4789), flannel UDP "
                        + "(8285), Geneve, IP-in-IP and GRE without being told.\n\n",
                options(), 2, 2, "\nFilter fields: outer.|inner.{src,dst,addr,sport,dport,port,proto,ttl}, "
                        + "src, dst, encap, vni, frame.len, status, point, icmp.type; operators == != < <= > >= "
                        + "in (CIDR or {set}) && || ! ( ).\nExit status: 0 all read, 2 bad usage or an input not fully read.");
        writer.flush();
    }

    /** Where decoded packets go: text lines or JSON Lines. */
    interface PacketSink {
        void beginFile(Path file);

        void packet(Path file, CaptureReader reader, PacketRecord record, LayerStack stack);

        void flush();
    }

    /** tcpdump-like lines; a {@code ==> file <==} header before each file when there are several. */
    private final class TextSink implements PacketSink {
        private final PacketLineFormatter formatter;
        private final boolean headers;
        private final StringBuilder line = new StringBuilder(256);

        TextSink(PacketLineFormatter formatter, boolean headers) {
            this.formatter = formatter;
            this.headers = headers;
        }

        @Override
        public void beginFile(Path file) {
            if (headers) {
                out.println("==> " + file + " <==");
            }
        }

        @Override
        public void packet(Path file, CaptureReader reader, PacketRecord record, LayerStack stack) {
            line.setLength(0);
            formatter.format(record.timestampNanos(), stack, line);
            out.append(line).append('\n');
        }

        @Override
        public void flush() {
            out.flush();
        }
    }
}
