package io.tunnelscope.flow;

import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.IpReassembler;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.PacketView;

/**
 * What {@code decode} and the viewer work out about a frame beyond its own layers, frame after
 * frame in each capture point's order: the IP datagram it completes ({@link IpReassembler}: the
 * frame is then shown as the whole datagram) and the analysis of its TCP segment
 * ({@link TcpAnalysis}). One instance per reading thread; capture points are small numbers the
 * caller gives (each file's own, or the viewer's).
 */
public final class FrameAnalysis {
    private final IpReassembler reassembler;
    private final TcpAnalysis tcpAnalysis = new TcpAnalysis();
    private final TcpFacts tcp = new TcpFacts();
    private final PacketView view = new PacketView();

    /** An analysis decoding reassembled datagrams with {@code tables}. */
    public FrameAnalysis(DecodeTables tables) {
        this.reassembler = new IpReassembler(tables);
    }

    /**
     * Analyses a decoded frame seen at capture point {@code point}.
     *
     * @param decoded the frame as the caller's decoder decoded it (a fragment is cut to its
     *                fragment data)
     * @return the view to show and filter: of the reassembled datagram when this frame completed
     *         one, else of {@code decoded}; valid until the next call
     */
    public PacketView analyze(int point, LayerStack decoded, long frame, long timeNanos) {
        view.wrap(reassembler.offer(point, decoded, frame, timeNanos));
        tcpAnalysis.analyze(point, view, frame, timeNanos, tcp);
        return view;
    }

    /** The view the last {@link #analyze} returned. */
    public PacketView view() {
        return view;
    }

    /** The last frame's TCP analysis. */
    public TcpFacts tcp() {
        return tcp;
    }

    /** The reassembler: which frames the last frame's datagram was put together from. */
    public IpReassembler reassembler() {
        return reassembler;
    }

    /** TCP connections seen so far. */
    public int tcpStreams() {
        return tcpAnalysis.streams();
    }
}
