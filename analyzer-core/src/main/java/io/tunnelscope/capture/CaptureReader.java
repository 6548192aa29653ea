package io.tunnelscope.capture;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * Sequential reader of one capture file (pcap or pcapng, possibly gzip-compressed).
 *
 * <p>Reading is streaming: {@link #next(PacketRecord)} refills the caller's record and allocates
 * nothing per packet. A file whose framing is broken (truncated record, lying block length) makes
 * {@code next} throw a {@link CaptureFormatException} naming the file and offset; every packet
 * returned before it stays valid for the caller's analysis.
 */
public interface CaptureReader extends Closeable {

    /** The name used in messages: the file name as the user gave it. */
    String name();

    /** Which container format the file uses. */
    CaptureFormat format();

    /**
     * Reads the next packet into {@code record}.
     *
     * @return false at the clean end of the file
     * @throws CaptureFormatException when the file's framing is broken at some offset
     * @throws IOException on an I/O error
     */
    boolean next(PacketRecord record) throws IOException;

    /**
     * Interfaces seen so far (pcapng: one per Interface Description Block, numbered across
     * sections; pcap: a single interface with the file's link type and snaplen).
     */
    List<CaptureInterface> interfaces();

    /** Comments found in the file (section and interface comments, packet comments). */
    List<String> comments();

    /**
     * When the capture on an interface stopped, as the file records it (pcapng {@code isb_endtime}),
     * in epoch nanoseconds; -1 when the file does not say (pcap never does). Known once the
     * statistics block has been read, usually at the end of the file.
     */
    default long endNanos(int interfaceId) {
        return -1;
    }

    /**
     * How many packets the capture on an interface dropped, as the file records it (pcapng
     * {@code isb_ifdrop} + {@code isb_osdrop}, of the last statistics block that said); -1 when the
     * file does not say. Known once the statistics block has been read.
     */
    default long drops(int interfaceId) {
        return -1;
    }
}
