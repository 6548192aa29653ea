package io.tunnelscope.proto.wireguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kaitai.struct.ByteBufferKaitaiStream;
import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.LayerStatus;
import io.tunnelscope.decode.Note;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketLineFormatter;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.kaitai.gen.WireguardMessage;
import io.tunnelscope.proto.Protocols;
import io.tunnelscope.testing.RecordedSamples;
import io.tunnelscope.testing.Tshark;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The WireGuard flyweight on RFC-exact bytes, its dissect step, and on every packet of the
 * {@code wireguard} sample: the flyweight, the Kaitai parser and tshark ({@code wg.*}) agree.
 */
class WireGuardTest {
    private final Path sample = RecordedSamples.scenarios().stream()
            .filter(p -> p.getFileName().toString().equals("wireguard")).findFirst().orElseThrow();

    WireGuardTest() throws IOException {
    }

    private static byte[] message(int type, int length) {
        byte[] m = new byte[length];
        m[0] = (byte) type;
        // sender / receiver 0x11223344 little-endian at 4, then 0x55667788 (response receiver) at 8
        m[4] = 0x44; m[5] = 0x33; m[6] = 0x22; m[7] = 0x11;
        m[8] = (byte) 0x88; m[9] = 0x77; m[10] = 0x66; m[11] = 0x55;
        return m;
    }

    @Test
    void fieldsOfEachMessageType() {
        WireGuardMessage m = new WireGuardMessage();
        m.wrap(ByteBuffer.wrap(message(1, 148)), 0, 148, 148);
        assertTrue(m.isConsistent());
        assertEquals(0x11223344L, m.senderIndex());
        assertEquals(-1, m.receiverIndex());
        assertEquals(-1, m.counter());

        m.wrap(ByteBuffer.wrap(message(2, 92)), 0, 92, 92);
        assertEquals(0x11223344L, m.senderIndex());
        assertEquals(0x55667788L, m.receiverIndex());

        m.wrap(ByteBuffer.wrap(message(3, 64)), 0, 64, 64);
        assertEquals(0x11223344L, m.receiverIndex());
        assertEquals(-1, m.senderIndex());

        byte[] data = message(4, 16 + 96 + 16);
        data[8] = 5; // counter 5 (little-endian u64 at 8)
        data[9] = 0; data[10] = 0; data[11] = 0;
        data[15] = 0;
        m.wrap(ByteBuffer.wrap(data), 0, data.length, data.length);
        assertTrue(m.isConsistent());
        assertEquals(0x11223344L, m.receiverIndex());
        assertEquals(5, m.counter());
        assertEquals(112, m.encryptedLength());
        assertEquals(96, m.paddedInnerLength());
    }

    @Test
    void lengthsReservedBytesAndTypesAreChecked() {
        WireGuardMessage m = new WireGuardMessage();
        assertFalse(m.wrap(ByteBuffer.wrap(message(1, 149)), 0, 149, 149).isConsistent(), "initiation is 148");
        assertFalse(m.wrap(ByteBuffer.wrap(message(2, 91)), 0, 91, 91).isConsistent(), "response is 92");
        assertFalse(m.wrap(ByteBuffer.wrap(message(4, 120)), 0, 120, 120).isConsistent(), "data is padded to 16");
        assertFalse(m.wrap(ByteBuffer.wrap(message(4, 16)), 0, 16, 16).isConsistent(), "data has a tag");
        assertTrue(m.wrap(ByteBuffer.wrap(message(4, 32)), 0, 32, 32).isConsistent(), "a keepalive");
        assertFalse(m.wrap(ByteBuffer.wrap(message(5, 64)), 0, 64, 64).isConsistent(), "type 5");
        byte[] reserved = message(3, 64);
        reserved[2] = 1;
        assertFalse(m.wrap(ByteBuffer.wrap(reserved), 0, 64, 64).isConsistent(), "reserved bytes are zero");
        // the snaplen cut the message after its type: the length alone decides
        assertTrue(m.wrap(ByteBuffer.wrap(message(2, 92)), 0, 2, 92).isConsistent());
    }

    @Test
    void theDescriptorIsRegistered() {
        assertEquals(WireGuard.DESCRIPTOR, Protocols.byName("wireguard"));
        assertEquals(WireGuard.DESCRIPTOR, Protocols.byLinuxKind("wireguard"));
        assertEquals(60, Protocols.overhead("wireguard", false));
        assertEquals(80, Protocols.overhead("wireguard", true));
        assertEquals("wg", WireGuard.DESCRIPTOR.wiresharkName());
        assertTrue(WireGuard.DESCRIPTOR.isOpaqueTunnel());
        assertEquals(16, WireGuard.DESCRIPTOR.opaquePadding());
    }

    /** An IPv4/UDP packet (raw IP) to port 51820 with the given payload. */
    private static PacketRecord udpTo51820(byte[] payload) {
        int total = 28 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.put((byte) 0x45).put((byte) 0).putShort((short) total).putShort((short) 1).putShort((short) 0)
                .put((byte) 64).put((byte) 17).putShort((short) 0)
                .putInt(0xC0A88201).putInt(0xC0A88202);
        b.putShort((short) 51820).putShort((short) 51820).putShort((short) (8 + payload.length)).putShort((short) 0);
        b.put(payload);
        PacketRecord record = new PacketRecord();
        record.set(ByteBuffer.wrap(b.array()), 0, total, total, 1_700_000_000_000_000_000L, 101, 0, 1, -1);
        return record;
    }

