package io.tunnelscope.capture;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Test-only writers of pcap and pcapng fixtures, and helpers to read captures back. */
final class TestCaptures {
    private TestCaptures() {
    }

    /** A packet as tests compare them. */
    record Packet(long timestampNanos, long originalLength, byte[] data, int linkType, int interfaceId,
                  long frameNumber, long fileOffset) {
        Packet(long timestampNanos, byte[] data) {
            this(timestampNanos, data.length, data, 0, 0, 0, 0);
        }

        static Packet of(PacketRecord r) {
            return new Packet(r.timestampNanos(), r.originalLength(), r.copyBytes(), r.linkType(),
                    r.interfaceId(), r.frameNumber(), r.fileOffset());
        }

        /** Equal as captured data: time, lengths and bytes. */
        boolean sameCapture(Packet o) {
            return timestampNanos == o.timestampNanos && originalLength == o.originalLength
                    && Arrays.equals(data, o.data);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Packet p && sameCapture(p) && linkType == p.linkType
                    && interfaceId == p.interfaceId && frameNumber == p.frameNumber && fileOffset == p.fileOffset;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(timestampNanos) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Packet[#" + frameNumber + " @" + fileOffset + " if" + interfaceId + " lt" + linkType
                    + " t=" + timestampNanos + " len=" + data.length + "/" + originalLength + "]";
        }
    }

    /** Reads every packet of {@code file}; a framing error propagates. */
    static List<Packet> readAll(Path file) throws IOException {
        try (CaptureReader reader = CaptureReaders.open(file)) {
            return readAll(reader);
        }
    }

    static List<Packet> readAll(CaptureReader reader) throws IOException {
        List<Packet> out = new ArrayList<>();
        PacketRecord r = new PacketRecord();
        while (reader.next(r)) {
            out.add(Packet.of(r));
        }
        return out;
    }

    static Path write(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes);
        return file;
    }

    static Path gzip(Path file, byte[] bytes) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(bytes);
        }
        return file;
    }

    /** A classic pcap file. */
    static final class Pcap {
        private final ByteBuffer b;

        Pcap(ByteOrder order, boolean nanos, int linkType, int snaplen) {
            b = ByteBuffer.allocate(1 << 20).order(order);
            b.putInt(nanos ? 0xA1B23C4D : 0xA1B2C3D4).putShort((short) 2).putShort((short) 4)
                    .putInt(0).putInt(0).putInt(snaplen).putInt(linkType);
            this.nanos = nanos;
        }

        private final boolean nanos;

        Pcap packet(long timestampNanos, byte[] data, long originalLength) {
            long seconds = timestampNanos / 1_000_000_000L;
            long frac = timestampNanos % 1_000_000_000L;
            return record((int) seconds, (int) (nanos ? frac : frac / 1000), data.length, (int) originalLength)
                    .raw(data);
        }

        Pcap record(int seconds, int fraction, int caplen, int origlen) {
            b.putInt(seconds).putInt(fraction).putInt(caplen).putInt(origlen);
            return this;
        }

        Pcap raw(byte[] bytes) {
            b.put(bytes);
            return this;
        }

        int size() {
            return b.position();
        }

        byte[] bytes() {
            return Arrays.copyOf(b.array(), b.position());
        }
    }

    /** A pcapng file built block by block. */
    static final class Pcapng {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private ByteOrder order = ByteOrder.LITTLE_ENDIAN;

        /** Starts a section in {@code order}; options are (code, value) pairs. */
        Pcapng shb(ByteOrder order, Object... options) {
            this.order = order;
            ByteBuffer body = buf(16).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1);
            return block(0x0A0D0D0A, concat(body.array(), options(options)));
        }

        Pcapng idb(int linkType, int snaplen, Object... options) {
            ByteBuffer body = buf(8).putShort((short) linkType).putShort((short) 0).putInt(snaplen);
            return block(1, concat(body.array(), options(options)));
        }

        Pcapng epb(int interfaceId, long ticks, byte[] data, int originalLength, Object... options) {
            ByteBuffer body = buf(20).putInt(interfaceId).putInt((int) (ticks >>> 32)).putInt((int) ticks)
                    .putInt(data.length).putInt(originalLength);
            return block(6, concat(body.array(), padded(data), options(options)));
        }

        /** Obsolete Packet Block (type 2). */
        Pcapng pb(int interfaceId, long ticks, byte[] data, int originalLength) {
            ByteBuffer body = buf(20).putShort((short) interfaceId).putShort((short) 0)
                    .putInt((int) (ticks >>> 32)).putInt((int) ticks).putInt(data.length).putInt(originalLength);
            return block(2, concat(body.array(), padded(data)));
        }

        /** An Interface Statistics Block; options are (code, value) pairs. */
        Pcapng isb(int interfaceId, long ticks, Object... options) {
            ByteBuffer body = buf(12).putInt(interfaceId).putInt((int) (ticks >>> 32)).putInt((int) ticks);
            return block(5, concat(body.array(), options(options)));
        }

        /** A timestamp option value: high then low 32-bit word, in the section's byte order. */
        byte[] timestamp(long ticks) {
            return buf(8).putInt((int) (ticks >>> 32)).putInt((int) ticks).array();
        }

        Pcapng spb(byte[] data, int originalLength) {
            return block(3, concat(buf(4).putInt(originalLength).array(), padded(data)));
        }

        /** A well-formed block of any type with the given body (padded to 4). */
        Pcapng block(int type, byte[] body) {
            byte[] p = padded(body);
            int len = 12 + p.length;
            return block(type, len, p, len);
        }

        /** A block with explicit (possibly lying) lengths. */
        Pcapng block(int type, int length, byte[] body, int trailing) {
            raw(buf(8).putInt(type).putInt(length).array());
            raw(body);
            return raw(buf(4).putInt(trailing).array());
        }

        Pcapng raw(byte[] bytes) {
            out.write(bytes, 0, bytes.length);
            return this;
        }

        int size() {
            return out.size();
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        ByteBuffer buf(int n) {
            return ByteBuffer.allocate(n).order(order);
        }

        private byte[] options(Object... pairs) {
            if (pairs.length == 0) {
                return new byte[0];
            }
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            for (int i = 0; i < pairs.length; i += 2) {
                int code = (Integer) pairs[i];
                byte[] value = value(pairs[i + 1]);
                o.writeBytes(buf(4).putShort((short) code).putShort((short) value.length).array());
                o.writeBytes(padded(value));
            }
            o.writeBytes(new byte[4]); // opt_endofopt
            return o.toByteArray();
        }

        private byte[] value(Object v) {
            if (v instanceof String s) {
                return s.getBytes(StandardCharsets.UTF_8);
            }
            if (v instanceof Byte x) {
                return new byte[] {x};
            }
            if (v instanceof Long x) {
                return buf(8).putLong(x).array();
            }
            return (byte[]) v;
        }
    }

    static byte[] padded(byte[] data) {
        return Arrays.copyOf(data, (data.length + 3) & ~3);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    /** Deterministic packet bytes. */
    static byte[] data(int length, int seed) {
        byte[] d = new byte[length];
        for (int i = 0; i < length; i++) {
            d[i] = (byte) (seed * 31 + i * 7);
        }
        return d;
    }
}
