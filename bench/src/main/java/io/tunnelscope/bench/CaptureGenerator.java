package io.tunnelscope.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic synthetic captures for benchmarks: classic pcap (little-endian, microseconds,
 * Ethernet) of a flannel-like overlay between two hosts. Frames of 64 to 1500 bytes, plain
 * pod-to-pod traffic, VXLAN on UDP 8472 and flannel's UDP backend on 8285; TCP, UDP and ICMP echo;
 * about {@code flows} inner flows; every checksum correct. The same configuration always gives
 * the same bytes. With {@code points > 1} the same packets are written once per capture point
 * ({@code hostN-ens33.pcap} in a directory), each point later by 15 µs and one TTL lower, so
 * correlation has journeys to assemble.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.tunnelscope.bench.CaptureGenerator \
 *     --packets 2000000 [--sizes mix|small|large] [--flows 10000] [--points 1] [--seed 1] OUT
 * </pre>
 */
public final class CaptureGenerator {
    /** Frame size distributions. */
    public enum Sizes {
        /** ~100-byte frames (90..110, at least the headers). */
        SMALL,
        /** ~1400-byte frames (1380..1450). */
        LARGE,
        /** 40% 64..128, 20% 129..1000, 40% 1300..1500 bytes. */
        MIX
    }

    /** What to generate. */
    public static final class Config {
        public long packets = 1_000_000;
        public long seed = 1;
        public int flows = 10_000;
        public Sizes sizes = Sizes.MIX;
        public int points = 1;
        /** First timestamp, ns since the epoch (2023-11-14). */
        public long startNanos = 1_700_000_000_000_000_000L;
        /** Mean gap between packets. */
        public long gapNanos = 1_000;
    }

    static final int ENCAP_NONE = 0;
    static final int ENCAP_VXLAN = 1;
    static final int ENCAP_FLANNEL_UDP = 2;
    private static final int MAX_FRAME = 1514;
    private static final int STEP_NANOS = 15_000;

    private final Config config;
    private final SplittableRandom random;
    private final int[] ipId;
    private final int[] sequence;
    private final byte[] pattern = new byte[4096];
    private final ByteBuffer frame = ByteBuffer.allocate(MAX_FRAME + 64);
    private long index;
    private long nanos;
    private int outerIpAt;
    private int outerIpId;