    @Test
    void aPayloadThatIsNoWireGuardMessageStaysPayloadWithANote() {
        PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
        LayerStack stack = decoder.decode(udpTo51820(message(1, 100)));
        assertEquals(LayerStatus.OK, stack.status());
        assertEquals(List.of("IPv4", "UDP", "Payload"), types(stack));
        boolean noted = false;
        for (int n = 0; n < stack.noteCount(); n++) {
            noted |= stack.note(n) == Note.PORT_PAYLOAD_CONTRADICTS;
        }
        assertTrue(noted, "no note on a contradicted port");

        stack = decoder.decode(udpTo51820(message(4, 128)));
        assertEquals(List.of("IPv4", "UDP", "WireGuard"), types(stack));
        PacketView view = new PacketView().wrap(stack);
        assertEquals(1, view.encapsulationCount());
        assertEquals(WireGuard.ID, view.encapsulation(0));
        assertEquals(-1, view.carriedIpLayer(), "the inner packet cannot be read");
        assertEquals(112, view.opaqueLength(2));
        StringBuilder line = new StringBuilder();
        new PacketLineFormatter(java.time.ZoneOffset.UTC, false).appendSummary(stack, line);
        // counter: bytes 8..15 little-endian, 0x88 0x77 0x66 0x55 then zeros
        assertEquals("192.168.130.1.51820 > 192.168.130.2.51820: WireGuard transport data, receiver 0x11223344, "
                + "counter 1432778632, length 128", line.toString());
    }

    private static List<String> types(LayerStack stack) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < stack.count(); i++) {
            out.add(Protocols.title(stack.type(i)));
        }
        return out;
    }

    /** type, sender, receiver, counter, encrypted length of every WireGuard packet, as the flyweight reads them. */
    private static List<String> flyweightFacts(Path capture) throws IOException {
        PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
        WireGuardMessage m = new WireGuardMessage();
        List<String> out = new ArrayList<>();
        PacketRecord record = new PacketRecord();
        try (CaptureReader reader = CaptureReaders.open(capture)) {
            while (reader.next(record)) {
                LayerStack stack = decoder.decode(record);
                for (int i = 0; i < stack.count(); i++) {
                    if (stack.type(i) == WireGuard.ID) {
                        m.wrap(stack.buffer(), stack.offset(i), stack.end(i) - stack.offset(i),
                                stack.declaredEnd(i) - stack.offset(i));
                        out.add(record.frameNumber() + " " + m.type() + " " + m.senderIndex() + " " + m.receiverIndex()
                                + " " + m.counter() + " " + m.encryptedLength());
                    }
                }
            }
        }
        return out;
    }

    @Test
    void flyweightAndKaitaiAgreeOnEveryWireGuardPacketOfTheSample() throws IOException {
        PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
        List<String> kaitai = new ArrayList<>();
        int messages = 0;
        for (Path capture : RecordedSamples.captures(sample)) {
            List<String> ours = flyweightFacts(capture);
            List<String> theirs = new ArrayList<>();
            PacketRecord record = new PacketRecord();
            try (CaptureReader reader = CaptureReaders.open(capture)) {
                while (reader.next(record)) {
                    LayerStack stack = decoder.decode(record);
                    for (int i = 0; i < stack.count(); i++) {
                        if (stack.type(i) != WireGuard.ID) {
                            continue;
                        }
                        byte[] bytes = new byte[stack.declaredEnd(i) - stack.offset(i)];
                        stack.buffer().get(stack.offset(i), bytes);
                        WireguardMessage k = new WireguardMessage(new ByteBufferKaitaiStream(bytes));
                        k._read();
                        long sender = -1;
                        long receiver = -1;
                        long counter = -1;
                        long encrypted = -1;
                        if (k.body() instanceof WireguardMessage.HandshakeInitiation h) {
                            sender = h.senderIndex();
                        } else if (k.body() instanceof WireguardMessage.HandshakeResponse h) {
                            sender = h.senderIndex();
                            receiver = h.receiverIndex();
                        } else if (k.body() instanceof WireguardMessage.CookieReply h) {
                            receiver = h.receiverIndex();
                        } else if (k.body() instanceof WireguardMessage.TransportData h) {
                            receiver = h.receiverIndex();
                            counter = h.counter();
                            encrypted = h.encryptedPacket().length;
                        }
                        theirs.add(record.frameNumber() + " " + k.messageType() + " " + sender + " " + receiver
                                + " " + counter + " " + encrypted);
                    }
                }
            }
            assertEquals(theirs, ours, capture + ": flyweight and Kaitai");
            messages += ours.size();
            kaitai.addAll(theirs);
        }
        assertTrue(messages >= 40, "only " + messages + " WireGuard messages in the sample");
    }

    @Test
    void tsharkReadsEveryWireGuardPacketAsTheFlyweightDoes() throws Exception {
        assumeTrue(Tshark.available(), "tshark is not installed; oracle test skipped");
        for (Path capture : RecordedSamples.captures(sample)) {
            Process p = new ProcessBuilder("tshark", "-r", capture.toString(), "-Y", "wg", "-T", "fields",
                    "-e", "frame.number", "-e", "wg.type", "-e", "wg.sender", "-e", "wg.receiver", "-e", "wg.counter",
                    "-e", "udp.length").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            List<String> theirs = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                long sender = f[2].isEmpty() ? -1 : Long.decode(f[2]);
                long receiver = f[3].isEmpty() ? -1 : Long.decode(f[3]);
                long counter = f[4].isEmpty() ? -1 : Long.parseLong(f[4]);
                // the encrypted packet: the UDP payload after the 16-byte data header
                long encrypted = f[1].equals("4") ? Long.parseLong(f[5]) - 8 - 16 : -1;
                theirs.add(f[0] + " " + f[1] + " " + sender + " " + receiver + " " + counter + " " + encrypted);
            }
            assertEquals(theirs, flyweightFacts(capture), capture + ": tshark's wg.* and the flyweight");
        }
        assertTrue(Files.isDirectory(sample));
    }
}
