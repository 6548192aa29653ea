package io.tunnelscope.cli;

import io.tunnelscope.capture.CaptureInterface;
import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.LinkType;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.collect.LongObjectMap;
import io.tunnelscope.decode.Encapsulation;
import io.tunnelscope.decode.IpProtocols;
import io.tunnelscope.decode.IpReassembler;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.LayerStatus;
import io.tunnelscope.decode.LayerType;
import io.tunnelscope.decode.Note;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.flow.TcpAnalysis;
import io.tunnelscope.flow.TcpFacts;
import io.tunnelscope.proto.geneve.GeneveHeader;
import io.tunnelscope.proto.sll.LinuxSll2Header;
import io.tunnelscope.proto.sll.LinuxSllHeader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code decode --json}: JSON Lines, one object per packet. The keys are a contract that CI users
 * and later features rely on: file, frame, tsNanos, linkType, iface, direction, wireLen, capLen,
 * encap, vni, outer, inner, status, notes, tcp, reassembledFrom. Packet payload is never written unless asked for
 * ({@code --include-payload}: key {@code payload}, the hex of the innermost transport payload,
 * at most {@link #MAX_PAYLOAD} bytes).
 *
 * <p>An object is written as UTF-8 bytes straight into a {@link LineBuffer}
 * ({@link #appendPacket}), without a JSON library and without allocating per packet: the file
 * and interface names (which come from the capture; {@link LineBuffer#appendJsonString} escapes what JSON and a
 * terminal need) are
 * encoded once per file and interface, notes, link types and statuses once each. One instance
 * per thread. The same instance also serves as a sink of its own ({@link #packet}, for
 * {@code live --json}), writing its buffer to a stream.
 */
final class DecodeJsonWriter {
    /** Most payload bytes written per packet with {@code --include-payload}. */
    static final int MAX_PAYLOAD = 256;
    /** Distinct notes (note and argument), and link types, whose JSON is kept for reuse. */
    private static final int NOTE_CACHE = 4096;
    private static final byte[] NULL = ascii("null");
    private static final byte[][] STATUS_JSON = new byte[LayerStatus.values().length][];

    static {
        for (LayerStatus status : LayerStatus.values()) {
            STATUS_JSON[status.ordinal()] = jsonBytes(status.jsonName());
        }
    }
    // Keys with their quotes and colon; NEXT_ also with the comma after the value before.
    private static final byte[] NEXT_CAP_LEN = ascii(",\"capLen\":");
    private static final byte[] NEXT_DIRECTION = ascii(",\"direction\":");
    private static final byte[] NEXT_DPORT = ascii(",\"dport\":");
    private static final byte[] NEXT_DST = ascii(",\"dst\":");
    private static final byte[] NEXT_ENCAP = ascii(",\"encap\":");
    private static final byte[] FIRST_FILE = ascii("\"file\":");
    private static final byte[] NEXT_FRAME = ascii(",\"frame\":");
    private static final byte[] NEXT_IFACE = ascii(",\"iface\":");
    private static final byte[] NEXT_INNER = ascii(",\"inner\":");
    private static final byte[] NEXT_IP_ID = ascii(",\"ipId\":");
    private static final byte[] NEXT_LINK_TYPE = ascii(",\"linkType\":");
    private static final byte[] NEXT_NOTES = ascii(",\"notes\":");
    private static final byte[] NEXT_OUTER = ascii(",\"outer\":");
    private static final byte[] NEXT_PAYLOAD = ascii(",\"payload\":");
    private static final byte[] NEXT_PROTO = ascii(",\"proto\":");
    private static final byte[] NEXT_SPORT = ascii(",\"sport\":");
    private static final byte[] FIRST_SRC = ascii("\"src\":");
    private static final byte[] NEXT_STATUS = ascii(",\"status\":");
    private static final byte[] NEXT_TS_NANOS = ascii(",\"tsNanos\":");
    private static final byte[] NEXT_TTL = ascii(",\"ttl\":");
    private static final byte[] NEXT_VNI = ascii(",\"vni\":");
    private static final byte[] NEXT_WIRE_LEN = ascii(",\"wireLen\":");

    private final GeneveHeader geneve = new GeneveHeader();
    private final PacketView view = new PacketView();
    private final StringBuilder text = new StringBuilder(64);
    private final LinuxSllHeader sll = new LinuxSllHeader();
    private final LinuxSll2Header sll2 = new LinuxSll2Header();
    private final boolean includePayload;
    private final LongObjectMap<byte[]> notes = new LongObjectMap<>();
    private final LongObjectMap<byte[]> linkTypes = new LongObjectMap<>();

    private Path namedFile;
    private byte[] fileJson = NULL;
    private List<CaptureInterface> namedInterfaces;
    private byte[][] interfaceJson = new byte[0][];

    // Sink state (live): where packet() writes.
    private final OutputStream out;
    private final LineBuffer buffer;

    /** An encoder for {@link #appendPacket}; no stream of its own. */
    DecodeJsonWriter(boolean includePayload) {
        this(null, includePayload);
    }

    /**
     * A sink writing to {@code out}. Every object is followed by its newline at once, the last one
     * too (JSON Lines: two outputs concatenated stay one object per line, and a live stream never
     * holds a line back until the next object). With {@code includePayload}, each packet carries
     * its innermost payload as hex.
     */
    DecodeJsonWriter(OutputStream out, boolean includePayload) {
        this.out = out;
        this.includePayload = includePayload;
        this.buffer = out == null ? null : new LineBuffer(1 << 16);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes the packet's object without frame analysis (keys {@code tcp} and {@code reassembledFrom} null). */
    void packet(Path file, CaptureReader reader, PacketRecord record, LayerStack stack) {
        appendPacket(file, reader.interfaces(), record, stack, null, null, buffer);
        afterObject();
    }

    /**
     * Writes {@code value} (maps, lists, records) as one more JSON object of the stream, through
     * {@code mapper}; for the other objects of a stream (the live command's events).
     */
    void event(com.fasterxml.jackson.databind.ObjectMapper mapper, Object value) {
        try {
            byte[] json = mapper.writeValueAsBytes(value);
            buffer.append(json);
            afterObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void afterObject() {
        buffer.append((byte) '\n');
        if (buffer.length() >= 1 << 16) {
            drain();
        }
    }

    private void drain() {
        try {
            buffer.writeTo(out, 0, buffer.length());
            buffer.clear();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes what is buffered and flushes the stream. */
    void flush() {
        drain();
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Appends the packet's JSON object (no line terminator). {@code interfaces} are the reader's
     * interfaces as of this packet; {@code file} may be null (key {@code file} is then null).
     */
    void appendPacket(Path file, List<CaptureInterface> interfaces, PacketRecord record, LayerStack stack,
                      TcpFacts tcp, IpReassembler reassembled, LineBuffer json) {
        view.wrap(stack);
        json.append((byte) '{');
        json.append(FIRST_FILE).append(fileJson(file));
        json.append(NEXT_FRAME).append(record.frameNumber());
        json.append(NEXT_TS_NANOS).append(record.timestampNanos());
        json.append(NEXT_LINK_TYPE).append(linkTypeJson(record.linkType()));
        json.append(NEXT_IFACE);
        appendInterface(interfaces, record, stack, json);
        json.append(NEXT_DIRECTION);
        appendDirection(stack, json);
        json.append(NEXT_WIRE_LEN).append(record.originalLength());
        json.append(NEXT_CAP_LEN).append(record.capturedLength());
        json.append(NEXT_ENCAP).append((byte) '[');
        for (int n = 0; n < view.encapsulationCount(); n++) {
            if (n > 0) {
                json.append((byte) ',');
            }
            json.appendJsonString(Encapsulation.name(view.encapsulation(n)));
        }
        json.append((byte) ']');
        json.append(NEXT_VNI);
        appendOptional(json, view.vni());
        appendGeneveOptions(stack, json);
        json.append(NEXT_OUTER);
        appendIp(view.outerIpLayer(), json);
        json.append(NEXT_INNER);
        // A tunnel that carries no IP we decode (ARP inside VXLAN, PPP in GRE) has no inner IP header.
        appendIp(view.carriedIpLayer(), json);
        json.append(NEXT_STATUS).append(STATUS_JSON[stack.status().ordinal()]);
        json.append(NEXT_NOTES).append((byte) '[');
        for (int n = 0; n < stack.noteCount(); n++) {
            if (n > 0) {
                json.append((byte) ',');
            }
            json.append(noteJson(stack.note(n), stack.noteArgument(n)));
        }
        json.append((byte) ']');
        appendAnalysis(tcp, reassembled, json);
        if (includePayload) {
            json.append(NEXT_PAYLOAD);
            appendPayload(stack, json);
        }
        json.append((byte) '}');
    }

    /**
     * {@code tcp}: the TCP analysis ({@code stream}, {@code analysis}: Wireshark's
     * {@code tcp.analysis.*} names without the prefix, {@code ackRttNanos}, {@code ackedFrame}) or
     * null without an analysed TCP segment; {@code reassembledFrom}: the frames of the datagram
     * this frame completed (it is shown whole), or null.
     */
    private static void appendAnalysis(TcpFacts tcp, IpReassembler reassembled, LineBuffer json) {
        json.append(NEXT_TCP);
        if (tcp == null || !tcp.isTcp()) {
            json.append(NULL);
        } else {
            json.append(FIRST_STREAM).append(tcp.stream()).append(NEXT_ANALYSIS).append((byte) '[');
            boolean first = true;
            for (int k = 0; k < TCP_FLAG_JSON.length; k++) {
                if (tcp.has(TcpAnalysis.FLAGS.get(k).bit())) {
                    if (!first) {
                        json.append((byte) ',');
                    }
                    json.append(TCP_FLAG_JSON[k]);
                    first = false;
                }
            }
            json.append((byte) ']').append(NEXT_ACK_RTT);
            appendOptional(json, tcp.ackRttNanos() > 0 ? tcp.ackRttNanos() : -1);
            json.append(NEXT_ACKED_FRAME);
            appendOptional(json, tcp.ackRttNanos() > 0 ? tcp.ackedFrame() : -1);
            json.append((byte) '}');
        }
        json.append(NEXT_REASSEMBLED_FROM);
        int fragments = reassembled == null ? 0 : reassembled.lastFragmentCount();
        if (fragments == 0) {
            json.append(NULL);
        } else {
            json.append((byte) '[');
            for (int k = 0; k < fragments; k++) {
                if (k > 0) {
                    json.append((byte) ',');
                }
                json.append(reassembled.lastFragmentFrame(k));
            }
            json.append((byte) ']');
        }
    }

    private static final byte[] NEXT_TCP = ascii(",\"tcp\":");
    private static final byte[] FIRST_STREAM = ascii("{\"stream\":");
    private static final byte[] NEXT_ANALYSIS = ascii(",\"analysis\":");
    private static final byte[] NEXT_ACK_RTT = ascii(",\"ackRttNanos\":");
    private static final byte[] NEXT_ACKED_FRAME = ascii(",\"ackedFrame\":");
    private static final byte[] NEXT_REASSEMBLED_FROM = ascii(",\"reassembledFrom\":");
    /** The flags' names without {@code tcp.analysis.}, in {@link TcpAnalysis#FLAGS} order, as JSON strings. */
    private static final byte[][] TCP_FLAG_JSON = TcpAnalysis.FLAGS.stream()
            .map(f -> jsonBytes(f.field().substring("tcp.analysis.".length()))).toArray(byte[][]::new);

    private static void appendOptional(LineBuffer json, long value) {
        if (value < 0) {
            json.append(NULL);
        } else {
            json.append(value);
        }
    }

    private byte[] fileJson(Path file) {
        if (file != namedFile) {
            namedFile = file;
            fileJson = file == null ? NULL : jsonBytes(file.getFileName().toString());
        }
        return fileJson;
    }

    private static byte[] jsonBytes(String value) {
        LineBuffer encoded = new LineBuffer(value.length() + 2);
        encoded.appendJsonString(value);
        byte[] bytes = new byte[encoded.length()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = encoded.byteAt(i);
        }
        return bytes;
    }

    private byte[] linkTypeJson(int linkType) {
        byte[] json = linkTypes.get(linkType);
        return json != null ? json : remember(linkTypes, linkType, LinkType.name(linkType));
    }

    private byte[] noteJson(Note note, long argument) {
        long key = (long) note.ordinal() << 48 ^ argument;
        byte[] json = notes.get(key);
        return json != null ? json : remember(notes, key, note.describe(argument));
    }

    /** {@code text} as a JSON string, kept under {@code key} while the cache has room. */
    private static byte[] remember(LongObjectMap<byte[]> cache, long key, String text) {
        byte[] json = jsonBytes(text);
        if (cache.size() < NOTE_CACHE) {
            cache.put(key, json);
        }
        return json;
    }

    /** Linux cooked v1/v2 packet type as a word ({@code host}, {@code outgoing}...), else null. */
    private void appendDirection(LayerStack stack, LineBuffer json) {
        int type = -1;
        if (stack.count() > 0 && stack.type(0) == LayerType.LINUX_SLL && stack.headerLength(0) >= LinuxSllHeader.LENGTH) {
            type = sll.wrap(stack.buffer(), stack.offset(0), stack.headerLength(0)).packetType();
        } else if (stack.count() > 0 && stack.type(0) == LayerType.LINUX_SLL2 && stack.headerLength(0) >= LinuxSll2Header.LENGTH) {
            type = sll2.wrap(stack.buffer(), stack.offset(0), stack.headerLength(0)).packetType();
        }
        if (type < 0) {
            json.append(NULL);
        } else {
            json.appendJsonString(PACKET_TYPES[Math.min(type, PACKET_TYPES.length - 1)]);
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
    private void appendPayload(LayerStack stack, LineBuffer json) {
        int inner = view.innerIpLayer();
        int transport = view.transportLayer(inner);
        int layer = transport >= 0 ? transport : inner;
        if (layer < 0) {
            json.append(NULL);
            return;
        }
        int capEnd = stack.start() + stack.capturedLength();
        int from = Math.min(stack.payloadOffset(layer), capEnd);
        int to = Math.min(Math.min(stack.end(layer), capEnd), from + MAX_PAYLOAD);
        json.append((byte) '"');
        for (int i = from; i < to; i++) {
            json.appendHex(stack.buffer().get(i));
        }
        json.append((byte) '"');
    }

    private static final byte[] NEXT_GENEVE_OPTIONS = ascii(",\"geneveOptions\":[");
    private static final byte[] FIRST_CLASS = ascii("{\"class\":");
    private static final byte[] NEXT_CLASS_HOLDER = ascii(",\"classHolder\":");
    private static final byte[] NEXT_TYPE = ascii(",\"type\":");
    private static final byte[] NEXT_CRITICAL = ascii(",\"critical\":");
    private static final byte[] NEXT_LENGTH = ascii(",\"length\":");
    private static final byte[] NEXT_DATA = ascii(",\"data\":\"");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");

    /**
     * {@code geneveOptions}, only on a packet whose outermost Geneve header carries options (Cilium,
     * OVN, cloud load balancers): each option's class and its holder as IANA registers it, type,
     * critical bit, length (its 4-byte header included, as tcpdump counts it) and data as hex.
     */
    private void appendGeneveOptions(LayerStack stack, LineBuffer json) {
        for (int i = 0; i < stack.count(); i++) {
            if (stack.type(i) != LayerType.GENEVE || stack.headerLength(i) <= GeneveHeader.MIN_LENGTH) {
                continue;
            }
            geneve.wrap(stack.buffer(), stack.offset(i), stack.headerLength(i));
            int end = stack.headerLength(i);
            json.append(NEXT_GENEVE_OPTIONS);
            for (int at = GeneveHeader.OPTIONS_OFFSET; at + GeneveHeader.OPTION_HEADER_LENGTH <= end; ) {
                int length = GeneveHeader.OPTION_HEADER_LENGTH + geneve.optionDataLength(at);
                if (at > GeneveHeader.OPTIONS_OFFSET) {
                    json.append((byte) ',');
                }
                int type = geneve.optionType(at);
                json.append(FIRST_CLASS).append(geneve.optionClass(at));
                json.append(NEXT_CLASS_HOLDER).appendJsonString(GeneveHeader.optionClassName(geneve.optionClass(at)));
                json.append(NEXT_TYPE).append(type);
                json.append(NEXT_CRITICAL).append((type & GeneveHeader.OPTION_TYPE_CRITICAL) != 0 ? TRUE : FALSE);
                json.append(NEXT_LENGTH).append(length);
                json.append(NEXT_DATA);
                int dataEnd = Math.min(at + length, end);
                for (int k = at + GeneveHeader.OPTION_HEADER_LENGTH; k < dataEnd; k++) {
                    json.appendHex(stack.buffer().get(stack.offset(i) + k));
                }
                json.append((byte) '"').append((byte) '}');
                at += length;
            }
            json.append((byte) ']');
            return;
        }
    }

    /** pcapng interface name (or id), the SLL2 interface index, else null. */
    private void appendInterface(List<CaptureInterface> interfaces, PacketRecord record, LayerStack stack,
                                 LineBuffer json) {
        int id = record.interfaceId();
        if (id >= 0) {
            json.append(interfaceJson(interfaces, id));
            return;
        }
        int sll2Layer = stack.indexOf(LayerType.LINUX_SLL2);
        if (sll2Layer >= 0 && stack.headerLength(sll2Layer) >= LinuxSll2Header.INTERFACE_INDEX_OFFSET + Integer.BYTES) {
            int index = sll2.wrap(stack.buffer(), stack.offset(sll2Layer), stack.headerLength(sll2Layer)).interfaceIndex();
            json.append((byte) '"').append(index).append((byte) '"');
            return;
        }
        json.append(NULL);
    }

    /** The JSON string of interface {@code id}: its name from the capture, else its number. */
    private byte[] interfaceJson(List<CaptureInterface> interfaces, int id) {
        if (interfaces != namedInterfaces) {
            namedInterfaces = interfaces;
            interfaceJson = new byte[Math.max(interfaces.size(), id + 1)][];
        } else if (id >= interfaceJson.length) {
            interfaceJson = java.util.Arrays.copyOf(interfaceJson, Math.max(interfaces.size(), id + 1));
        }
        byte[] json = interfaceJson[id];
        if (json == null) {
            String name = id < interfaces.size() ? interfaces.get(id).name() : null;
            json = jsonBytes(name != null ? name : Integer.toString(id));
            interfaceJson[id] = json;
        }
        return json;
    }

    private void appendIp(int ip, LineBuffer json) {
        if (ip < 0) {
            json.append(NULL);
            return;
        }
        json.append((byte) '{');
        text.setLength(0);
        view.appendSource(ip, text);
        json.append(FIRST_SRC).appendJsonString(text);
        text.setLength(0);
        view.appendDestination(ip, text);
        json.append(NEXT_DST).appendJsonString(text);
        int protocol = view.ipProtocol(ip);
        String name = IpProtocols.name(protocol);
        json.append(NEXT_PROTO);
        if (name != null) {
            json.appendJsonString(name);
        } else {
            json.append(protocol);
        }
        int transport = view.transportLayer(ip);
        json.append(NEXT_SPORT);
        appendOptional(json, transport < 0 ? -1 : view.sourcePort(transport));
        json.append(NEXT_DPORT);
        appendOptional(json, transport < 0 ? -1 : view.destinationPort(transport));
        json.append(NEXT_IP_ID);
        appendOptional(json, view.ipId(ip));
        json.append(NEXT_TTL).append(view.ttl(ip));
        json.append((byte) '}');
    }
}
