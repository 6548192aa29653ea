package io.tunnelscope.decode;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decoding (and reading a packet through {@link PacketView}) allocates nothing per packet. */
class DecodeAllocationTest {
    static final int DECODES = 100_000;
    static final long BUDGET = 64 << 10;

    @Test
    void decodingAllocatesNothingPerPacket() throws Exception {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no allocation counter");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(mx.isThreadAllocatedMemorySupported(), "no allocation counter");
        mx.setThreadAllocatedMemoryEnabled(true);

        List<CorpusPackets.Packet> packets = new ArrayList<>();
        for (String f : new String[] {"vxlan.pcap", "geneve.pcap", "geneve-gcp.pcap", "LINKTYPE_RAW_ipv6.pcap",
            "tcp-handshake-nano.pcap", "gso-ipv6-vxlan-ipv4.pcap", "ip6_frag_asan.pcap"}) {
            Path p = CorpusPackets.tcpdump(f);
            if (Files.exists(p)) {
                packets.addAll(CorpusPackets.read(p));
            }
        }
        // Hand-built packets add the paths the corpus lacks (notes, quotes, flannel).
        byte[] v = PacketDecoderTest.vxlanPacket(9999);
        packets.add(new CorpusPackets.Packet(v, v.length + 100, 1));
        assumeTrue(packets.size() > 10, "corpus missing");
        int n = packets.size();
        ByteBuffer[] buffers = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            buffers[i] = ByteBuffer.wrap(packets.get(i).data());
        }
        PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
        PacketView view = new PacketView();
        StringBuilder sb = new StringBuilder(256);
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += run(decoder, view, sb, packets.get(i % n), buffers[i % n]);
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < DECODES; i++) {
            sink += run(decoder, view, sb, packets.get(i % n), buffers[i % n]);
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(sink != 42, "keep the work");
        assertTrue(allocated < BUDGET, allocated + " bytes allocated for " + DECODES + " decodes");
    }

    private static long run(PacketDecoder decoder, PacketView view, StringBuilder sb,
                            CorpusPackets.Packet p, ByteBuffer buf) {
        LayerStack s = decoder.decode(buf, 0, p.data().length, p.originalLength(), p.linkType());
        view.wrap(s);
        int ip = view.innerIpLayer();
        sb.setLength(0);
        view.appendSource(ip, sb);
        view.appendDestination(ip, sb);
        int t = view.transportLayer(ip);
        return s.count() + s.noteCount() + sb.length() + view.sourcePort(t) + view.vni() + s.status().ordinal();
    }
}
