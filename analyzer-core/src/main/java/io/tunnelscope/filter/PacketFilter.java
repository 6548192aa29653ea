package io.tunnelscope.filter;

import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.PacketView;

/**
 * A compiled filter expression ({@link Filter#compile(String)}): a predicate over one decoded
 * packet that allocates nothing per packet.
 *
 * <p>Not thread-safe (it keeps the per-packet layer indexes in fields): compile one per thread,
 * or {@link #copy()} it.
 */
public final class PacketFilter {
    private final String expression;
    private final Filter.Node root;
    final Filter.Context context = new Filter.Context();

    PacketFilter(String expression, Filter.Node root) {
        this.expression = expression;
        this.root = root;
    }

    /** The expression this filter was compiled from. */
    public String expression() {
        return expression;
    }

    /** True for the filter of a blank expression, which matches every packet. */
    public boolean matchesAll() {
        return root == null;
    }

    /** An independent filter with the same expression, for another thread. */
    public PacketFilter copy() {
        return new PacketFilter(expression, root);
    }

    /**
     * Whether a packet matches.
     *
     * @param view   a view {@linkplain PacketView#wrap(LayerStack) wrapped} over the packet's
     *               decoded stack
     * @param record the packet's record (frame number), or null
     * @param point  the packet's capture point name ({@link io.tunnelscope.decode.PointNames}), or null
     */
    public boolean matches(PacketView view, PacketRecord record, String point) {
        if (root == null) {
            return true;
        }
        context.load(view, record == null ? -1 : record.frameNumber(), point);
        return root.eval(context);
    }

    /** As {@link #matches(PacketView, PacketRecord, String)} with a frame number instead of a record. */
    public boolean matches(PacketView view, long frameNumber, String point) {
        if (root == null) {
            return true;
        }
        context.load(view, frameNumber, point);
        return root.eval(context);
    }

    /**
     * Whether a packet matches, with what the caller knows besides its layers ({@link FilterInput}:
     * capture time, frame lengths, TCP analysis, reassembly).
     */
    public boolean matches(PacketView view, FilterInput input) {
        if (root == null) {
            return true;
        }
        context.load(view, input);
        return root.eval(context);
    }

    @Override
    public String toString() {
        return root == null ? "true" : root.toString();
    }
}
