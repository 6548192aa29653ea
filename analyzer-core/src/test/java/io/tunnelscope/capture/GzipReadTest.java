package io.tunnelscope.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tunnelscope.capture.TestCaptures.Packet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GzipReadTest {
    @TempDir
    Path dir;

    @Test
    void gzippedCorpusFilesReadTheSamePackets() throws IOException {
        // bigtcp-ipv6.pcap holds an 80 kB record, larger than the stream buffer's initial size.
        for (String name : new String[] {"geneve.pcap", "tcp-handshake-nano.pcap", "bigtcp-ipv6.pcap", "empty.pcapng"}) {
            Path plain = Corpus.tcpdump(name);
            // Named without .gz: gzip is recognised by its magic.
            Path gz = TestCaptures.gzip(dir.resolve(name), Files.readAllBytes(plain));
            List<Packet> expected = TestCaptures.readAll(plain);
            try (CaptureReader reader = CaptureReaders.open(gz)) {
                assertEquals(gz.toString(), reader.name());
                assertEquals(expected, TestCaptures.readAll(reader), name);
                try (CaptureReader p = CaptureReaders.open(plain)) {
                    TestCaptures.readAll(p); // pcapng interfaces are those seen so far
                    assertEquals(p.format(), reader.format());
                    assertEquals(p.interfaces(), reader.interfaces());
                }
            }
        }
    }

    @Test
    void gzippedPcapng() throws IOException {
        Path plain = PcapngReaderTest.EDITCAP_FIXTURE;
        Path gz = TestCaptures.gzip(dir.resolve("geneve.pcapng.gz"), Files.readAllBytes(plain));
        try (CaptureReader reader = CaptureReaders.open(gz); CaptureReader p = CaptureReaders.open(plain)) {
            assertEquals(CaptureFormat.PCAPNG, reader.format());
            assertEquals(TestCaptures.readAll(p), TestCaptures.readAll(reader));
            assertEquals(p.comments(), reader.comments());
        }
        Path two = TestCaptures.gzip(dir.resolve("two.gz"), PcapngReaderTest.twoSections().bytes());
        Path twoPlain = TestCaptures.write(dir.resolve("two.pcapng"), PcapngReaderTest.twoSections().bytes());
        assertEquals(TestCaptures.readAll(twoPlain), TestCaptures.readAll(two));
    }

    @Test
    void truncatedGzipStream() throws IOException {
        Path plain = Corpus.tcpdump("geneve.pcap");
        Path gz = TestCaptures.gzip(dir.resolve("full.gz"), Files.readAllBytes(plain));
        byte[] bytes = Files.readAllBytes(gz);
        Path cut = TestCaptures.write(dir.resolve("cut.gz"), Arrays.copyOf(bytes, bytes.length / 2));
        try (CaptureReader reader = CaptureReaders.open(cut)) {
            PacketRecord r = new PacketRecord();
            CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> {
                while (reader.next(r)) {
                    // read on
                }
            });
            assertEquals("truncated gzip stream", e.problem());
        }
        Path empty = TestCaptures.gzip(dir.resolve("empty.gz"), new byte[0]);
        assertEquals("empty file", assertThrows(CaptureFormatException.class, () -> CaptureReaders.open(empty)).problem());
        assertFalse(Files.size(empty) == 0);
        Path header = TestCaptures.write(dir.resolve("bad.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0});
        assertEquals("corrupt gzip header",
                assertThrows(CaptureFormatException.class, () -> CaptureReaders.open(header)).problem());
    }
}
