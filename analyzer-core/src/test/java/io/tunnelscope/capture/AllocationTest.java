package io.tunnelscope.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Steady-state reading allocates nothing per packet (a per-packet slice would show up here). */
class AllocationTest {
    static final int PACKETS = 5000;
    static final int WARM_UP = 200;
    /** Far below one small object per packet (PACKETS * 16 bytes). */
    static final long BUDGET = 16 << 10;

    @TempDir
    Path dir;

    @Test
    void readersDoNotAllocatePerPacket() throws IOException {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no allocation counter");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(mx.isThreadAllocatedMemorySupported(), "no allocation counter");
        mx.setThreadAllocatedMemoryEnabled(true);

        TestCaptures.Pcap pcap = new TestCaptures.Pcap(ByteOrder.BIG_ENDIAN, true, LinkType.ETHERNET, 0);
        TestCaptures.Pcapng ng = new TestCaptures.Pcapng().shb(ByteOrder.LITTLE_ENDIAN)
                .idb(LinkType.ETHERNET, 0, 9, (byte) (0x80 | 20));
        for (int i = 0; i < PACKETS; i++) {
            byte[] data = TestCaptures.data(60 + i % 100, i);
            pcap.packet(1_700_000_000_000_000_000L + i, data, data.length);
            if (i % 2 == 0) {
                ng.epb(0, ((long) i << 20) + i, data, data.length);
            } else {
                ng.spb(data, data.length);
            }
        }
        Path[] files = {
            TestCaptures.write(dir.resolve("a.pcap"), pcap.bytes()),
            TestCaptures.gzip(dir.resolve("a.pcap.gz"), pcap.bytes()),
            TestCaptures.write(dir.resolve("a.pcapng"), ng.bytes()),
            TestCaptures.gzip(dir.resolve("a.pcapng.gz"), ng.bytes()),
        };
        for (Path file : files) {
            PacketRecord r = new PacketRecord();
            try (CaptureReader reader = CaptureReaders.open(file)) {
                for (int i = 0; i < WARM_UP; i++) {
                    assertTrue(reader.next(r));
                }
                long before = mx.getCurrentThreadAllocatedBytes();
                int n = WARM_UP;
                while (reader.next(r)) {
                    n++;
                }
                long allocated = mx.getCurrentThreadAllocatedBytes() - before;
                assertEquals(PACKETS, n, file.toString());
                assertTrue(allocated < BUDGET, file + ": " + allocated + " bytes allocated for "
                        + (PACKETS - WARM_UP) + " packets");
            }
        }
    }
}
