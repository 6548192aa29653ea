package io.tunnelscope.detail;

import io.kaitai.struct.KaitaiStream;
import io.kaitai.struct.KaitaiStruct;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.LayerType;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.Protocols;
import io.tunnelscope.proto.udp.UdpHeader;
import java.lang.reflect.Constructor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fills the bodies of UDP datagrams in a packet's field tree with what the decoder found there.
 * {@code udp_datagram.ksy} has no port table; which protocol a UDP payload is comes from the
 * decoder's tables (the descriptors' ports, the heuristic, decode-as), and that protocol's Kaitai
 * spec ({@link ProtocolDescriptor#kaitaiSpec()}) parses the body's bytes in place. A marker layer
 * without bytes of its own (flannel's UDP backend) hands on to the layer after it (a bare IPv4 or
 * IPv6 packet). Inner datagrams (UDP in VXLAN in UDP) are filled in the same pass, outermost first.
 */
final class UdpPayloads {
    private static final String GENERATED_PACKAGE = "io.tunnelscope.kaitai.gen.";
    private static final Map<String, Constructor<? extends KaitaiStruct>> PARSERS = new ConcurrentHashMap<>();

    private UdpPayloads() {
    }

    static FieldNode graft(FieldNode tree, byte[] packet, int linkType, DecodeTables tables) {
        // The wire length is not known here: the bytes are taken as a snaplen-cut packet, so that
        // the decoder goes on into what there is, as the specs' bounded bodies do.
        LayerStack stack = new PacketDecoder(tables).decode(ByteBuffer.wrap(packet), 0, packet.length,
            PacketDecoder.PLAUSIBLE_WIRE_LENGTH, linkType);
        FieldNode out = tree;
        for (int i = 0; i < stack.count(); i++) {
            if (stack.type(i) != LayerType.UDP || stack.isQuoted(i)) {
                continue;
            }
            int bodyStart = stack.offset(i) + UdpHeader.LENGTH;
            int bodyEnd = Math.min(packet.length, stack.end(i));
            int next = i + 1;
            while (next + 1 < stack.count() && stack.headerLength(next) == 0 && stack.offset(next) == bodyStart) {
                next++; // a marker layer without bytes (flannel's UDP backend): the payload is the next layer's
            }
            if (next >= stack.count() || stack.offset(next) != bodyStart || bodyEnd <= bodyStart) {
                continue;
            }
            ProtocolDescriptor p = Protocols.byId(stack.type(next));
            Constructor<? extends KaitaiStruct> parser = p == null ? null : parser(p.kaitaiSpec());
            if (parser == null) {
                continue;
            }
            FieldNode body = parse(parser, packet, bodyStart, bodyEnd - bodyStart);
            out = replaceBody(out, stack.offset(i), bodyStart, body);
        }
        return out;
    }

    private static FieldNode parse(Constructor<? extends KaitaiStruct> parser, byte[] packet, int start, int length) {
        KaitaiStruct s;
        try {
            s = parser.newInstance(new PositionedStream(packet, start, length));
        } catch (ReflectiveOperationException e) {
            return FieldNode.error("no parser: " + e, start, length);
        }
        Throwable failure = null;
        try {
            ((KaitaiStruct.ReadOnly) s)._read();
        } catch (RuntimeException | StackOverflowError e) {
            failure = e;
        }
        return TreeBuilder.window("body", s, start, length, failure);
    }

    /** The tree with the {@code body} child of the UDP datagram at {@code udpOffset} replaced. */
    private static FieldNode replaceBody(FieldNode n, int udpOffset, int bodyStart, FieldNode body) {
        if (n.value().equals("udp_datagram") && n.offset() == udpOffset) {
            List<FieldNode> children = new ArrayList<>(n.children().size());
            for (FieldNode c : n.children()) {
                children.add(c.name().equals("body") && c.offset() == bodyStart ? body : c);
            }
            return FieldNode.of(n.name(), n.value(), n.offset(), n.length(), children);
        }
        if (n.children().isEmpty() || n.offset() > udpOffset || n.end() <= udpOffset) {
            return n;
        }
        List<FieldNode> children = new ArrayList<>(n.children().size());
        boolean changed = false;
        for (FieldNode c : n.children()) {
            FieldNode r = replaceBody(c, udpOffset, bodyStart, body);
            changed |= r != c;
            children.add(r);
        }
        return changed ? new FieldNode(n.name(), n.value(), n.offset(), n.length(), n.bitOffset(), n.bitLength(),
            n.error(), children) : n;
    }

    /** The generated parser of a spec id ({@code vxlan_header} → {@code VxlanHeader}), or null. */
    private static Constructor<? extends KaitaiStruct> parser(String spec) {
        if (spec == null) {
            return null;
        }
        return PARSERS.computeIfAbsent(spec, UdpPayloads::load);
    }

    private static Constructor<? extends KaitaiStruct> load(String spec) {
        StringBuilder name = new StringBuilder(GENERATED_PACKAGE);
        boolean upper = true;
        for (char c : spec.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                name.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        try {
            return Class.forName(name.toString()).asSubclass(KaitaiStruct.class).getConstructor(KaitaiStream.class);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("protocol spec " + spec + " has no generated parser " + name, e);
        }
    }
}
