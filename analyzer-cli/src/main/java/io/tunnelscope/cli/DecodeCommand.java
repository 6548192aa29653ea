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
import io.tunnelscope.collect.LongObjectMap;
import io.tunnelscope.collect.NameIds;
import io.tunnelscope.decode.IpReassembler;
import io.tunnelscope.filter.Filter;
import io.tunnelscope.filter.FilterInput;
import io.tunnelscope.filter.FilterSyntaxException;
import io.tunnelscope.filter.PacketFilter;
import io.tunnelscope.flow.FrameAnalysis;
import io.tunnelscope.flow.TcpAnalysis;
import io.tunnelscope.flow.TcpFacts;
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
                ? new DecodeJsonWriter(out, false, line.hasOption("include-payload"))
                : new TextSink(new PacketLineFormatter(zone, line.hasOption("nano")), files.size() > 1);
        PacketDecoder decoder = new PacketDecoder(tables);
        PacketRecord record = new PacketRecord();
        FilterInput filterInput = new FilterInput();
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
                FrameAnalysis analysis = new FrameAnalysis(tables);
                FilePoints points = new FilePoints(stem);
                try (CaptureReader reader = CaptureReaders.open(file)) {
                    while (printed < limit && reader.next(record)) {
                        LayerStack decoded = decoder.decode(record);
                        if (!LinkType.isSupported(record.linkType())) {
                            undecoded.merge(record.linkType(), 1L, Long::sum);
                        }
                        int point = points.id(reader, record, decoded);
                        PacketView view = analysis.analyze(point, decoded, record.frameNumber(),
                                record.timestampNanos());
                        if (!filter.matchesAll() && !filter.matches(view, filterInput.frame(record.frameNumber(),
                                record.timestampNanos(), record.originalLength(), record.capturedLength())
                                .point(points.name(point)).tcp(analysis.tcp()).reassembled(analysis.reassembler()))) {
                            continue;
                        }
                        sink.packet(file, reader, record, view.stack(), analysis);
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
                options(), 2, 2, "\nIP fragments are reassembled per capture point (the frame that completes a "
                        + "datagram shows all of it) and TCP is analysed per capture point as Wireshark does "
                        + "([TCP Retransmission], [TCP Dup ACK #2], ... at the end of the line; JSON: key tcp).\n"
                        + "Filter fields: outer.|inner.{src,dst,addr,sport,dport,port,proto,ttl}, "
                        + "src, dst, encap, vni, status, point, and Wireshark's names (frame.len, ip.src, ip.flags.df, "
                        + "udp.port, tcp.flags.syn, tcp.analysis.retransmission, tcp.analysis.ack_rtt, icmp.type, "
                        + "vxlan.vni, eth.addr, ...); operators == != < <= > >= in (CIDR or {set}) && || ! ( ).\n"
                        + "Exit status: 0 all read, 2 bad usage or an input not fully read.");
        writer.flush();
    }

    /** Where decoded packets go: text lines or JSON Lines. */
    interface PacketSink {
        void beginFile(Path file);

        /**
         * One packet; {@code stack} is what to show (a datagram reassembled in this frame, or the
         * frame), {@code analysis} its TCP analysis and reassembly (null when not analysed).
         */
        void packet(Path file, CaptureReader reader, PacketRecord record, LayerStack stack, FrameAnalysis analysis);

        void flush();
    }

    /**
     * The capture points of one file as small numbers for the frame analysis: 0 for a file that is
     * one point; otherwise named as {@link PointNames} names them, once per interface.
     */
    static final class FilePoints {
        private final String stem;
        private final NameIds ids = new NameIds();
        private final LongObjectMap<Integer> byInterface = new LongObjectMap<>();
        private final int whole;

        FilePoints(String stem) {
            this.stem = stem;
            this.whole = ids.id(stem);
        }

        int id(CaptureReader reader, PacketRecord record, LayerStack stack) {
            int ifIndex = PointNames.sll2IfIndex(stack);
            if (ifIndex < 0 && reader.interfaces().size() <= 1) {
                return whole;
            }
            long key = (long) record.interfaceId() << 32 | (ifIndex & 0xFFFF_FFFFL);
            Integer id = byInterface.get(key);
            if (id == null) {
                id = ids.id(PointNames.of(stem, reader.interfaces(), record.interfaceId(), ifIndex));
                byInterface.put(key, id);
            }
            return id;
        }

        String name(int id) {
            return ids.name(id);
        }
    }

    /**
     * Appends what the frame analysis adds to a line: the TCP analysis as Wireshark labels it
     * ({@code [TCP Retransmission]}), the ACK's RTT, and the frames a reassembled datagram came from.
     */
    static void appendAnalysis(FrameAnalysis analysis, StringBuilder line) {
        TcpFacts tcp = analysis.tcp();
        if (tcp.flags() != 0) {
            line.append(' ');
            TcpAnalysis.appendLabels(tcp.flags(), tcp.duplicateAckNumber(), line);
        }
        if (tcp.ackRttNanos() > 0) {
            line.append(" [ack rtt ");
            appendMicros(tcp.ackRttNanos(), line);
            line.append(" for frame ").append(tcp.ackedFrame()).append(']');
        }
        IpReassembler reassembler = analysis.reassembler();
        int fragments = reassembler.lastFragmentCount();
        if (fragments > 0) {
            line.append(" [reassembled from frames");
            for (int k = 0; k < fragments; k++) {
                line.append(k == 0 ? " " : ", ").append(reassembler.lastFragmentFrame(k));
            }
            line.append(']');
        }
    }

    /** Microseconds with three decimals ({@code 312.021 µs}) or milliseconds from 10 ms on. */
    private static void appendMicros(long nanos, StringBuilder out) {
        if (nanos >= 10_000_000L) {
            out.append(nanos / 1_000_000L).append('.');
            long fraction = nanos / 1000 % 1000;
            out.append(fraction < 100 ? fraction < 10 ? "00" : "0" : "").append(fraction).append(" ms");
        } else {
            out.append(nanos / 1000).append('.');
            long fraction = nanos % 1000;
            out.append(fraction < 100 ? fraction < 10 ? "00" : "0" : "").append(fraction).append(" µs");
        }
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
        public void packet(Path file, CaptureReader reader, PacketRecord record, LayerStack stack,
                           FrameAnalysis analysis) {
            line.setLength(0);
            formatter.format(record.timestampNanos(), stack, line);
            if (analysis != null) {
                appendAnalysis(analysis, line);
            }
            out.append(line).append('\n');
        }

        @Override
        public void flush() {
            out.flush();
        }
    }
}
