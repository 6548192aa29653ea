package io.tunnelscope.gui;

import io.tunnelscope.decode.DecodeAs;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.flow.Conversations;
import io.tunnelscope.report.AnalysisReport;
import java.util.BitSet;
import java.util.List;

/**
 * What is open in the viewer: the packets ({@link PacketStore}), their one numbering (the time
 * order: packet {@code i} is {@code No. numbers[i]}), the decode-as tables they were decoded
 * with, their conversations, the analysis once it ran, and the user's marks and ignored packets.
 * Read by every pane; replaced as a whole when something else is opened.
 */
final class Session {
    final PacketStore store;
    final List<DecodeAs> decodeAs;
    final DecodeTables tables;
    /** Every packet in time order. */
    int[] timeOrder;
    /** {@code numbers[i]}: packet {@code i}'s number (1-based place in {@link #timeOrder}). */
    int[] numbers;
    Conversations conversations = new Conversations();
    List<String> loadErrors = List.of();
    /** The analysis (findings, correlation), or null until it has run. */
    AnalysisReport analysis;
    /** The correlation tied to the packets, or null. */
    CorrelationModel correlation;
    final BitSet marked = new BitSet();
    final BitSet ignored = new BitSet();

    Session(PacketStore store, List<DecodeAs> decodeAs) {
        this.store = store;
        this.decodeAs = List.copyOf(decodeAs);
        DecodeTables.Builder builder = DecodeTables.builder();
        for (DecodeAs d : decodeAs) {
            builder.decodeAs(d);
        }
        this.tables = decodeAs.isEmpty() ? DecodeTables.defaults() : builder.build();
        this.timeOrder = new int[0];
        this.numbers = new int[0];
    }

    /** Installs the time order (and the numbering it gives). */
    void order(int[] order) {
        this.timeOrder = order;
        this.numbers = TimeOrder.numbers(order, store.size());
    }

    /** The number the list shows for packet {@code i} (its place in time order). */
    int number(int i) {
        return i < numbers.length ? numbers[i] : i + 1;
    }

    /** The packet with number {@code number}, or -1. */
    int packetOfNumber(long number) {
        return number >= 1 && number <= timeOrder.length ? timeOrder[(int) number - 1] : -1;
    }

    /** The time the Time column counts from. */
    long firstTimestamp() {
        return timeOrder.length == 0 ? 0 : store.timestamp(timeOrder[0]);
    }

    /** "No. 342 (host1-ens33 frame 4)": how a packet is named everywhere. */
    String describe(int i) {
        return "No. " + number(i) + " (" + store.point(i).name() + " frame " + store.frame(i) + ")";
    }
}
