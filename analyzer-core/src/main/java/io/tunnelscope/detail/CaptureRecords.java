package io.tunnelscope.detail;

import java.util.List;

/**
 * What the Kaitai pcap/pcapng specs read from a capture file.
 *
 * @param format  {@code "pcap"}, {@code "pcapng"}, or {@code "unknown"}
 * @param records every packet read, in file order (up to the error, if any)
 * @param error   why reading stopped before the end of the file, or null when it did not
 */
public record CaptureRecords(String format, List<CaptureRecord> records, String error) {

    public CaptureRecords {
        records = List.copyOf(records);
    }

    /** True when the whole file was read. */
    public boolean complete() {
        return error == null;
    }
}
