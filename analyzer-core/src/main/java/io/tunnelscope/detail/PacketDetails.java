package io.tunnelscope.detail;

import io.kaitai.struct.KaitaiStruct;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.kaitai.gen.EthernetFrame;
import io.tunnelscope.kaitai.gen.Ipv4Packet;
import io.tunnelscope.kaitai.gen.Ipv6Packet;
import io.tunnelscope.kaitai.gen.LinuxSll;
import io.tunnelscope.kaitai.gen.LinuxSll2;
import io.tunnelscope.kaitai.gen.Pcap;
import io.tunnelscope.kaitai.gen.Pcapng;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The detail view of packets and capture files, from the parsers that Kaitai Struct generates
 * out of the .ksy specs in {@code src/main/kaitai}.
 *
 * <p>This is the readable, declarative statement of each format, not the fast path: it allocates
 * a tree per packet. It serves the field tree (with byte ranges for a hex pane) and is a test
 * oracle for the zero-allocation decoder.
 *
 * <p>Nothing here throws on bad input: a truncated or malformed packet yields the fields parsed
 * before the problem and an error marker ({@link FieldNode#error()}) saying what failed.
 */
public final class PacketDetails {

    /** LINKTYPE_ETHERNET. */
    public static final int LINKTYPE_ETHERNET = 1;
    /** LINKTYPE_RAW: raw IP, version from the first nibble (12 and 14 are DLT_RAW aliases). */
    public static final int LINKTYPE_RAW = 101;
    /** LINKTYPE_LINUX_SLL: Linux cooked capture v1. */
    public static final int LINKTYPE_LINUX_SLL = 113;
    /** LINKTYPE_LINUX_SLL2: Linux cooked capture v2. */
    public static final int LINKTYPE_LINUX_SLL2 = 276;
    /** LINKTYPE_IPV4. */
    public static final int LINKTYPE_IPV4 = 228;
    /** LINKTYPE_IPV6. */
    public static final int LINKTYPE_IPV6 = 229;

    private PacketDetails() {
    }

    /**
     * Dissects one packet.
     *
     * <p>The root is named {@code frame} and spans the whole packet; its child is the outermost
     * header ({@code ethernet_frame}, {@code linux_sll}, {@code linux_sll2}, {@code ipv4_packet}
     * or {@code ipv6_packet}), within which
     * each header's body is the next header: Ethernet → IPv4/IPv6 → UDP → VXLAN → inner
     * Ethernet → IP → TCP/UDP/ICMP, Geneve → Ethernet/IP, flannel UDP (port 8285) → IP.
     *
     * @param packet   the captured bytes, from the link-layer header on
     * @param linkType LINKTYPE_ value: 1 (Ethernet), 101/12/14 (raw IP), 113/276 (Linux
     *                 cooked v1/v2), 228 (IPv4), 229 (IPv6)
     * @return the field tree; never null, never throws
     */
    public static FieldNode dissect(byte[] packet, int linkType) {
        return dissect(packet, linkType, DecodeTables.defaults());
    }

    /**
     * Dissects one packet as {@link #dissect(byte[], int)} does, with UDP payloads parsed as the
     * decoder's {@code tables} say (its decode-as overrides included): the spec of a UDP datagram
     * leaves its body as bytes, and the protocol the decoder found there supplies its own spec
     * ({@link ProtocolDescriptor#kaitaiSpec()}), parsed over the body's bytes in place.
     */
    public static FieldNode dissect(byte[] packet, int linkType, DecodeTables tables) {
        FieldNode tree = dissectLink(packet, linkType);
        try {
            return UdpPayloads.graft(tree, packet, linkType, tables);
        } catch (RuntimeException | StackOverflowError e) {
            List<FieldNode> children = new ArrayList<>(tree.children());
            children.add(FieldNode.error("internal error: " + TreeBuilder.describe(e), 0, 0));
            return FieldNode.of(tree.name(), tree.value(), tree.offset(), tree.length(), children);
        }
    }

    private static FieldNode dissectLink(byte[] packet, int linkType) {
        String rootValue = packet.length + " bytes, link type " + linkType;
        KaitaiStruct top = null;
        try {
            PositionedStream io = new PositionedStream(packet);
            switch (linkType) {
                case LINKTYPE_ETHERNET -> top = new EthernetFrame(io);
                case LINKTYPE_LINUX_SLL -> top = new LinuxSll(io);
                case LINKTYPE_LINUX_SLL2 -> top = new LinuxSll2(io);
                case LINKTYPE_IPV4 -> top = new Ipv4Packet(io);
                case LINKTYPE_IPV6 -> top = new Ipv6Packet(io);
                case LINKTYPE_RAW, 12, 14 -> {
                    int version = packet.length > 0 ? (packet[0] & 0xff) >> 4 : -1;
                    if (version == 4) {
                        top = new Ipv4Packet(io);
                    } else if (version == 6) {
                        top = new Ipv6Packet(io);
                    } else {
                        return unparsed("frame", rootValue, packet.length, packet.length == 0
                            ? "empty packet" : "raw IP packet of version " + version);
                    }
                }
                default -> {
                    return unparsed("frame", rootValue, packet.length,
                        "link type " + linkType + " is not dissected");
                }
            }
            return parseAndBuild("frame", rootValue, packet.length, top);
        } catch (RuntimeException | StackOverflowError e) {
            return unparsed("frame", rootValue, packet.length, "internal error: " + TreeBuilder.describe(e));
        }
    }

    /**
     * The field tree of a whole capture file (pcap or pcapng): headers, records or blocks, packet
     * data as bytes. Never throws; a broken file yields what was read and an error marker.
     */
    public static FieldNode fileTree(byte[] file) {
        String rootValue = file.length + " bytes";
        try {
            KaitaiStruct top = switch (format(file)) {
                case "pcap" -> new Pcap(new PositionedStream(file));
                case "pcapng" -> new Pcapng(new PositionedStream(file));
                default -> null;
            };
            if (top == null) {
                return unparsed("file", rootValue, file.length, "not a pcap or pcapng file");
            }
            return parseAndBuild("file", rootValue, file.length, top);
        } catch (RuntimeException | StackOverflowError e) {
            return unparsed("file", rootValue, file.length, "internal error: " + TreeBuilder.describe(e));
        }
    }

    /**
     * Reads every packet record of a pcap (either byte order, micro- or nanosecond) or pcapng
     * file with the Kaitai specs. Never throws: a file whose framing breaks yields the records
     * before the break and {@link CaptureRecords#error()}.
     */
    public static CaptureRecords captureRecords(byte[] file) {
        String format = format(file);
        List<CaptureRecord> out = new ArrayList<>();
        try {
            switch (format) {
                case "pcap" -> {
                    Pcap p = new Pcap(new PositionedStream(file));
                    RuntimeException failure = read(p);
                    pcapRecords(p, out);
                    return new CaptureRecords(format, out, message(failure));
                }
                case "pcapng" -> {
                    Pcapng p = new Pcapng(new PositionedStream(file));
                    RuntimeException failure = read(p);
                    pcapngRecords(p, out);
                    return new CaptureRecords(format, out, message(failure));
                }
                default -> {
                    return new CaptureRecords(format, out, "not a pcap or pcapng file");
                }
            }
        } catch (RuntimeException | StackOverflowError e) {
            return new CaptureRecords(format, out, "internal error: " + TreeBuilder.describe(e));
        }
    }

    private static void pcapRecords(Pcap p, List<CaptureRecord> out) {
        if (p.body() == null || p.body().header() == null || p.body().records() == null) {
            return;
        }
        byte[] m = p.magic();
        boolean nanos = (m[2] & 0xff) == 0x3c || (m[1] & 0xff) == 0x3c;
        int linkType = (int) (p.body().header().network() & 0xffff);
        int number = 0;
        for (Pcap.Body.Record r : p.body().records()) {
            if (r.data() == null) {
                break; // the record the parse failed in
            }
            long ts = r.tsSec() * 1_000_000_000L + r.tsFrac() * (nanos ? 1 : 1000);
            out.add(new CaptureRecord(++number, linkType, 0, ts, (int) r.lenData(),
                (int) r.origLen(), offsetOf(r, "data"), r.data()));
        }
    }

    private static void pcapngRecords(Pcapng p, List<CaptureRecord> out) {
        if (p.sections() == null) {
            return;
        }
        List<int[]> interfaces = new ArrayList<>(); // {link type} per global interface id
        List<BigInteger[]> resolutions = new ArrayList<>(); // {numerator, denominator} ns per tick
        int number = 0;
        for (Pcapng.Section section : p.sections()) {
            Pcapng.SectionContent content = section.content();
            if (content == null || content.blocks() == null) {
                continue;
            }
            int firstInterface = interfaces.size();
            for (Pcapng.SectionContent.Block block : content.blocks()) {
                Object body = block.body();
                if (body instanceof Pcapng.SectionContent.InterfaceDescriptionBlock idb) {
                    interfaces.add(new int[] {idb.linkType()});
                    resolutions.add(tsresol(idb));
                } else if (body instanceof Pcapng.SectionContent.EnhancedPacketBlock epb) {
                    if (epb.packetData() == null) {
                        break;
                    }
                    int id = firstInterface + (int) epb.interfaceId();
                    int linkType = id < interfaces.size() ? interfaces.get(id)[0] : -1;
                    long ticks = (epb.timestampHigh() << 32) | epb.timestampLow();
                    long ts = 0;
                    if (id < resolutions.size()) {
                        BigInteger[] r = resolutions.get(id);
                        ts = BigInteger.valueOf(ticks).multiply(r[0]).divide(r[1]).longValue();
                    }
                    out.add(new CaptureRecord(++number, linkType, id, ts,
                        (int) epb.lenPacketData(), (int) epb.originalLen(),
                        offsetOf(epb, "packetData"), epb.packetData()));
                } else if (body instanceof Pcapng.SectionContent.SimplePacketBlock spb) {
                    if (spb.packetData() == null) {
                        break;
                    }
                    int linkType = firstInterface < interfaces.size()
                        ? interfaces.get(firstInterface)[0] : -1;
                    out.add(new CaptureRecord(++number, linkType, firstInterface, 0,
                        spb.packetData().length, (int) spb.originalLen(),
                        offsetOf(spb, "packetData"), spb.packetData()));
                }
            }
        }
    }

    /** Nanoseconds per tick of an interface as numerator/denominator, from if_tsresol (code 9). */
    private static BigInteger[] tsresol(Pcapng.SectionContent.InterfaceDescriptionBlock idb) {
        int resol = 6; // microseconds unless said otherwise
        if (idb.options() != null && idb.options().entries() != null) {
            for (Pcapng.SectionContent.Option o : idb.options().entries()) {
                if (o.code() == 9 && o.value() != null && o.value().length >= 1) {
                    resol = o.value()[0] & 0xff;
                }
            }
        }
        BigInteger nano = BigInteger.valueOf(1_000_000_000L);
        if ((resol & 0x80) != 0) {
            return new BigInteger[] {nano, BigInteger.TWO.pow(resol & 0x7f)};
        }
        return new BigInteger[] {nano, BigInteger.TEN.pow(resol)};
    }

    /** Absolute offset of a field of a parsed struct. */
    private static int offsetOf(KaitaiStruct s, String field) {
        try {
            @SuppressWarnings("unchecked")
            java.util.Map<String, Integer> starts =
                (java.util.Map<String, Integer>) s.getClass().getField("_attrStart").get(s);
            Integer p = starts.get(field);
            return ((PositionedStream) s._io()).base() + (p == null ? 0 : p);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String format(byte[] file) {
        if (file.length >= 4) {
            int m = ((file[0] & 0xff) << 24) | ((file[1] & 0xff) << 16) | ((file[2] & 0xff) << 8)
                | (file[3] & 0xff);
            switch (m) {
                case 0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1:
                    return "pcap";
                case 0x0a0d0d0a:
                    return "pcapng";
                default:
                    break;
            }
        }
        return "unknown";
    }

    /** Runs the generated _read(); returns what stopped it, or null. */
    private static RuntimeException read(KaitaiStruct.ReadOnly s) {
        try {
            s._read();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static String message(RuntimeException failure) {
        return failure == null ? null : TreeBuilder.describe(failure);
    }

    private static FieldNode parseAndBuild(String rootName, String rootValue, int length,
                                           KaitaiStruct top) {
        Throwable failure;
        try {
            ((KaitaiStruct.ReadOnly) top)._read();
            failure = null;
        } catch (RuntimeException | StackOverflowError e) {
            failure = e;
        }
        return TreeBuilder.build(rootName, rootValue, length, top, failure);
    }

    private static FieldNode unparsed(String rootName, String rootValue, int length, String why) {
        return FieldNode.of(rootName, rootValue, 0, length, List.of(FieldNode.error(why, 0, 0)));
    }
}
