package io.tunnelscope.gui;

import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.filter.FilterInput;
import io.tunnelscope.filter.PacketFilter;
import io.tunnelscope.flow.FrameAnalysis;
import java.io.IOException;
import java.util.BitSet;
import java.util.function.BooleanSupplier;

/**
 * One pass over loaded packets, file by file in file order, as {@code decode} reads them: each
 * packet decoded from its bytes (read sequentially, nothing mapped), put through the same frame
 * analysis as when it was loaded (IP reassembly, TCP analysis), then given to a filter with all a
 * filter may ask ({@link FilterInput}). What the display filter and Find by filter run.
 */
final class PacketPass {
    /** Progress: packets done of total. */
    interface Progress {
        void update(long done, long total);
    }

    private PacketPass() {
    }

    /**
     * The packets among the first {@code count} that {@code filter} matches.
     *
     * @return their indexes as a bit set; null when cancelled
     */
    static BitSet matches(Session session, PacketFilter filter, int count, Progress progress,
                          BooleanSupplier cancelled) throws IOException {
        PacketStore store = session.store();
        BitSet out = new BitSet(count);
        PacketFilter f = filter.copy();
        PacketBytes bytes = new PacketBytes(store, true);
        PacketDecoder decoder = new PacketDecoder(session.tables());
        FrameAnalysis analysis = new FrameAnalysis(session.tables());
        FilterInput input = new FilterInput();
        int files = store.fileStart().length;
        long done = 0;
        for (int file = 0; file < files; file++) {
            int from = store.fileStart()[file];
            int to = Math.min(count, file + 1 < files ? store.fileStart()[file + 1] : store.size());
            for (int i = from; i < to; i++) {
                if ((++done & 0xFFFF) == 0) {
                    if (cancelled.getAsBoolean()) {
                        return null;
                    }
                    progress.update(done, count);
                }
                bytes.locate(i);
                LayerStack stack = decoder.decode(bytes.buffer(), bytes.offset(), store.capturedLength(i),
                        store.wireLength(i), store.linkType(i));
                PacketView view = analysis.analyze(store.pointIndex(i), stack, store.frame(i), store.timestamp(i));
                input.frame(store.frame(i), store.timestamp(i), store.wireLength(i), store.capturedLength(i))
                        .point(store.point(i).name()).tcp(analysis.tcp()).reassembled(analysis.reassembler());
                if (f.matches(view, input)) {
                    out.set(i);
                }
            }
        }
        return out;
    }
}
