package io.tunnelscope.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import io.tunnelscope.capture.CaptureInterface;
import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.LinkType;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.Encapsulation;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.LayerType;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.flow.FrameAnalysis;
import io.tunnelscope.flow.TcpAnalysis;
import io.tunnelscope.flow.TcpFacts;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code decode --json}: JSON Lines, one object per packet. The keys are a contract that CI users
 * and later features rely on: file, frame, tsNanos, linkType, iface, wireLen, capLen, encap, vni,
 * outer, inner, status, notes, tcp, reassembledFrom. Packet payload is never written unless asked for
 * ({@code --include-payload}: key {@code payload}, the hex of the innermost transport payload,
 * at most {@link #MAX_PAYLOAD} bytes).
 */
final class DecodeJsonWriter implements DecodeCommand.PacketSink {
    /** Most payload bytes written per packet with {@code --include-payload}. */
    static final int MAX_PAYLOAD = 256;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final JsonGenerator json;
    private final PacketView view = new PacketView();
    private final StringBuilder text = new StringBuilder(64);
    private final io.tunnelscope.proto.sll.LinuxSllHeader sll = new io.tunnelscope.proto.sll.LinuxSllHeader();
    private final io.tunnelscope.proto.sll.LinuxSll2Header sll2 = new io.tunnelscope.proto.sll.LinuxSll2Header();

    private final boolean terminateLines;
    private final boolean includePayload;
    private final char[] hex = new char[2 * MAX_PAYLOAD];

    DecodeJsonWriter(OutputStream out) {
        this(out, false, false);
    }

    /**
     * With {@code terminateLines}, every object is followed by its newline at once (a live stream
     * must not hold the last line back until the next object); otherwise objects are separated.
     * With {@code includePayload}, each packet carries its innermost payload as hex.
     */
    DecodeJsonWriter(OutputStream out, boolean terminateLines, boolean includePayload) {
        this.terminateLines = terminateLines;
        this.includePayload = includePayload;
        try {
            json = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)
                    .configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            json.setPrettyPrinter(new MinimalPrettyPrinter(terminateLines ? "" : "\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void beginFile(Path file) {
        // Every object names its file; nothing to announce.
    }

    /** One packet without frame analysis (keys {@code tcp} and {@code reassembledFrom} are null). */
    public void packet(Path file, CaptureReader reader, PacketRecord record, LayerStack stack) {
        packet(file, reader, record, stack, null);
    }

    @Override
    public void packet(Path file, CaptureReader reader, PacketRecord record, LayerStack stack,
                       FrameAnalysis analysis) {
        try {
            write(file, reader, record, stack, analysis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(Path file, CaptureReader reader, PacketRecord record, LayerStack stack,
                       FrameAnalysis analysis) throws IOException {
        view.wrap(stack);
        json.writeStartObject();
        if (file == null) {
            json.writeNullField("file");
        } else {
            json.writeStringField("file", file.getFileName().toString());
        }
        json.writeNumberField("frame", record.frameNumber());
        json.writeNumberField("tsNanos", record.timestampNanos());
        json.writeStringField("linkType", LinkType.name(record.linkType()));
        writeInterface(reader, record, stack);
        writeDirection(stack);
        json.writeNumberField("wireLen", record.originalLength());
        json.writeNumberField("capLen", record.capturedLength());

        json.writeArrayFieldStart("encap");
        for (int n = 0; n < view.encapsulationCount(); n++) {
            json.writeString(Encapsulation.name(view.encapsulation(n)));
        }
        json.writeEndArray();
        long vni = view.vni();
        if (vni < 0) {
            json.writeNullField("vni");
        } else {
            json.writeNumberField("vni", vni);
        }
        writeIp("outer", view.outerIpLayer());
        int inner = view.innerIpLayer();
        // A tunnel that carries no IP (ARP inside VXLAN) has no inner IP header.
        writeIp("inner", view.encapsulationCount() > 0 && inner == view.outerIpLayer() ? -1 : inner);
        json.writeStringField("status", stack.status().jsonName());
        json.writeArrayFieldStart("notes");
        for (int n = 0; n < stack.noteCount(); n++) {
            json.writeString(stack.note(n).describe(stack.noteArgument(n)));
        }
        json.writeEndArray();
        writeAnalysis(analysis);
        if (includePayload) {
            writePayload(stack);
        }
        json.writeEndObject();
        if (terminateLines) {
            json.writeRaw('\n');
        }
    }

    /**
     * Writes {@code value} (maps, lists, records) as one more JSON object of the stream, through
     * {@code mapper}; for the other objects of a stream (the live command's events).
     */
    void event(com.fasterxml.jackson.databind.ObjectMapper mapper, Object value) {
        try {
            mapper.writeValue(json, value);
            if (terminateLines) {
                json.writeRaw('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code tcp}: the TCP analysis ({@code stream}, {@code analysis}: Wireshark's
     * {@code tcp.analysis.*} names without the prefix, {@code ackRttNanos}, {@code ackedFrame})
     * or null without an analysed TCP segment; {@code reassembledFrom}: the frames of the datagram
     * this frame completed (it is shown whole), or null.
     */
    private void writeAnalysis(FrameAnalysis analysis) throws IOException {
        TcpFacts tcp = analysis == null ? null : analysis.tcp();
        if (tcp == null || !tcp.isTcp()) {
            json.writeNullField("tcp");
        } else {
            json.writeObjectFieldStart("tcp");
            json.writeNumberField("stream", tcp.stream());
            json.writeArrayFieldStart("analysis");
            for (int k = 0; k < TCP_FLAG_NAMES.length; k++) {
                if (tcp.has(TcpAnalysis.FLAGS.get(k).bit())) {
                    json.writeString(TCP_FLAG_NAMES[k]);
                }
            }
            json.writeEndArray();
            writeOptionalLong("ackRttNanos", tcp.ackRttNanos());
            writeOptionalLong("ackedFrame", tcp.ackRttNanos() > 0 ? tcp.ackedFrame() : -1);
            json.writeEndObject();
        }
        int fragments = analysis == null ? 0 : analysis.reassembler().lastFragmentCount();
        if (fragments == 0) {
            json.writeNullField("reassembledFrom");
        } else {
            json.writeArrayFieldStart("reassembledFrom");
            for (int k = 0; k < fragments; k++) {
                json.writeNumber(analysis.reassembler().lastFragmentFrame(k));
            }
            json.writeEndArray();
        }
    }

    /** The flags' names without {@code tcp.analysis.}, in {@link TcpAnalysis#FLAGS} order. */
    private static final String[] TCP_FLAG_NAMES = TcpAnalysis.FLAGS.stream()
            .map(f -> f.field().substring("tcp.analysis.".length())).toArray(String[]::new);

    /** Linux cooked v1/v2 packet type as tcpdump names it ({@code In}, {@code Out}...), else null. */
    private void writeDirection(LayerStack stack) throws IOException {
        int type = -1;
        if (stack.count() > 0 && stack.type(0) == LayerType.LINUX_SLL && stack.headerLength(0) >= 16) {
            type = sll.wrap(stack.buffer(), stack.offset(0), stack.headerLength(0)).packetType();
        } else if (stack.count() > 0 && stack.type(0) == LayerType.LINUX_SLL2 && stack.headerLength(0) >= 20) {
            type = sll2.wrap(stack.buffer(), stack.offset(0), stack.headerLength(0)).packetType();
        }
        if (type < 0) {
            json.writeNullField("direction");
        } else {
            json.writeStringField("direction", PACKET_TYPES[Math.min(type, PACKET_TYPES.length - 1)]);
        }
    }

    /** Linux's PACKET_* packet types (if_packet.h), as tcpdump prints them. */
    private static final String[] PACKET_TYPES = {"host", "broadcast", "multicast", "otherhost", "outgoing",
        "loopback", "user", "kernel", "unknown"};

    /**
     * {@code payload}: hex of the captured payload of the innermost transport header (UDP, TCP,
     * ICMP), else of the innermost IP header, at most {@link #MAX_PAYLOAD} bytes; null when there
     * is neither.
     */
    private void writePayload(LayerStack stack) throws IOException {
        int inner = view.innerIpLayer();
        int transport = view.transportLayer(inner);
        int layer = transport >= 0 ? transport : inner;
        if (layer < 0) {
            json.writeNullField("payload");
            return;
        }
        int capEnd = stack.start() + stack.capturedLength();
        int from = Math.min(stack.payloadOffset(layer), capEnd);
        int to = Math.min(Math.min(stack.end(layer), capEnd), from + MAX_PAYLOAD);
        int n = 0;
        for (int i = from; i < to; i++) {
            int b = stack.buffer().get(i) & 0xff;
            hex[n++] = HEX[b >>> 4];
            hex[n++] = HEX[b & 15];
        }
        json.writeFieldName("payload");
        json.writeString(hex, 0, n);
    }

    /** pcapng interface name (or id), the SLL2 interface index, else null. */
    private void writeInterface(CaptureReader reader, PacketRecord record, LayerStack stack)
            throws IOException {
        int id = record.interfaceId();
        if (id >= 0) {
            List<CaptureInterface> interfaces = reader.interfaces();
            String name = id < interfaces.size() ? interfaces.get(id).name() : null;
            if (name != null) {
                json.writeStringField("iface", name);
            } else {
                json.writeStringField("iface", Integer.toString(id));
            }
            return;
        }
        int sll2 = stack.indexOf(LayerType.LINUX_SLL2);
        if (sll2 >= 0 && stack.headerLength(sll2) >= 8) {
            json.writeStringField("iface", Integer.toString(stack.buffer().getInt(stack.offset(sll2) + 4)));
            return;
        }
        json.writeNullField("iface");
    }

    private void writeIp(String key, int ip) throws IOException {
        if (ip < 0) {
            json.writeNullField(key);
            return;
        }
        json.writeObjectFieldStart(key);
        text.setLength(0);
        view.appendSource(ip, text);
        json.writeStringField("src", text.toString());
        text.setLength(0);
        view.appendDestination(ip, text);
        json.writeStringField("dst", text.toString());
        int protocol = view.ipProtocol(ip);
        String name = io.tunnelscope.decode.IpProtocols.name(protocol);
        if (name != null) {
            json.writeStringField("proto", name);
        } else {
            json.writeNumberField("proto", protocol);
        }
        int transport = view.transportLayer(ip);
        writeOptionalInt("sport", transport < 0 ? -1 : view.sourcePort(transport));
        writeOptionalInt("dport", transport < 0 ? -1 : view.destinationPort(transport));
        writeOptionalLong("ipId", view.ipId(ip));
        json.writeNumberField("ttl", view.ttl(ip));
        json.writeEndObject();
    }

    private void writeOptionalLong(String key, long value) throws IOException {
        if (value < 0) {
            json.writeNullField(key);
        } else {
            json.writeNumberField(key, value);
        }
    }

    private void writeOptionalInt(String key, int value) throws IOException {
        if (value < 0) {
            json.writeNullField(key);
        } else {
            json.writeNumberField(key, value);
        }
    }


    @Override
    public void flush() {
        try {
            json.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
