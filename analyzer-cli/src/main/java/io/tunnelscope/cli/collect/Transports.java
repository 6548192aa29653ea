package io.tunnelscope.cli.collect;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The transports {@code --node NAME=TRANSPORT} names: {@code ssh:[user@]host[:port]},
 * {@code kubectl:NODE}, {@code exec:COMMAND PREFIX} and {@code local}.
 */
public final class Transports {
    private Transports() {
    }

    /** Settings shared by the transports of one run. */
    public static final class Settings {
        /** The image of {@code kubectl debug} (needs tcpdump, iproute2, iptables; e.g. nicolaka/netshoot). */
        public String image;
        /** An ssh client configuration file ({@code ssh -F}), or null for the user's own. */
        public Path sshConfig;
        /** How long setting a node up may take (a debug pod's image pull), seconds. */
        public int setUpSeconds = 120;
    }

    /**
     * Parses one transport.
     *
     * @throws IllegalArgumentException saying what is wrong with the spec
     */
    public static Transport parse(String spec, Settings settings) {
        if (spec.equals("local")) {
            return new ExecTransport(spec, List.of());
        }
        if (spec.startsWith("exec:")) {
            List<String> prefix = ShellWords.split(spec.substring("exec:".length()));
            if (prefix.isEmpty()) {
                throw new IllegalArgumentException("exec: needs a command prefix, e.g. exec:'ip netns exec host1'");
            }
            return new ExecTransport(spec, prefix);
        }
        if (spec.startsWith("ssh:")) {
            String target = spec.substring("ssh:".length());
            String port = null;
            int colon = target.lastIndexOf(':');
            if (colon >= 0 && target.indexOf(']') < colon && target.indexOf(':') == colon) {
                port = target.substring(colon + 1);
                target = target.substring(0, colon);
                if (!port.matches("\\d{1,5}") || Integer.parseInt(port) == 0 || Integer.parseInt(port) > 65535) {
                    throw new IllegalArgumentException("bad ssh port '" + port + "' in " + spec);
                }
            }
            if (target.startsWith("[") && target.endsWith("]")) {
                target = target.substring(1, target.length() - 1);
            }
            if (target.isEmpty() || target.startsWith("-") || target.startsWith("@") || target.endsWith("@")
                    || target.chars().anyMatch(ch -> Character.isWhitespace(ch) || Character.isISOControl(ch))) {
                throw new IllegalArgumentException("bad ssh destination in " + spec + " (ssh:[user@]host[:port])");
            }
            return new SshTransport(spec, target, port, settings.sshConfig);
        }
        if (spec.startsWith("kubectl:")) {
            String node = spec.substring("kubectl:".length());
            if (!node.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")) {
                throw new IllegalArgumentException("bad Kubernetes node name in " + spec);
            }
            if (settings.image == null) {
                throw new IllegalArgumentException(spec + ": kubectl nodes need --image IMAGE, one with tcpdump, "
                        + "iproute2 and iptables (e.g. nicolaka/netshoot)");
            }
            return new KubectlTransport(spec, node, settings.image, settings.setUpSeconds);
        }
        throw new IllegalArgumentException("unknown transport '" + spec
                + "' (ssh:[user@]host[:port], kubectl:NODE, exec:'COMMAND PREFIX', local)");
    }

    /** {@code prefix... sh -c script name args...}: a prefix that runs its arguments as a command. */
    static final class ExecTransport implements Transport {
        private final String spec;
        private final List<String> prefix;

        ExecTransport(String spec, List<String> prefix) {
            this.spec = spec;
            this.prefix = List.copyOf(prefix);
        }

        @Override
        public String spec() {
            return spec;
        }

        @Override
        public List<String> command(String script, String name, List<String> args) {
            List<String> command = new ArrayList<>(prefix);
            command.addAll(List.of("sh", "-c", script, name));
            command.addAll(args);
            return command;
        }
    }

    /**
     * The system's {@code ssh} with the user's keys, agent and {@code ~/.ssh/config}; batch mode (no
     * password prompt: a node that wants one fails with ssh's message). ssh joins its arguments into
     * one remote command line, so each word is quoted for the remote shell.
     */
    static final class SshTransport implements Transport {
        private final String spec;
        private final String destination;
        private final String port;
        private final Path config;

        SshTransport(String spec, String destination, String port, Path config) {
            this.spec = spec;
            this.destination = destination;
            this.port = port;
            this.config = config;
        }

        @Override
        public String spec() {
            return spec;
        }

        @Override
        public String ownTraffic() {
            return "ssh";
        }

        @Override
        public List<String> command(String script, String name, List<String> args) {
            List<String> command = new ArrayList<>(List.of("ssh", "-T", "-o", "BatchMode=yes", "-o",
                    "ConnectTimeout=15", "-o", "ServerAliveInterval=10"));
            if (config != null) {
                command.addAll(List.of("-F", config.toString()));
            }
            if (port != null) {
                command.addAll(List.of("-p", port));
            }
            command.add("--");
            command.add(destination);
            List<String> remote = new ArrayList<>(List.of("sh", "-c", script, name));
            remote.addAll(args);
            command.add(ShellWords.join(remote));
            return command;
        }
    }
}