    public CaptureGenerator(Config config) {
        if (config.flows < 1 || config.flows > 50_000) {
            throw new IllegalArgumentException("flows must be 1..50000");
        }
        if (config.points < 1 || config.points > 16) {
            throw new IllegalArgumentException("points must be 1..16");
        }
        this.config = config;
        this.random = new SplittableRandom(config.seed);
        this.ipId = new int[config.flows];
        this.sequence = new int[config.flows];
        for (int f = 0; f < config.flows; f++) {
            ipId[f] = random.nextInt(65536);
            sequence[f] = random.nextInt();
        }
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i * 31 + 7);
        }
        this.nanos = config.startNanos;
    }

    /** The encapsulation of flow {@code f}: 2/5 plain, 2/5 VXLAN, 1/5 flannel UDP. */
    static int encapsulation(int f) {
        int k = (f / 10) % 5;
        return k < 2 ? ENCAP_NONE : k < 4 ? ENCAP_VXLAN : ENCAP_FLANNEL_UDP;
    }

    /** The inner protocol of flow {@code f}: 60% TCP, 30% UDP, 10% ICMP. */
    static int protocol(int f) {
        int k = f % 10;
        return k < 6 ? 6 : k < 9 ? 17 : 1;
    }

    /**
     * Builds the next frame into {@link #frame} (position 0, limit = length) and advances time.
     */
    ByteBuffer next() {
        int f = random.nextInt(config.flows);
        int size = frameSize();
        nanos += 1 + random.nextLong(2 * config.gapNanos);
        int encap = encapsulation(f);
        int protocol = protocol(f);
        ByteBuffer b = frame.clear();
        int innerHeaders = 20 + (protocol == 6 ? 20 : 8);
        int tunnel = encap == ENCAP_VXLAN ? 14 + 20 + 8 + 8 + 14 : encap == ENCAP_FLANNEL_UDP ? 14 + 20 + 8 : 14;
        int payload = Math.max(0, size - tunnel - innerHeaders);
        int innerLength = innerHeaders + payload;

        if (encap == ENCAP_NONE) {
            ethernet(b, 0x0A58_0AF4_0102L, 0x0A58_0AF4_0201L);
            outerIpAt = b.position();
            inner(b, f, protocol, payload, innerLength);
        } else {
            ethernet(b, 0x0050_5600_0001L, 0x0050_5600_0002L);
            outerIpAt = b.position();
            int udpLength = 8 + (encap == ENCAP_VXLAN ? 8 + 14 : 0) + innerLength;
            outerIpId = (int) (index * 7) & 0xFFFF;
            ipv4(b, outerIpId, 17, 20 + udpLength, 0xC0A8_3201, 0xC0A8_3202);
            b.putShort((short) (32768 + (f * 7919) % 28000));
            b.putShort((short) (encap == ENCAP_VXLAN ? 8472 : 8285));
            b.putShort((short) udpLength).putShort((short) 0);
            if (encap == ENCAP_VXLAN) {
                b.putInt(0x0800_0000).putInt(1 << 8);
                ethernet(b, 0x1E00_0000_0001L, 0x1E00_0000_0002L);
            }
            inner(b, f, protocol, payload, innerLength);
        }
        b.flip();
        index++;
        return b;
    }

    private int frameSize() {
        switch (config.sizes) {
            case SMALL:
                return 90 + random.nextInt(21);
            case LARGE:
                return 1380 + random.nextInt(71);
            default:
                int k = random.nextInt(10);
                return k < 4 ? 64 + random.nextInt(65) : k < 6 ? 129 + random.nextInt(872) : 1300 + random.nextInt(201);
        }
    }

    private static void ethernet(ByteBuffer b, long src, long dst) {
        b.putShort((short) (dst >>> 32)).putInt((int) dst);
        b.putShort((short) (src >>> 32)).putInt((int) src);
        b.putShort((short) 0x0800);
    }

    private static void ipv4(ByteBuffer b, int id, int protocol, int totalLength, int src, int dst) {
        int at = b.position();
        b.put((byte) 0x45).put((byte) 0).putShort((short) totalLength);
        b.putShort((short) id).putShort((short) 0x4000);
        b.put((byte) 64).put((byte) protocol).putShort((short) 0);
        b.putInt(src).putInt(dst);
        b.putShort(at + 10, (short) checksum(sum(b, at, at + 20)));
    }

    private void inner(ByteBuffer b, int f, int protocol, int payload, int innerLength) {
        int src = 0x0AF4_0100 | (2 + f % 250);
        int dst = 0x0AF4_0200 | (2 + (f / 250) % 250);
        int id = ipId[f];
        ipId[f] = (id + 1) & 0xFFFF;
        int ipAt = b.position();
        ipv4(b, id, protocol, innerLength, src, dst);
        int l4 = b.position();
        int sport = 10_000 + f;
        if (protocol == 6) {
            int seq = sequence[f];
            sequence[f] = seq + payload;
            b.putShort((short) sport).putShort((short) (f % 3 == 0 ? 443 : 80));
            b.putInt(seq).putInt(0x1000_0000 + f);
            b.putShort((short) 0x5018).putShort((short) 502).putInt(0);
        } else if (protocol == 17) {
            b.putShort((short) sport).putShort((short) (f % 2 == 0 ? 4000 : 5201));
            b.putShort((short) (8 + payload)).putShort((short) 0);
        } else {
            b.put((byte) 8).put((byte) 0).putShort((short) 0);
            b.putShort((short) f).putShort((short) id);
        }
        int data = b.position();
        b.putLong(index);
        int rest = payload - 8;
        if (rest < 0) {
            b.position(data + payload);
        } else {
            b.put(pattern, (int) (index & 1023), rest);
        }
        int end = b.position();
        if (protocol == 1) {
            b.putShort(l4 + 2, (short) checksum(sum(b, l4, end)));
        } else {
            long pseudo = (src >>> 16) + (src & 0xFFFF) + (dst >>> 16) + (dst & 0xFFFF) + protocol + (end - l4);
            int value = checksum(pseudo + sum(b, l4, end));
            if (protocol == 17 && value == 0) {
                value = 0xFFFF;
            }
            b.putShort(l4 + (protocol == 6 ? 16 : 6), (short) value);
        }
        if (ipAt < 0) {
            throw new AssertionError();
        }
    }

    private static long sum(ByteBuffer b, int from, int to) {
        long sum = 0;
        int i = from;
        for (; i + 1 < to; i += 2) {
            sum += b.getShort(i) & 0xFFFF;
        }
        if (i < to) {
            sum += (b.get(i) & 0xFF) << 8;
        }
        return sum;
    }

    private static int checksum(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return ~(int) sum & 0xFFFF;
    }

    /** Lowers the outermost IPv4 TTL by one and fixes its header checksum (the next hop's view). */
    void nextHop() {
        int ttl = frame.get(outerIpAt + 8) & 0xFF;
        frame.put(outerIpAt + 8, (byte) (ttl - 1));
        frame.putShort(outerIpAt + 10, (short) 0);
        frame.putShort(outerIpAt + 10, (short) checksum(sum(frame, outerIpAt, outerIpAt + 20)));
    }

    /** Timestamp of the packet last built. */
    long nanos() {
        return nanos;
    }

    /**
     * Writes the configured capture: a pcap file at {@code out} when {@code points == 1}, else
     * a directory {@code out} holding {@code host1-ens33.pcap}, {@code host2-ens33.pcap}, ...
     *
     * @return the files written
     */
    public static List<Path> generate(Config config, Path out) throws IOException {
        List<Path> files = new ArrayList<>();
        if (config.points == 1) {
            files.add(out);
        } else {
            Files.createDirectories(out);
            for (int p = 1; p <= config.points; p++) {
                files.add(out.resolve("host" + p + "-ens33.pcap"));
            }
        }
        CaptureGenerator generator = new CaptureGenerator(config);
        List<PcapOut> writers = new ArrayList<>();
        try {
            for (Path file : files) {
                writers.add(new PcapOut(file));
            }
            for (long i = 0; i < config.packets; i++) {
                ByteBuffer frame = generator.next();
                for (int p = 0; p < writers.size(); p++) {
                    if (p > 0) {
                        generator.nextHop();
                    }
                    writers.get(p).write(generator.nanos() + (long) p * STEP_NANOS, frame);
                }
            }
        } finally {
            for (PcapOut writer : writers) {
                writer.close();
            }
        }
        return files;
    }

    /** A classic pcap writer: little-endian, microsecond timestamps, Ethernet, snaplen 65535. */
    static final class PcapOut implements AutoCloseable {
        private final FileChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(4 << 20).order(ByteOrder.LITTLE_ENDIAN);

        PcapOut(Path path) throws IOException {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            buffer.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                    .putInt(65535).putInt(1);
        }

        void write(long nanos, ByteBuffer frame) throws IOException {
            int length = frame.remaining();
            if (buffer.remaining() < 16 + length) {
                drain();
            }
            buffer.putInt((int) (nanos / 1_000_000_000L)).putInt((int) (nanos % 1_000_000_000L / 1000));
            buffer.putInt(length).putInt(length);
            buffer.put(frame.duplicate());
        }

        private void drain() throws IOException {
            buffer.flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            buffer.clear();
        }

        @Override
        public void close() throws IOException {
            try {
                drain();
            } finally {
                channel.close();
            }
        }
    }

    public static void main(String[] args) throws IOException {
        Config config = new Config();
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--packets": config.packets = parseCount(args[++i]); break;
                case "--sizes": config.sizes = Sizes.valueOf(args[++i].toUpperCase(java.util.Locale.ROOT)); break;
                case "--flows": config.flows = Integer.parseInt(args[++i]); break;
                case "--points": config.points = Integer.parseInt(args[++i]); break;
                case "--seed": config.seed = Long.parseLong(args[++i]); break;
                default:
                    if (a.startsWith("-") || out != null) {
                        System.err.println("usage: CaptureGenerator [--packets N] [--sizes mix|small|large] "
                                + "[--flows N] [--points N] [--seed N] OUT");
                        System.exit(2);
                    }
                    out = Path.of(a);
            }
        }
        if (out == null) {
            System.err.println("usage: CaptureGenerator [--packets N] [--sizes mix|small|large] [--flows N] "
                    + "[--points N] [--seed N] OUT");
            System.exit(2);
        }
        long start = System.nanoTime();
        List<Path> files = generate(config, out);
        long bytes = 0;
        for (Path file : files) {
            bytes += Files.size(file);
        }
        System.err.printf("wrote %d packets x %d point(s), %d bytes, to %s in %.1f s%n", config.packets,
                config.points, bytes, out, (System.nanoTime() - start) / 1e9);
    }

    private static long parseCount(String s) {
        String t = s.toLowerCase(java.util.Locale.ROOT).replace("_", "");
        long unit = 1;
        if (t.endsWith("k")) {
            unit = 1_000;
        } else if (t.endsWith("m")) {
            unit = 1_000_000;
        }
        return Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit;
    }
}
