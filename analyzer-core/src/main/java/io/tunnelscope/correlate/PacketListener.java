package io.tunnelscope.correlate;

import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.PacketView;

/**
 * Sees every packet of the correlation's main pass as it is decoded, with the capture point it
 * belongs to, so other analyses (flows, findings, charts) need no read of their own. The record,
 * stack and view are valid only during the call.
 */
public interface PacketListener {
    void packet(String point, String file, PacketRecord record, LayerStack stack, PacketView view);

    /**
     * Sees a packet with the sighting correlation made of it (its identity, so a packet seen at
     * several captures can be counted once: {@link Sighting}); by default the sighting is ignored.
     */
    default void packet(String point, String file, PacketRecord record, LayerStack stack, PacketView view,
                        Sighting sighting) {
        packet(point, file, record, stack, view);
    }
}
