package io.tunnelscope.decode;

import java.nio.ByteBuffer;
import java.nio.file.Path;

/** Manual aid: prints every corpus packet's layers and notes ({@code -Dtest=CorpusDump}). */
class CorpusDump {
    @org.junit.jupiter.api.Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "dump", matches = "true")
    void dump() throws Exception {
        PacketDecoder d = new PacketDecoder(DecodeTables.defaults());
        for (Path f : CorpusPackets.allCaptures()) {
            int n = 0;
            for (CorpusPackets.Packet p : CorpusPackets.read(f)) {
                LayerStack s = d.decode(ByteBuffer.wrap(p.data()), 0, p.data().length, p.originalLength(), p.linkType());
                StringBuilder sb = new StringBuilder(f.getFileName() + " #" + (++n) + ": " + PacketDecoderTest.describe(s));
                for (int i = 0; i < s.noteCount(); i++) {
                    sb.append(" [").append(s.note(i)).append(' ').append(s.noteArgument(i)).append(']');
                }
                System.out.println(sb);
            }
        }
    }
}
