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
    private final PacketStore store;
    private final List<DecodeAs> decodeAs;
    private final DecodeTables tables;
    /** Every packet in time order. */
    private int[] timeOrder;
    /** {@code numbers[i]}: packet {@code i}'s number (1-based place in {@link #timeOrder}). */
    private int[] numbers;
    /** Null until counted: the Conversations tab asks for them (Loader#conversations). */
    private Conversations conversations;
    private List<String> loadErrors = List.of();
    /** The analysis (findings, correlation), or null until it has run. */
    private AnalysisReport analysis;
    /** The correlation tied to the packets, or null. */
    private CorrelationModel correlation;
    private final BitSet marked = new BitSet();
    private final BitSet ignored = new BitSet();

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

    PacketStore store() {
        return store;
    }

    /** The decode-as overrides the packets were decoded with. */
    List<DecodeAs> decodeAs() {
        return decodeAs;
    }

    /** The decode tables of those overrides. */
    DecodeTables tables() {
        return tables;
    }

    /** Every packet in time order (the array itself: not to be changed). */
    int[] timeOrder() {
        return timeOrder;
    }

    Conversations conversations() {
        return conversations;
    }

    void conversations(Conversations loaded) {
        this.conversations = loaded;
    }

    /** Why files were not fully read (none when all were). */
    List<String> loadErrors() {
        return loadErrors;
    }

    void loadErrors(List<String> errors) {
        this.loadErrors = errors;
    }

    /** The analysis (findings, correlation), or null until it has run. */
    AnalysisReport analysis() {
        return analysis;
    }

    void analysis(AnalysisReport report) {
        this.analysis = report;
    }

    /** The correlation tied to the packets, or null until the analysis has run. */
    CorrelationModel correlation() {
        return correlation;
    }

    void correlation(CorrelationModel model) {
        this.correlation = model;
    }

    /** The marked packets (changed in place by the packet list). */
    BitSet marked() {
        return marked;
    }

    /** The ignored packets (changed in place by the packet list). */
    BitSet ignored() {
        return ignored;
    }

    /**
     * Appends packets in arrival order (their numbers: {@link #number}'s fallback): a live capture's,
     * or those of the one file being loaded, in time order so far.
     */
    void appendLive(int[] added) {
        this.timeOrder = PacketListPane.concat(timeOrder, added);
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
