package io.tunnelscope.gui;

import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.IpReassembler;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketView;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Decodes loaded packets as the list shows them, reading their bytes where they are
 * ({@link PacketBytes}): a packet that completed an IP datagram as the whole datagram (put
 * together again from its fragments' bytes), any other fragment cut to its fragment data, as
 * {@code decode} and tshark show them. One per thread; a stack or view is valid until the next
 * call.
 */
final class PacketViews {
    private final PacketStore store;
    private final PacketBytes bytes;
    private final PacketDecoder decoder;
    private final IpReassembler reassembler;
    private final PacketView view = new PacketView();
    private final PacketView raw = new PacketView();

    PacketViews(PacketStore store, DecodeTables tables) {
        this(store, tables, false);
    }

    /** With {@code sequential}: for a pass over the packets in file order ({@link PacketBytes}). */
    PacketViews(PacketStore store, DecodeTables tables, boolean sequential) {
        this.store = store;
        this.bytes = new PacketBytes(store, sequential);
        this.decoder = new PacketDecoder(tables);
        this.reassembler = new IpReassembler(tables);
    }

    PacketBytes bytes() {
        return bytes;
    }

    /** Packet {@code i} decoded from its own bytes only, as captured. */
    LayerStack decodeFrame(int i) throws IOException {
        bytes.locate(i);
        return decoder.decode(bytes.buffer(), bytes.offset(), store.capturedLength(i), store.wireLength(i),
                store.linkType(i));
    }

    /** Packet {@code i} as the list shows it. */
    LayerStack decode(int i) throws IOException {
        int[] fragments = store.fragmentsOf(i);
        if (fragments != null) {
            return reassemble(i, fragments);
        }
        LayerStack stack = decodeFrame(i);
        if ((store.flags(i) & PacketStore.FRAGMENT) != 0) {
            int ip = IpReassembler.fragmentedIpLayer(raw.wrap(stack));
            if (ip >= 0) {
                IpReassembler.cutToFragment(stack, ip);
            }
        }
        return stack;
    }

    /** The view of {@link #decode(int)}. */
    PacketView view(int i) throws IOException {
        return view.wrap(decode(i));
    }

    /** The datagram packet {@code i} completed, put together from every fragment it needs (nested ones too). */
    private LayerStack reassemble(int i, int[] fragments) throws IOException {
        int[] all = closure(i, fragments);
        reassembler.clear();
        LayerStack shown = null;
        for (int f : all) {
            shown = reassembler.offer(0, decodeFrame(f), store.frame(f), store.timestamp(f));
        }
        return shown;
    }

    /** Every packet the datagram of {@code i} needs, in arrival (file) order, {@code i} last. */
    private int[] closure(int i, int[] fragments) {
        int[] out = new int[0];
        for (int f : fragments) {
            if (f == i) {
                continue;
            }
            int[] inner = store.fragmentsOf(f);
            int[] add = inner == null ? new int[] {f} : closure(f, inner);
            out = merge(out, add);
        }
        out = merge(out, new int[] {i});
        return out;
    }

    private static int[] merge(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        Arrays.sort(out);
        int n = 0;
        for (int k = 0; k < out.length; k++) {
            if (k == 0 || out[k] != out[k - 1]) {
                out[n++] = out[k];
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** The bytes the detail pane shows: the datagram for a packet that completed one, else the frame's own. */
    byte[] shownBytes(int i) throws IOException {
        if (store.fragmentsOf(i) == null) {
            return bytes.copy(i);
        }
        LayerStack stack = decode(i);
        ByteBuffer b = stack.buffer();
        byte[] out = new byte[stack.capturedLength()];
        b.get(stack.start(), out, 0, out.length);
        return out;
    }
}
