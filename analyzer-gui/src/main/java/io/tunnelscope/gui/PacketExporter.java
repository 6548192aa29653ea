package io.tunnelscope.gui;

import io.tunnelscope.capture.CaptureInterface;
import io.tunnelscope.capture.PcapngWriter;
import io.tunnelscope.decode.DecodeAs;
import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.Protocols;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * File → Export packets: writes packets to a pcapng file with one interface per capture point
 * (named as the point, described by the file and interface it came from), in the list's order
 * (packet number), each packet with a comment naming it ({@code No. 342, host1-ens33 frame 4}),
 * and the section commented with what was exported and the comments of the files it came from.
 * Ignored packets are left out, as Wireshark leaves them out. Also opens packets in Wireshark.
 */
final class PacketExporter {
    /** Which packets: the ones the list shows, the selected ones, the marked ones. */
    enum Scope {
        DISPLAYED("All displayed packets"), SELECTED("Selected packets"), MARKED("Marked packets");

        private final String label;

        Scope(String label) {
            this.label = label;
        }

        /** How the export dialog names it. */
        String label() {
            return label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    private PacketExporter() {
    }

    /** The packets of a scope, in number order, ignored ones left out. */
    static int[] packets(Session session, Scope scope, int[] displayed, int[] selected) {
        int[] chosen = switch (scope) {
            case DISPLAYED -> displayed;
            case SELECTED -> selected;
            case MARKED -> session.marked().stream().toArray();
        };
        return Arrays.stream(chosen).filter(i -> !session.ignored().get(i))
                .boxed().sorted((a, b) -> Integer.compare(session.number(a), session.number(b)))
                .mapToInt(Integer::intValue).toArray();
    }

    /**
     * Writes {@code packets} to {@code target}.
     *
     * @return the packets written (fewer when cancelled)
     * @throws IOException naming the file that could not be written or read
     */
    static long export(Session session, int[] packets, Path target, String what, BooleanSupplier cancelled)
            throws IOException {
        PacketStore store = session.store();
        List<CaptureInterface> interfaces = new ArrayList<>();
        for (int p = 0; p < store.points().size(); p++) {
            PacketStore.Point point = store.points().get(p);
            String from = "from " + store.files().get(point.file()).getFileName()
                    + (point.interfaceName() != null ? " interface " + point.interfaceName() : "");
            interfaces.add(new CaptureInterface(p, point.linkType(), point.name(), from, 0, 1_000_000_000L));
        }
        List<String> comments = new ArrayList<>();
        comments.add("Exported by Tunnelscope: " + packets.length + " packets (" + what + ") of "
                + String.join(", ", store.files().stream().map(f -> f.getFileName().toString()).toList()));
        for (int f = 0; f < store.files().size(); f++) {
            for (String c : store.comments().get(f)) {
                comments.add(store.files().get(f).getFileName() + ": " + c);
            }
        }
        PacketBytes bytes = new PacketBytes(store, true);
        long written = 0;
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (PcapngWriter writer = new PcapngWriter(target, interfaces, comments)) {
            for (int i : packets) {
                if ((written & 0x3FF) == 0 && cancelled.getAsBoolean()) {
                    break;
                }
                bytes.locate(i);
                writer.write(store.pointIndex(i), store.timestamp(i), bytes.buffer(), bytes.offset(),
                        store.capturedLength(i), store.wireLength(i),
                        "No. " + session.number(i) + ", " + store.point(i).name() + " frame " + store.frame(i));
                written++;
            }
        } catch (IOException e) {
            throw new IOException(target + ": " + e.getMessage(), e);
        }
        return written;
    }

    /** The Wireshark to run: the {@code tunnelscope.gui.wireshark} property, else {@code wireshark} on the PATH; null when none. */
    static String wireshark() {
        String configured = System.getProperty("tunnelscope.gui.wireshark");
        if (configured != null && !configured.isBlank()) {
            return Files.isExecutable(Path.of(configured)) ? configured : null;
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "wireshark"))) {
                return Path.of(dir, "wireshark").toString();
            }
        }
        return null;
    }

    /**
     * The command that opens {@code file} in Wireshark with the session's tunnels decoded as here
     * ({@code -d udp.port==8472,vxlan}, the UDP backend's port as IP, the decode-as overrides).
     */
    static List<String> wiresharkCommand(String wireshark, Session session, Path file) {
        List<String> command = new ArrayList<>(List.of(wireshark, "-r", file.toString()));
        // Every UDP port of the registry, so that Wireshark decodes the tunnels as the list does
        // (it knows 4789 and 6081 itself, not flannel's 8472 and 8285).
        for (ProtocolDescriptor p : Protocols.decodeAsTargets()) {
            for (int port : p.udpPorts()) {
                command.add("-d");
                command.add("udp.port==" + port + "," + p.wiresharkName());
            }
        }
        for (DecodeAs d : session.decodeAs()) {
            command.add("-d");
            command.add("udp.port==" + d.port() + "," + d.protocol().wiresharkName());
        }
        return command;
    }
}
