package io.tunnelscope.filter;

import io.tunnelscope.decode.Addresses;
import io.tunnelscope.decode.Encapsulation;
import io.tunnelscope.decode.IpProtocols;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.LayerStatus;
import io.tunnelscope.decode.LayerType;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.flow.TcpFacts;
import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.arp.ArpHeader;
import io.tunnelscope.proto.ethernet.EthernetHeader;
import io.tunnelscope.proto.Protocols;
import io.tunnelscope.state.AddressNames;
import io.tunnelscope.state.IpBlock;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The display-filter language of the viewer and of {@code decode --filter}: a small,
 * Wireshark-like expression language compiled once into a {@link PacketFilter}.
 *
 * <pre>
 *   inner.src == 10.102.20.2 &amp;&amp; outer.dport == 8472
 *   encap == vxlan &amp;&amp; vni == 1
 *   inner.dst in 10.244.0.0/16 || !(proto == icmp)
 *   point == host1-ens33 and frame.len &gt; 1400
 *   vxlan &amp;&amp; tcp                      (bare protocol names test presence)
 *   inner.dport in {80 443 8080}
 * </pre>
 *
 * <h2>Fields</h2>
 * <ul>
 * <li>Per level: {@code outer.} or {@code inner.} followed by {@code src}, {@code dst},
 * {@code addr} (either), {@code sport}, {@code dport}, {@code port} (either), {@code proto},
 * {@code ttl}, {@code version}. The outer level is the first IP header, the inner level the
 * innermost one (the same header when the packet is not tunnelled, as in the JSON output).</li>
 * <li>Without a level ({@code src}, {@code dst}, {@code addr}/{@code host}, {@code sport},
 * {@code dport}, {@code port}, {@code proto}, {@code ttl}, {@code version}; {@code ip.src},
 * {@code ip.dst}, {@code ip.addr}, {@code ip.proto}, {@code ip.ttl} are aliases): true when either
 * level matches.</li>
 * <li>{@code encap} ({@code vxlan}, {@code flannel-udp}, {@code geneve}, {@code ipip},
 * {@code gre}, or {@code none}): true when any of the packet's encapsulations is that one;
 * {@code vni} (VXLAN/Geneve), {@code frame.len} (bytes on the wire), {@code frame.cap_len},
 * {@code frame.number}, {@code status} ({@code ok}, {@code truncated}, {@code malformed}: the
 * worst layer), {@code point} (the capture point, see {@link io.tunnelscope.decode.PointNames}; {@code ==} also matches
 * every interface {@code point:iface} of a file).</li>
 * <li>Wireshark's names for what Tunnelscope decodes ({@code frame.*}, {@code eth.*},
 * {@code ip.*}, {@code ipv6.*}, {@code udp.*}, {@code tcp.*} with {@code tcp.analysis.*},
 * {@code icmp.*}, {@code vxlan.vni}, {@code geneve.vni}...), with Wireshark's meaning: see
 * {@link WiresharkFields}.</li>
 * <li>With names ({@link #compile(String, AddressNames)}: a {@code kubectl get -o json} dump, the
 * state {@code tunnelscope collect} recorded): {@code pod} ({@code namespace/name}, or a bare name in
 * any namespace), {@code service}, {@code node} (its own addresses and its pod subnets, so every pod
 * on it) and {@code namespace} (its pods and services): true when either address at either level
 * belongs to it ({@code pod == "default/web-1"}, {@code node == node2}); alone, any pod (service,
 * node) address.</li>
 * </ul>
 *
 * <h2>Syntax</h2>
 * Comparisons {@code == != < <= > >=} (also {@code eq ne lt le gt ge}); {@code contains} / {@code ~}
 * for {@code point}; {@code in} with a CIDR block ({@code 10.244.0.0/16}, {@code fd00::/8}) or a
 * set {@code {a b c}} (commas optional); {@code &&}/{@code and}, {@code ||}/{@code or},
 * {@code !}/{@code not}, parentheses; {@code !} binds tighter than {@code &&}, which binds tighter
 * than {@code ||}. A field alone tests that it is present; protocol names alone ({@code ip},
 * {@code ipv6}, {@code tcp}, {@code udp}, {@code icmp}, {@code icmpv6}, {@code arp}, {@code vxlan},
 * {@code geneve}, {@code gre}, {@code ipip}, {@code flannel-udp}, {@code frag}) test that the
 * packet has that layer ({@code frag}: an IP fragment at either level). {@code a != b} is
 * {@code !(a == b)}, so it is true when the field is absent. A value with spaces or operator
 * characters can be quoted: {@code point == "my capture"}. A blank expression matches every
 * packet.
 */
public final class Filter {
    private Filter() {
    }

    /**
     * Compiles an expression.
     *
     * @throws FilterSyntaxException with the 0-based position of the first problem
     */
    public static PacketFilter compile(String expression) {
        return compile(expression, AddressNames.NONE);
    }

    /**
     * Compiles an expression that may use the name fields ({@code pod}, {@code service},
     * {@code node}, {@code namespace}), resolved once, here, to the addresses {@code names} gives them.
     *
     * @throws FilterSyntaxException with the 0-based position of the first problem, also for a name
     *                               field without names or a name nobody has
     */
    public static PacketFilter compile(String expression, AddressNames names) {
        String text = expression == null ? "" : expression;
        List<Token> tokens = tokenize(text);
        if (tokens.size() == 1) {
            return new PacketFilter(text, null);
        }
        Parser parser = new Parser(text, tokens, names);
        Node root = parser.parseOr();
        Token rest = parser.peek();
        if (rest.type != T.END) {
            if (rest.type == T.RPAREN) {
                throw new FilterSyntaxException(text, "unmatched ')'", rest.pos);
            }
            throw new FilterSyntaxException(text, "expected '&&', '||' or the end instead of '"
                    + rest.text + "'", rest.pos);
        }
        return new PacketFilter(text, root);
    }

    /** The field names the language knows, for completion and help. */
    public static List<String> fieldNames() {
        return List.copyOf(FIELDS.keySet());
    }

    // ------------------------------------------------------------------ evaluation context

    /** Per-packet state a filter evaluates against (one per {@link PacketFilter}). */
    static final class Context {
        PacketView view;
        LayerStack stack;
        ByteBuffer buf;
        long frame;
        /** Capture time in epoch nanoseconds, or {@link Long#MIN_VALUE} when not given. */
        long timeNanos = Long.MIN_VALUE;
        /** The frame's lengths (the view may be a reassembled datagram, longer than the frame). */
        long wireLength;
        int capturedLength;
        /** The packet's TCP analysis, or null when not given. */
        TcpFacts tcp;
        /** The IP layer reassembled in this frame, and this frame's own fragment fields; -1: none. */
        int reassembledIp = -1;
        int ownIpLength;
        int ownFragmentOffset;
        boolean ownMoreFragments;
        /** Per layer, the frame's own IP length field where the view's was rebuilt; null when none. */
        int[] ownIpLengths;
        /** The first IP header quoted by an ICMP error, and its transport header; -1 when none. */
        int quotedIp;
        int quotedTransport;
        String point;
        int outerIp;
        int innerIp;
        int outerTransport;
        int innerTransport;

        void load(PacketView packetView, long frameNumber, String pointName) {
            this.timeNanos = Long.MIN_VALUE;
            this.tcp = null;
            this.reassembledIp = -1;
            this.ownIpLengths = null;
            LayerStack s = packetView.stack();
            this.wireLength = s.originalLength();
            this.capturedLength = s.capturedLength();
            loadView(packetView, frameNumber, pointName);
        }

        void load(PacketView packetView, FilterInput in) {
            this.timeNanos = in.timeNanos;
            this.tcp = in.tcp;
            this.reassembledIp = in.reassembledIp;
            this.ownIpLength = in.ownIpLength;
            this.ownFragmentOffset = in.ownFragmentOffset;
            this.ownMoreFragments = in.ownMoreFragments;
            this.ownIpLengths = in.reassembledIp >= 0 ? in.ownIpLengths : null;
            LayerStack s = packetView.stack();
            this.wireLength = in.wireLength >= 0 ? in.wireLength : s.originalLength();
            this.capturedLength = in.capturedLength >= 0 ? in.capturedLength : s.capturedLength();
            loadView(packetView, in.frameNumber, in.point);
        }

        private void loadView(PacketView packetView, long frameNumber, String pointName) {
            this.view = packetView;
            this.stack = packetView.stack();
            this.buf = stack.buffer();
            this.frame = frameNumber;
            this.point = pointName;
            this.outerIp = packetView.outerIpLayer();
            this.innerIp = packetView.innerIpLayer();
            this.outerTransport = outerIp >= 0 ? packetView.transportLayer(outerIp) : -1;
            this.innerTransport = innerIp == outerIp ? outerTransport
                    : innerIp >= 0 ? packetView.transportLayer(innerIp) : -1;
            this.quotedIp = -1;
            this.quotedTransport = -1;
            for (int i = 0, n = stack.count(); i < n; i++) {
                if (stack.isQuoted(i) && LayerType.isIp(stack.type(i))) {
                    quotedIp = i;
                    for (int j = i + 1; j < n && stack.isQuoted(j); j++) {
                        int t = stack.type(j);
                        if (t == LayerType.TCP || t == LayerType.UDP || t == LayerType.ICMP || t == LayerType.ICMPV6) {
                            quotedTransport = j;
                            break;
                        }
                        if (!LayerType.isIpv6Extension(t)) {
                            break;
                        }
                    }
                    break;
                }
            }
        }

        /** True when IP layer {@code ip} of the view is the datagram reassembled in this frame. */
        boolean reassembled(int ip) {
            return ip >= 0 && ip == reassembledIp;
        }

        /**
         * An IP layer's length field as the frame carried it: a reassembled datagram and the headers
         * around an inner one were rebuilt longer.
         */
        int ipLengthField(int ip) {
            if (ip >= 0 && ownIpLengths != null && ip < ownIpLengths.length && ownIpLengths[ip] >= 0) {
                return ownIpLengths[ip];
            }
            return view.ipLengthField(ip);
        }

        int ip(int level) {
            return level == INNER ? innerIp : level == QUOTED ? quotedIp : outerIp;
        }

        int transport(int level) {
            return level == INNER ? innerTransport : level == QUOTED ? quotedTransport : outerTransport;
        }
    }

    // ------------------------------------------------------------------ fields

    static final int OUTER = 0;
    static final int INNER = 1;
    static final int EITHER = 2;
    static final int PACKET = 3;
    /** The headers quoted by an ICMP error (Wireshark's fields look there too). */
    static final int QUOTED = 4;

    enum Kind { ADDRESS, NUMBER, ENCAP, STATUS, POINT, NAME, MAC, IPV4 }

    enum What {
        SRC, DST, ADDR, SPORT, DPORT, PORT, PROTO, TTL, VERSION,
        ENCAP, VNI, FRAME_LEN, CAP_LEN, FRAME_NUMBER, STATUS, POINT, POD, SERVICE, NODE, NAMESPACE,
        /** A field read by its {@link Field#extractor()}. */
        EXTRACTED,
        /** The second reading of a field with two ({@link Field#other()}). */
        EXTRACTED_OTHER
    }

    /**
     * A number a field reads from a packet, -1 when the packet does not have it. {@code level} is
     * {@link #OUTER} for the field's first occurrence in the packet and {@link #INNER} for its
     * innermost one (the same for most packets); fields of the whole packet ignore it.
     */
    interface Extractor {
        long get(Context c, int level);
    }

    /**
     * A field of the language. {@code extractor} reads {@link What#EXTRACTED} numbers (and the
     * IPv4 values of {@link Kind#IPV4}); {@code other}, when set, is a second extractor either of
     * which may match (a port field: source or destination); {@code family} restricts an address field to IPv4 (4) or
     * IPv6 (6), 0 takes either; {@code seconds}: values are written in seconds ({@code 0.05}) and
     * compared in nanoseconds; {@code layerType}: the layer a {@link Kind#MAC} field reads;
     * {@code quotes}: an {@link #EITHER} field also looks at the headers an ICMP error quotes.
     */
    record Field(String name, Kind kind, int level, What what, Extractor extractor, Extractor other, int family,
                 boolean seconds, int layerType, boolean quotes) {
        Field(String name, Kind kind, int level, What what) {
            this(name, kind, level, what, null, null, 0, false, 0, false);
        }
    }

    private static final Map<String, Field> FIELDS = new LinkedHashMap<>();

    private static void field(String name, Kind kind, int level, What what) {
        FIELDS.put(name, new Field(name, kind, level, what));
    }

    static {
        String[] prefixes = {"outer.", "inner.", ""};
        for (int level = OUTER; level <= EITHER; level++) {
            String p = prefixes[level];
            field(p + "src", Kind.ADDRESS, level, What.SRC);
            field(p + "dst", Kind.ADDRESS, level, What.DST);
            field(p + "addr", Kind.ADDRESS, level, What.ADDR);
            field(p + "sport", Kind.NUMBER, level, What.SPORT);
            field(p + "dport", Kind.NUMBER, level, What.DPORT);
            field(p + "port", Kind.NUMBER, level, What.PORT);
            field(p + "proto", Kind.NUMBER, level, What.PROTO);
            field(p + "ttl", Kind.NUMBER, level, What.TTL);
            field(p + "version", Kind.NUMBER, level, What.VERSION);
        }
        field("host", Kind.ADDRESS, EITHER, What.ADDR);
        field("encap", Kind.ENCAP, PACKET, What.ENCAP);
        field("vni", Kind.NUMBER, PACKET, What.VNI);
        field("frame.len", Kind.NUMBER, PACKET, What.FRAME_LEN);
        field("frame.cap_len", Kind.NUMBER, PACKET, What.CAP_LEN);
        field("frame.number", Kind.NUMBER, PACKET, What.FRAME_NUMBER);
        field("status", Kind.STATUS, PACKET, What.STATUS);
        field("point", Kind.POINT, PACKET, What.POINT);
        field("pod", Kind.NAME, EITHER, What.POD);
        field("service", Kind.NAME, EITHER, What.SERVICE);
        field("node", Kind.NAME, EITHER, What.NODE);
        field("namespace", Kind.NAME, EITHER, What.NAMESPACE);
        for (Field f : WiresharkFields.fields()) {
            FIELDS.putIfAbsent(f.name(), f);
        }
    }

    /** Bare protocol names: a layer type, or a negative code. */
    private static final int FRAG = -1;
    /** The registry's protocols that are layers, by name, with "ipv4" beside "ip" and "frag". */
    private static final Map<String, Integer> PROTOCOL_LAYERS = protocolLayers();

    private static Map<String, Integer> protocolLayers() {
        Map<String, Integer> layers = new LinkedHashMap<>();
        for (ProtocolDescriptor d : Protocols.all()) {
            if (d.kind() != ProtocolDescriptor.Kind.OTHER && d.id() != Encapsulation.IPIP) {
                layers.put(d.name(), d.id());
            }
        }
        layers.put("ipv4", LayerType.IPV4);
        layers.put("frag", FRAG);
        return Map.copyOf(layers);
    }

    /** "vxlan, flannel-udp, geneve, gre, ipip, none": the words of encap ==. */
    private static String encapsulationWords() {
        StringBuilder out = new StringBuilder();
        for (ProtocolDescriptor d : Protocols.tunnels()) {
            out.append(d.name()).append(", ");
        }
        return out.append("none").toString();
    }

    // ------------------------------------------------------------------ nodes

    /** A compiled expression node. */
    abstract static class Node {
        abstract boolean eval(Context c);
    }

    private static final class And extends Node {
        final Node a;
        final Node b;

        And(Node a, Node b) {
            this.a = a;
            this.b = b;
        }

        @Override
        boolean eval(Context c) {
            return a.eval(c) && b.eval(c);
        }

        @Override
        public String toString() {
            return "(" + a + " && " + b + ")";
        }
    }

    private static final class Or extends Node {
        final Node a;
        final Node b;

        Or(Node a, Node b) {
            this.a = a;
            this.b = b;
        }

        @Override
        boolean eval(Context c) {
            return a.eval(c) || b.eval(c);
        }

        @Override
        public String toString() {
            return "(" + a + " || " + b + ")";
        }
    }

    private static final class Not extends Node {
        final Node a;

        Not(Node a) {
            this.a = a;
        }

        @Override
        boolean eval(Context c) {
            return !a.eval(c);
        }

        @Override
        public String toString() {
            return "!" + a;
        }
    }

    private static final int EQ = 0;
    private static final int LT = 1;
    private static final int LE = 2;
    private static final int GT = 3;
    private static final int GE = 4;
    private static final String[] OP_NAMES = {"==", "<", "<=", ">", ">="};

    /** A number value of a field at a level, -1 when absent. */
    private static long number(Context c, Field field, What what, int level) {
        if (what == What.EXTRACTED) {
            return field.extractor().get(c, level);
        }
        if (what == What.EXTRACTED_OTHER) {
            return field.other().get(c, level);
        }
        PacketView v = c.view;
        switch (what) {
            case SPORT: return v.sourcePort(c.transport(level));
            case DPORT: return v.destinationPort(c.transport(level));
            case PROTO: return v.ipProtocol(c.ip(level));
            case TTL: return v.ttl(c.ip(level));
            case VERSION: return v.ipVersion(c.ip(level));
            case VNI: return v.vni();
            case FRAME_LEN: return c.wireLength;
            case CAP_LEN: return c.capturedLength;
            case FRAME_NUMBER: return c.frame;
            default: return -1;
        }
    }

    private static boolean compare(long actual, int op, long wanted) {
        if (actual < 0) {
            return false;
        }
        switch (op) {
            case EQ: return actual == wanted;
            case LT: return actual < wanted;
            case LE: return actual <= wanted;
            case GT: return actual > wanted;
            default: return actual >= wanted;
        }
    }

    private static final class NumberCompare extends Node {
        final Field field;
        final int op;
        final long value;

        NumberCompare(Field field, int op, long value) {
            this.field = field;
            this.op = op;
            this.value = value;
        }

        @Override
        boolean eval(Context c) {
            What what = field.what;
            if (what == What.PORT) {
                return atLevels(c, What.SPORT) || atLevels(c, What.DPORT);
            }
            if (field.other != null) {
                return atLevels(c, What.EXTRACTED) || atLevels(c, What.EXTRACTED_OTHER);
            }
            return atLevels(c, what);
        }

        private boolean atLevels(Context c, What what) {
            int level = field.level;
            if (level != EITHER) {
                return compare(number(c, field, what, level), op, value);
            }
            if (compare(number(c, field, what, OUTER), op, value)) {
                return true;
            }
            if ((c.innerIp != c.outerIp || field.extractor != null)
                    && compare(number(c, field, what, INNER), op, value)) {
                return true;
            }
            return field.quotes && c.quotedIp >= 0 && compare(number(c, field, what, QUOTED), op, value);
        }

        @Override
        public String toString() {
            return field.name + " " + OP_NAMES[op] + " " + value;
        }
    }

    private static final class AddressCompare extends Node {
        final Field field;
        final boolean v6;
        final long high;
        final long low;
        final long highMask;
        final long lowMask;
        final String text;

        AddressCompare(Field field, boolean v6, long high, long low, int prefix, String text) {
            this.field = field;
            this.v6 = v6;
            this.text = text;
            if (v6) {
                this.highMask = prefix >= 64 ? -1L : prefix == 0 ? 0 : -1L << (64 - prefix);
                this.lowMask = prefix <= 64 ? 0 : prefix >= 128 ? -1L : -1L << (128 - prefix);
            } else {
                this.highMask = 0;
                this.lowMask = prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
            }
            this.high = high & highMask;
            this.low = low & lowMask;
        }

        @Override
        boolean eval(Context c) {
            int level = field.level;
            if (level != EITHER) {
                return atLevel(c, c.ip(level));
            }
            return atLevel(c, c.outerIp) || (c.innerIp != c.outerIp && atLevel(c, c.innerIp))
                    || field.quotes && atLevel(c, c.quotedIp);
        }

        private boolean atLevel(Context c, int ip) {
            if (ip < 0) {
                return false;
            }
            switch (field.what) {
                case SRC: return side(c, ip, true);
                case DST: return side(c, ip, false);
                default: return side(c, ip, true) || side(c, ip, false);
            }
        }

        private boolean side(Context c, int ip, boolean source) {
            PacketView v = c.view;
            if (v6) {
                int at = source ? v.ipv6SourceOffset(ip) : v.ipv6DestinationOffset(ip);
                return at >= 0 && (c.buf.getLong(at) & highMask) == high
                        && (c.buf.getLong(at + Long.BYTES) & lowMask) == low;
            }
            if (v.ipVersion(ip) != 4) {
                return false;
            }
            // ipv4Source/Destination return 0 when the header is short; check it is whole.
            if (v.ttl(ip) < 0) {
                return false;
            }
            long a = (source ? v.ipv4Source(ip) : v.ipv4Destination(ip)) & 0xFFFF_FFFFL;
            return (a & lowMask) == low;
        }

        @Override
        public String toString() {
            return field.name + " in " + text;
        }
    }

    private static final class EncapEquals extends Node {
        final int kind;

        EncapEquals(int kind) {
            this.kind = kind;
        }

        @Override
        boolean eval(Context c) {
            int n = c.view.encapsulationCount();
            if (kind == 0) {
                return n == 0;
            }
            for (int i = 0; i < n; i++) {
                if (c.view.encapsulation(i) == kind) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return "encap == " + (kind == 0 ? "none" : Encapsulation.name(kind));
        }
    }

    private static final class StatusEquals extends Node {
        final LayerStatus status;

        StatusEquals(LayerStatus status) {
            this.status = status;
        }

        @Override
        boolean eval(Context c) {
            return c.stack.status() == status;
        }

        @Override
        public String toString() {
            return "status == " + status.jsonName();
        }
    }

    private static final class PointCompare extends Node {
        final String value;
        final boolean contains;

        PointCompare(String value, boolean contains) {
            this.value = value;
            this.contains = contains;
        }

        @Override
        boolean eval(Context c) {
            String p = c.point;
            if (p == null) {
                return false;
            }
            if (contains) {
                return p.contains(value);
            }
            return p.equals(value)
                    || (p.length() > value.length() && p.startsWith(value) && p.charAt(value.length()) == ':');
        }

        @Override
        public String toString() {
            return "point " + (contains ? "contains " : "== ") + value;
        }
    }

    /** A name field resolved to the addresses it names: true when either address at either level is one of them. */
    private static final class Named extends Node {
        final Node addresses;
        final String text;

        Named(Node addresses, String text) {
            this.addresses = addresses;
            this.text = text;
        }

        @Override
        boolean eval(Context c) {
            return addresses.eval(c);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** A MAC address field ({@code eth.src}, {@code arp.src.hw_mac}...): any layer of its type matches. */
    static final class MacCompare extends Node {
        final Field field;
        final long mac;
        final String text;

        MacCompare(Field field, long mac, String text) {
            this.field = field;
            this.mac = mac;
            this.text = text;
        }

        /** The first non-quoted layer of a type, or -1. */
        static int first(Context c, int type) {
            LayerStack s = c.stack;
            for (int i = 0, n = s.count(); i < n; i++) {
                if (s.type(i) == type && !s.isQuoted(i)) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        boolean eval(Context c) {
            LayerStack s = c.stack;
            for (int i = 0, n = s.count(); i < n; i++) {
                if (s.type(i) != field.layerType || s.isQuoted(i)) {
                    continue;
                }
                int at = s.offset(i);
                boolean arp = field.layerType == LayerType.ARP;
                if (arp && (s.headerLength(i) < ArpHeader.ETHERNET_IPV4_LENGTH
                        || (c.buf.get(at + ArpHeader.HARDWARE_LENGTH_OFFSET) & 0xFF) != ArpHeader.ETHERNET_LENGTH)
                        || !arp && s.headerLength(i) < EthernetHeader.LENGTH) {
                    continue;
                }
                // The Ethernet/IPv4 layout of ARP: sender MAC and IPv4, then target MAC.
                int src = arp ? at + ArpHeader.ADDRESSES_OFFSET : at + EthernetHeader.SOURCE_OFFSET;
                int dst = arp ? at + ArpHeader.ADDRESSES_OFFSET + ArpHeader.ETHERNET_LENGTH + ArpHeader.IPV4_LENGTH
                        : at + EthernetHeader.DESTINATION_OFFSET;
                if (field.what != What.DST && mac(c.buf, src) == mac
                        || field.what != What.SRC && mac(c.buf, dst) == mac) {
                    return true;
                }
            }
            return false;
        }

        private static long mac(ByteBuffer b, int at) {
            return Addresses.mac(b, at);
        }

        @Override
        public String toString() {
            return field.name + " == " + text;
        }
    }

    /** An IPv4 value read by an extractor (ARP's addresses), equal or in a CIDR block. */
    static final class Ipv4Compare extends Node {
        final Field field;
        final long value;
        final long mask;
        final String text;

        Ipv4Compare(Field field, long value, int prefix, String text) {
            this.field = field;
            this.mask = prefix == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
            this.value = value & mask;
            this.text = text;
        }

        @Override
        boolean eval(Context c) {
            long a = field.extractor.get(c, OUTER);
            return a >= 0 && (a & mask) == value;
        }

        @Override
        public String toString() {
            return field.name + " == " + text;
        }
    }

    /** A field alone: present. */
    private static final class Present extends Node {
        final Field field;

        Present(Field field) {
            this.field = field;
        }

        @Override
        boolean eval(Context c) {
            switch (field.kind) {
                case ADDRESS:
                    if (field.family != 0) {
                        int version = field.family;
                        return c.view.ipVersion(c.outerIp) == version || c.view.ipVersion(c.innerIp) == version
                                || field.quotes && c.view.ipVersion(c.quotedIp) == version;
                    }
                    return field.level == INNER ? c.innerIp >= 0 : c.outerIp >= 0;
                case MAC:
                    return MacCompare.first(c, field.layerType) >= 0;
                case IPV4:
                    return field.extractor.get(c, OUTER) >= 0;
                case ENCAP:
                    return c.view.encapsulationCount() > 0;
                case STATUS:
                    return true;
                case POINT:
                    return c.point != null;
                default: {
                    What what = field.what;
                    if (what == What.PORT) {
                        return has(c, What.SPORT);
                    }
                    return has(c, what);
                }
            }
        }

        private boolean has(Context c, What what) {
            if (field.level == EITHER) {
                return number(c, field, what, OUTER) >= 0 || number(c, field, what, INNER) >= 0
                        || field.quotes && c.quotedIp >= 0 && number(c, field, what, QUOTED) >= 0;
            }
            return number(c, field, what, field.level) >= 0;
        }

        @Override
        public String toString() {
            return field.name;
        }
    }

    /** A protocol name alone: the packet has a (non-quoted) layer of that type. */
    private static final class HasLayer extends Node {
        final String name;
        final int type;

        HasLayer(String name, int type) {
            this.name = name;
            this.type = type;
        }

        @Override
        boolean eval(Context c) {
            LayerStack s = c.stack;
            if (type == FRAG) {
                return fragment(c, c.outerIp) || (c.innerIp != c.outerIp && fragment(c, c.innerIp));
            }
            for (int i = 0, n = s.count(); i < n; i++) {
                if (s.type(i) == type && !s.isQuoted(i)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean fragment(Context c, int ip) {
            if (c.reassembled(ip)) {
                return true;
            }
            return ip >= 0 && (c.view.moreFragments(ip) || c.view.fragmentOffset(ip) > 0);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    // ------------------------------------------------------------------ tokens

    private enum T { WORD, STRING, EQ, NE, LT, LE, GT, GE, AND, OR, NOT, LPAREN, RPAREN, LBRACE, RBRACE, COMMA, TILDE, END }

    private record Token(T type, String text, int pos, int end) {
    }

    private static boolean wordChar(char ch) {
        return Character.isLetterOrDigit(ch) || ch == '_' || ch == '.' || ch == ':' || ch == '/'
                || ch == '-' || ch == '#' || ch == '@' || ch == '+';
    }

    private static List<Token> tokenize(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char ch = s.charAt(i);
            if (Character.isWhitespace(ch)) {
                i++;
                continue;
            }
            int start = i;
            String two = i + 1 < n ? s.substring(i, i + 2) : "";
            T type = switch (two) {
                case "==" -> T.EQ;
                case "!=" -> T.NE;
                case "<=" -> T.LE;
                case ">=" -> T.GE;
                case "&&" -> T.AND;
                case "||" -> T.OR;
                default -> null;
            };
            if (type != null) {
                out.add(new Token(type, two, start, start + 2));
                i += 2;
                continue;
            }
            type = switch (ch) {
                case '<' -> T.LT;
                case '>' -> T.GT;
                case '!' -> T.NOT;
                case '(' -> T.LPAREN;
                case ')' -> T.RPAREN;
                case '{' -> T.LBRACE;
                case '}' -> T.RBRACE;
                case ',' -> T.COMMA;
                case '~' -> T.TILDE;
                default -> null;
            };
            if (type != null) {
                out.add(new Token(type, String.valueOf(ch), start, start + 1));
                i++;
                continue;
            }
            if (ch == '=') {
                throw new FilterSyntaxException(s, "'=' is not an operator (use '==')", start);
            }
            if (ch == '&' || ch == '|') {
                throw new FilterSyntaxException(s, "'" + ch + "' is not an operator (use '" + ch + ch + "')", start);
            }
            if (ch == '"') {
                StringBuilder sb = new StringBuilder();
                i++;
                while (i < n && s.charAt(i) != '"') {
                    if (s.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    sb.append(s.charAt(i));
                    i++;
                }
                if (i >= n) {
                    throw new FilterSyntaxException(s, "unterminated string", start);
                }
                i++;
                out.add(new Token(T.STRING, sb.toString(), start, i));
                continue;
            }
            if (!wordChar(ch)) {
                throw new FilterSyntaxException(s, "unexpected character '" + ch + "'", start);
            }
            while (i < n && wordChar(s.charAt(i))) {
                i++;
            }
            String word = s.substring(start, i);
            T keyword = switch (word.toLowerCase(Locale.ROOT)) {
                case "and" -> T.AND;
                case "or" -> T.OR;
                case "not" -> T.NOT;
                case "eq" -> T.EQ;
                case "ne" -> T.NE;
                case "lt" -> T.LT;
                case "le" -> T.LE;
                case "gt" -> T.GT;
                case "ge" -> T.GE;
                default -> T.WORD;
            };
            out.add(new Token(keyword, word, start, i));
        }
        int end = n;
        while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        out.add(new Token(T.END, "", end, end));
        return out;
    }

    // ------------------------------------------------------------------ parser

    private static final class Parser {
        private final String text;
        private final List<Token> tokens;
        private final AddressNames names;
        private int at;

        Parser(String text, List<Token> tokens, AddressNames names) {
            this.text = text;
            this.tokens = tokens;
            this.names = names;
        }

        Token peek() {
            return tokens.get(at);
        }

        Token next() {
            return tokens.get(at++);
        }

        private FilterSyntaxException error(String reason, int position) {
            return new FilterSyntaxException(text, reason, position);
        }

        Node parseOr() {
            Node left = parseAnd();
            while (peek().type == T.OR) {
                Token op = next();
                left = new Or(left, operand(op, parseAnd()));
            }
            return left;
        }

        Node parseAnd() {
            Node left = parseNot();
            while (peek().type == T.AND) {
                Token op = next();
                left = new And(left, operand(op, parseNot()));
            }
            return left;
        }

        private Node operand(Token op, Node node) {
            return node;
        }

        Node parseNot() {
            if (peek().type == T.NOT) {
                next();
                return new Not(parseNot());
            }
            return parsePrimary();
        }

        Node parsePrimary() {
            Token t = peek();
            Token before = at > 0 ? tokens.get(at - 1) : null;
            switch (t.type) {
                case LPAREN: {
                    next();
                    Node inside = parseOr();
                    Token close = peek();
                    if (close.type != T.RPAREN) {
                        if (close.type == T.END) {
                            throw error("missing ')' for the '(' at " + t.pos, close.pos);
                        }
                        throw error("expected ')' instead of '" + close.text + "'", close.pos);
                    }
                    next();
                    return inside;
                }
                case WORD:
                    next();
                    return comparison(t);
                case END:
                    throw error(before == null ? "empty expression"
                            : "expected a field or '(' after '" + before.text + "'", t.pos);
                default:
                    throw error("expected a field or '(' instead of '" + t.text + "'", t.pos);
            }
        }

        private Node comparison(Token name) {
            String key = name.text.toLowerCase(Locale.ROOT);
            Field field = FIELDS.get(key);
            Token op = peek();
            boolean isOperator = switch (op.type) {
                case EQ, NE, LT, LE, GT, GE, TILDE -> true;
                case WORD -> op.text.equalsIgnoreCase("in") || op.text.equalsIgnoreCase("contains");
                default -> false;
            };
            if (field == null) {
                Integer layer = PROTOCOL_LAYERS.get(key);
                if (layer != null && !isOperator) {
                    return new HasLayer(key, layer);
                }
                throw error("unknown field '" + name.text + "'", name.pos);
            }
            if (field.kind == Kind.NAME && names.isEmpty()) {
                throw error("'" + field.name + "' needs names: give --k8s FILE.json (kubectl get pods,nodes,services -A "
                        + "-o json) or a directory tunnelscope collect wrote", name.pos);
            }
            if (!isOperator) {
                return field.kind == Kind.NAME ? named(field, null, name) : new Present(field);
            }
            next();
            if (op.type == T.WORD && op.text.equalsIgnoreCase("in")) {
                if (peek().type == T.LBRACE) {
                    return set(field, next());
                }
                Token value = value(op);
                if (field.kind != Kind.ADDRESS || value.text.indexOf('/') < 0) {
                    throw error("'in' needs a CIDR block or a set {...} for '" + field.name + "'", value.pos);
                }
                return equal(field, value);
            }
            if (op.type == T.TILDE || op.type == T.WORD) {
                Token value = value(op);
                if (field.kind != Kind.POINT) {
                    throw error("'" + op.text + "' applies to point only", op.pos);
                }
                return new PointCompare(value.text, true);
            }
            Token value = value(op);
            switch (op.type) {
                case EQ:
                    return equal(field, value);
                case NE:
                    return new Not(equal(field, value));
                default: {
                    if (field.kind != Kind.NUMBER) {
                        throw error("'" + op.text + "' needs a number field, not '" + field.name + "'", op.pos);
                    }
                    int code = switch (op.type) {
                        case LT -> LT;
                        case LE -> LE;
                        case GT -> GT;
                        default -> GE;
                    };
                    return new NumberCompare(field, code, number(field, value));
                }
            }
        }

        private Token value(Token op) {
            Token v = peek();
            if (v.type != T.WORD && v.type != T.STRING) {
                throw error("expected a value after '" + op.text + "'", v.type == T.END ? op.end : v.pos);
            }
            return next();
        }

        private Node set(Field field, Token brace) {
            Node result = null;
            while (true) {
                Token t = peek();
                if (t.type == T.COMMA) {
                    next();
                    continue;
                }
                if (t.type == T.RBRACE) {
                    next();
                    break;
                }
                if (t.type == T.END) {
                    throw error("missing '}' for the '{' at " + brace.pos, t.pos);
                }
                if (t.type != T.WORD && t.type != T.STRING) {
                    throw error("expected a value in the set instead of '" + t.text + "'", t.pos);
                }
                next();
                Node one = equal(field, t);
                result = result == null ? one : new Or(result, one);
            }
            if (result == null) {
                throw error("empty set", brace.pos);
            }
            return result;
        }

        private Node equal(Field field, Token value) {
            String v = value.text;
            switch (field.kind) {
                case NAME:
                    return named(field, v, value);
                case ADDRESS:
                    return address(field, value);
                case MAC: {
                    long mac = parseMac(v);
                    if (mac < 0) {
                        throw error("'" + v + "' is not a MAC address (aa:bb:cc:dd:ee:ff)", value.pos);
                    }
                    return new MacCompare(field, mac, v);
                }
                case IPV4: {
                    int slash = v.indexOf('/');
                    long a = parseIpv4(slash < 0 ? v : v.substring(0, slash));
                    int prefix = 32;
                    if (slash >= 0) {
                        try {
                            prefix = Integer.parseInt(v.substring(slash + 1));
                        } catch (NumberFormatException e) {
                            prefix = -1;
                        }
                    }
                    if (a < 0 || prefix < 0 || prefix > 32) {
                        throw error("'" + v + "' is not an IPv4 address or block", value.pos);
                    }
                    return new Ipv4Compare(field, a, prefix, v);
                }
                case NUMBER:
                    return new NumberCompare(field, EQ, number(field, value));
                case ENCAP: {
                    int kind = v.equalsIgnoreCase("none") ? 0 : Encapsulation.byName(v);
                    if (kind == 0 && !v.equalsIgnoreCase("none")) {
                        throw error("'" + v + "' is not an encapsulation (" + encapsulationWords() + ")", value.pos);
                    }
                    return new EncapEquals(kind);
                }
                case STATUS: {
                    for (LayerStatus s : LayerStatus.values()) {
                        if (s.jsonName().equalsIgnoreCase(v)) {
                            return new StatusEquals(s);
                        }
                    }
                    throw error("'" + v + "' is not a status (ok, truncated, malformed)", value.pos);
                }
                default:
                    return new PointCompare(v, false);
            }
        }

        /** The addresses {@code value} names in {@code field} (every one of the kind when null), as one node. */
        private Node named(Field field, String value, Token at) {
            List<IpBlock> blocks;
            AddressNames.Kind kind = switch (field.what) {
                case POD -> AddressNames.Kind.POD;
                case SERVICE -> AddressNames.Kind.SERVICE;
                default -> AddressNames.Kind.NODE;
            };
            if (value == null) {
                blocks = field.what == What.NAMESPACE ? new ArrayList<>() : names.all(kind);
                if (field.what == What.NAMESPACE) {
                    for (String ns : names.namespaces()) {
                        blocks.addAll(names.namespace(ns));
                    }
                }
            } else {
                blocks = switch (field.what) {
                    case POD -> names.pod(value);
                    case SERVICE -> names.service(value);
                    case NODE -> names.node(value);
                    default -> names.namespace(value);
                };
            }
            if (blocks.isEmpty()) {
                java.util.Set<String> known = field.what == What.NAMESPACE ? names.namespaces() : names.names(kind);
                String list = known.isEmpty() ? "none" : String.join(", ", known.stream().limit(8).toList())
                        + (known.size() > 8 ? ", ..." : "");
                throw error(value == null ? "no " + field.name + " has an address in the names"
                        : "no " + field.name + " '" + value + "' in the names (known: " + list + ")", at.pos);
            }
            Field addr = FIELDS.get("addr");
            Node any = null;
            for (IpBlock block : blocks) {
                byte[] b = block.bytes();
                Node one;
                if (block.ipv4()) {
                    one = new AddressCompare(addr, false, 0, block.ipv4Network() & 0xFFFF_FFFFL, block.prefixLength(),
                            block.toString());
                } else {
                    java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b);
                    one = new AddressCompare(addr, true, buf.getLong(0), buf.getLong(8), block.prefixLength(),
                            block.toString());
                }
                any = any == null ? one : new Or(any, one);
            }
            return new Named(any, value == null ? field.name : field.name + " == \"" + value + "\"");
        }

        private long number(Field field, Token value) {
            String v = value.text.toLowerCase(Locale.ROOT);
            if (field.seconds) {
                try {
                    java.math.BigDecimal seconds = new java.math.BigDecimal(v);
                    if (seconds.signum() >= 0) {
                        return seconds.movePointRight(9).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
                    }
                } catch (NumberFormatException | ArithmeticException e) {
                    // below
                }
                throw error("'" + value.text + "' is not a number of seconds for '" + field.name + "'", value.pos);
            }
            if (v.equals("true")) {
                return 1;
            }
            if (v.equals("false")) {
                return 0;
            }
            if (field.what == What.PROTO) {
                int p = IpProtocols.number(v);
                if (p >= 0) {
                    return p;
                }
            }
            try {
                long n = v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
                if (n >= 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw error("'" + value.text + "' is not a " + (field.what == What.PROTO
                    ? "protocol number or name (icmp, tcp, udp, gre, icmpv6, ...)" : "number")
                    + " for '" + field.name + "'", value.pos);
        }

        private Node address(Field field, Token value) {
            String v = value.text;
            int slash = v.indexOf('/');
            String addr = slash < 0 ? v : v.substring(0, slash);
            boolean v6 = addr.indexOf(':') >= 0;
            if (field.family == 4 && v6 || field.family == 6 && !v6) {
                throw error("'" + field.name + "' is an IPv" + field.family + " address, not '" + addr + "'", value.pos);
            }
            int max = v6 ? 128 : 32;
            int prefix = max;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(v.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > max) {
                    throw error("bad prefix length in '" + v + "' (0 to " + max + ")", value.pos + slash + 1);
                }
            }
            if (v6) {
                long[] a = parseIpv6(addr);
                if (a == null) {
                    throw error("'" + addr + "' is not an IPv6 address", value.pos);
                }
                return new AddressCompare(field, true, a[0], a[1], prefix, v);
            }
            long a = parseIpv4(addr);
            if (a < 0) {
                throw error("'" + addr + "' is not an IP address", value.pos);
            }
            return new AddressCompare(field, false, 0, a, prefix, v);
        }
    }

    /** Dotted-quad IPv4 as an unsigned value, or -1. */
    static long parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return -1;
        }
        long a = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3) {
                return -1;
            }
            int octet = 0;
            for (int i = 0; i < p.length(); i++) {
                char ch = p.charAt(i);
                if (ch < '0' || ch > '9') {
                    return -1;
                }
                octet = octet * 10 + (ch - '0');
            }
            if (octet > 255) {
                return -1;
            }
            a = (a << 8) | octet;
        }
        return a;
    }

    /** A MAC address ({@code aa:bb:cc:dd:ee:ff}, also with {@code -} or {@code .} between bytes) as 48 bits, or -1. */
    static long parseMac(String s) {
        String[] parts = s.split("[:.-]", -1);
        if (parts.length != 6) {
            return -1;
        }
        long mac = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 2) {
                return -1;
            }
            int b = 0;
            for (int i = 0; i < p.length(); i++) {
                int d = Character.digit(p.charAt(i), 16);
                if (d < 0) {
                    return -1;
                }
                b = b << 4 | d;
            }
            mac = mac << 8 | b;
        }
        return mac;
    }

    /** An IPv6 address (with {@code ::} and an optional dotted IPv4 tail) as {high, low}, or null. */
    static long[] parseIpv6(String s) {
        int dc = s.indexOf("::");
        if (dc >= 0 && s.indexOf("::", dc + 1) >= 0) {
            return null;
        }
        List<Integer> head = new ArrayList<>();
        List<Integer> tail = new ArrayList<>();
        if (dc >= 0) {
            if (!groups(s.substring(0, dc), head, false) || !groups(s.substring(dc + 2), tail, true)) {
                return null;
            }
            if (head.size() + tail.size() > 7) {
                return null;
            }
        } else {
            if (!groups(s, head, true) || head.size() != 8) {
                return null;
            }
        }
        int[] words = new int[8];
        for (int i = 0; i < head.size(); i++) {
            words[i] = head.get(i);
        }
        for (int i = 0; i < tail.size(); i++) {
            words[8 - tail.size() + i] = tail.get(i);
        }
        long high = 0;
        long low = 0;
        for (int i = 0; i < 4; i++) {
            high = (high << 16) | words[i];
            low = (low << 16) | words[i + 4];
        }
        return new long[] {high, low};
    }

    private static boolean groups(String s, List<Integer> out, boolean ipv4Tail) {
        if (s.isEmpty()) {
            return true;
        }
        String[] parts = s.split(":", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (ipv4Tail && i == parts.length - 1 && p.indexOf('.') >= 0) {
                long v4 = parseIpv4(p);
                if (v4 < 0) {
                    return false;
                }
                out.add((int) (v4 >>> 16));
                out.add((int) (v4 & 0xFFFF));
                return true;
            }
            if (p.isEmpty() || p.length() > 4) {
                return false;
            }
            int w = 0;
            for (int k = 0; k < p.length(); k++) {
                int d = Character.digit(p.charAt(k), 16);
                if (d < 0) {
                    return false;
                }
                w = (w << 4) | d;
            }
            out.add(w);
        }
        return true;
    }
}
