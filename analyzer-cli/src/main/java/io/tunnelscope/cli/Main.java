package io.tunnelscope.cli;

import io.tunnelscope.escape.Escape;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * The {@code tunnelscope} command. Sub-commands: {@code decode}; more arrive with their issues.
 * Exit codes: 0 success, 1 findings at or above the threshold (report), 2 bad usage or input that
 * could not be fully read.
 */
public final class Main {
    /** Exit code: everything read and nothing to complain about. */
    public static final int EXIT_OK = 0;
    /** Exit code: findings at or above the chosen severity. */
    public static final int EXIT_FINDINGS = 1;
    /** Exit code: bad usage, an input that could not be (fully) read, or an internal error. */
    public static final int EXIT_INPUT = 2;

    private final PrintStream out;
    private final PrintStream err;

    public Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false);
        int code = new Main(out, System.err).run(args);
        out.flush();
        System.exit(code);
    }

    /** Runs one command line and returns its exit code. */
    public int run(String[] args) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            usage(args.length == 0 ? err : out);
            return args.length == 0 ? EXIT_INPUT : EXIT_OK;
        }
        try {
            return dispatch(args);
        } catch (RuntimeException e) {
            // A bug must not pass for findings (exit 1) in CI: say so, exit 2, keep the trace.
            err.println("tunnelscope: internal error (please report it): " + Escape.terminal(String.valueOf(e)));
            e.printStackTrace(err);
            return EXIT_INPUT;
        }
    }

    private int dispatch(String[] args) {
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "decode":
                return new DecodeCommand(out, err).run(rest);
            case "correlate":
                return new CorrelateCommand(out, err).run(rest);
            case "report":
                return new ReportCommand(out, err).run(rest);
            case "live":
                return new LiveCommand(out, err).run(rest);
            case "collect":
                return new CollectCommand(out, err).run(rest);
            case "--version":
            case "version":
                out.println("tunnelscope " + version());
                return EXIT_OK;
            default:
                err.println("tunnelscope: unknown command '" + Escape.terminal(args[0]) + "'");
                usage(err);
                return EXIT_INPUT;
        }
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    private static void usage(PrintStream s) {
        s.println("usage: tunnelscope <command> [options] FILE|DIR...");
        s.println();
        s.println("commands:");
        s.println("  decode     one line per packet, outer and inner headers together (--json for JSON Lines)");
        s.println("  correlate  follow packets across capture points and hosts: paths, NAT, tunnels, topology");
        s.println("  report     findings (NAT of pod traffic, MTU trouble, offload, loss) as text, JSON, JUnit, HTML");
        s.println("  live       capture on interfaces now: decoded lines, running correlation, --write pcapng");
        s.println("  collect    capture on several nodes at once (ssh, kubectl, exec, local) with their network state");
        s.println("  version    print the version");
        s.println();
        s.println("'tunnelscope <command> --help' describes a command's options.");
    }
}
