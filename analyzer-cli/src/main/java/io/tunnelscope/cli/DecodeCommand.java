package io.tunnelscope.cli;

import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.IpReassembler;
import io.tunnelscope.decode.PacketLineFormatter;
import io.tunnelscope.escape.Escape;
import io.tunnelscope.filter.Filter;
import io.tunnelscope.filter.FilterSyntaxException;
import io.tunnelscope.flow.TcpAnalysis;
import io.tunnelscope.flow.TcpFacts;
import io.tunnelscope.proto.Protocols;
import io.tunnelscope.state.AddressNames;
import java.io.PrintStream;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Supplier;
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
        CommonOptions.addNames(options);
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
            err.println("tunnelscope decode: " + Escape.terminal(e.getMessage()));
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
        String filterExpression = line.getOptionValue("filter", "");
        AddressNames names;
        try {
            names = AddressNames.from(CommonOptions.state(line));
        } catch (IllegalArgumentException e) {
            err.println("tunnelscope decode: " + Escape.terminal(e.getMessage()));
            return Main.EXIT_INPUT;
        }
        try {
            Filter.compile(filterExpression, names);
        } catch (FilterSyntaxException e) {
            err.println("tunnelscope decode: --filter: " + Escape.terminal(e.getMessage()));
            err.println("  " + Escape.terminal(e.expression()));
            err.println("  " + " ".repeat(e.position()) + "^");
            return Main.EXIT_INPUT;
        }
        if (line.hasOption("include-payload") && !line.hasOption("json")) {
            err.println("tunnelscope decode: --include-payload needs --json");
            return Main.EXIT_INPUT;
        }
        DecodeTables tables;
        long limit;
        List<CaptureInputs.Input> inputs;
        List<String> inputProblems = new java.util.ArrayList<>();
        try {
            tables = CommonOptions.tables(line);
            limit = line.hasOption("count") ? Long.parseLong(line.getOptionValue("count")) : Long.MAX_VALUE;
            if (limit <= 0) {
                throw new IllegalArgumentException("--count must be a positive number");
            }
            inputs = CaptureInputs.expand(line.getArgList(), inputProblems);
        } catch (NumberFormatException e) {
            err.println("tunnelscope decode: --count takes a number: " + Escape.terminal(line.getOptionValue("count")));
            return Main.EXIT_INPUT;
        } catch (IllegalArgumentException | CaptureInputs.BadInputException e) {
            err.println("tunnelscope decode: " + Escape.terminal(e.getMessage()));
            return Main.EXIT_INPUT;
        }

        ZoneId zone = line.hasOption("utc") ? ZoneOffset.UTC : ZoneId.systemDefault();
        boolean nanos = line.hasOption("nano");
        boolean includePayload = line.hasOption("include-payload");
        boolean json = line.hasOption("json");
        // With names (--k8s, a collected directory) lines are annotated as they are written.
        PrintStream printed = names.isEmpty() ? out : json
                ? AddressText.lines(out, object -> JsonNames.annotateLine(object, names)) : AddressText.naming(out, names);
        Supplier<DecodePipeline.PacketFormat> formats = json ? () -> jsonLines(includePayload)
                : () -> textLines(zone, nanos);
        inputProblems.forEach(problem -> err.println(Escape.terminal(problem)));
        // Every line ends with its newline, the last one too (JSON Lines concatenate).
        DecodePipeline pipeline = new DecodePipeline(tables, filterExpression, names, formats,
                DecodePipeline.defaultWorkers(), !json && inputs.size() > 1, true, printed, err);
        boolean allRead = pipeline.run(inputs, limit);
        printed.flush();
        return allRead && inputProblems.isEmpty() ? Main.EXIT_OK : Main.EXIT_INPUT;
    }

    /** tcpdump-like lines (one formatter per decoding thread), with what the frame analysis adds. */
    private static DecodePipeline.PacketFormat textLines(ZoneId zone, boolean nanos) {
        PacketLineFormatter formatter = new PacketLineFormatter(zone, nanos);
        StringBuilder text = new StringBuilder(256);
        return (file, interfaces, record, stack, tcp, reassembled, out) -> {
            text.setLength(0);
            formatter.format(record.timestampNanos(), stack, text);
            appendAnalysis(tcp, reassembled, text);
            out.appendUtf8(text).append((byte) '\n');
        };
    }

    /** JSON Lines (one writer per decoding thread). */
    private static DecodePipeline.PacketFormat jsonLines(boolean includePayload) {
        DecodeJsonWriter writer = new DecodeJsonWriter(includePayload);
        return (file, interfaces, record, stack, tcp, reassembled, out) -> {
            writer.appendPacket(file, interfaces, record, stack, tcp, reassembled, out);
            out.append((byte) '\n');
        };
    }

    /**
     * Appends what the frame analysis adds to a line: the TCP analysis as Wireshark labels it
     * ({@code [TCP Retransmission]}), the ACK's RTT, and the frames a reassembled datagram came
     * from ({@code reassembled}: the reassembler that completed it in this frame, or null).
     */
    static void appendAnalysis(TcpFacts tcp, IpReassembler reassembled, StringBuilder line) {
        if (tcp.flags() != 0) {
            line.append(' ');
            TcpAnalysis.appendLabels(tcp.flags(), tcp.duplicateAckNumber(), line);
        }
        if (tcp.ackRttNanos() > 0) {
            line.append(" [ack rtt ");
            appendMicros(tcp.ackRttNanos(), line);
            line.append(" for frame ").append(tcp.ackedFrame()).append(']');
        }
        int fragments = reassembled == null ? 0 : reassembled.lastFragmentCount();
        if (fragments > 0) {
            line.append(" [reassembled from frames");
            for (int k = 0; k < fragments; k++) {
                line.append(k == 0 ? " " : ", ").append(reassembled.lastFragmentFrame(k));
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

    private void help() {
        HelpFormatter help = new HelpFormatter();
        help.setWidth(100);
        java.io.PrintWriter writer = new java.io.PrintWriter(out);
        help.printHelp(writer, 100, "tunnelscope decode [options] FILE|DIR...",
                "Decodes pcap/pcapng captures (also .gz), unwrapping the tunnels without being told: "
                        + Protocols.tunnelSummary() + ".\n\n",
                options(), 2, 2, "\nIP fragments are reassembled per capture point (the frame that completes a "
                        + "datagram shows all of it) and TCP is analysed per capture point as Wireshark does "
                        + "([TCP Retransmission], [TCP Dup ACK #2], ... at the end of the line; JSON: key tcp).\n"
                        + "Filter fields: outer.|inner.{src,dst,addr,sport,dport,port,proto,ttl}, "
                        + "src, dst, encap, vni, status, point, and Wireshark's names (frame.len, ip.src, ip.flags.df, "
                        + "udp.port, tcp.flags.syn, tcp.analysis.retransmission, tcp.analysis.ack_rtt, icmp.type, "
                        + "vxlan.vni, eth.addr, ...); with names (--k8s, a collected directory) pod, service, node, namespace; "
                        + "operators == != < <= > >= in (CIDR or {set}) && || ! ( ).\n"
                        + "Exit status: 0 all read, 2 bad usage or an input not fully read.");
        writer.flush();
    }
}
