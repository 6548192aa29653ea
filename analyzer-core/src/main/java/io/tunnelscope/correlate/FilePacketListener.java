package io.tunnelscope.correlate;

import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.PacketView;
import java.nio.file.Path;

/**
 * Sees every packet of one capture file of the correlation's main pass, in the file's order, on
 * the thread that reads that file (the caller's thread when nothing is read ahead). Each file has
 * a listener of its own ({@link Factory}), so per-packet analyses can run on every file at once
 * and be merged when all are read. The record, stack and view are valid only during the call.
 *
 * <p>{@code release} tells where the packet stands in the order a {@link PacketListener} would
 * have seen it: the packets of all files sorted by release, then by file, then by their order in
 * the file, come in that merged order (packets of different files with the same release are
 * delivered in an order the merge leaves open). It is the largest corrected time of the IP
 * packets the file delivered before this one ({@link Long#MIN_VALUE} before the first): the
 * merge hands a file's next packets over when it consumes the previous one.
 */
public interface FilePacketListener {
    void packet(String point, String file, long release, PacketRecord record, LayerStack stack, PacketView view);

    /**
     * Sees a packet with the sighting correlation made of it (its identity, so a packet seen at
     * several captures can be counted once: {@link Sighting}); by default the sighting is ignored.
     */
    default void packet(String point, String file, long release, PacketRecord record, LayerStack stack,
                        PacketView view, Sighting sighting) {
        packet(point, file, release, record, stack, view);
    }

    /** Makes the listener of each file, on the caller's thread before the file is read. */
    interface Factory {
        /** The listener of {@code file}, the {@code index}-th of the files correlated. */
        FilePacketListener forFile(int index, Path file);
    }
}
