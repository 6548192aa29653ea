package io.tunnelscope.detail;

/**
 * One packet of a capture file as the Kaitai pcap/pcapng specs read it.
 *
 * @param number         1-based packet number in the file, as tshark counts frames
 * @param linkType       LINKTYPE_ value of the packet's interface
 * @param interfaceId    pcapng interface id, numbered across sections; 0 for pcap
 * @param timestampNanos capture time in nanoseconds since the epoch; 0 when the block has none
 *                       (pcapng Simple Packet Block)
 * @param capturedLength bytes present in the file
 * @param originalLength bytes the packet had on the wire
 * @param dataOffset     offset of the packet's first byte in the file
 * @param data           the captured bytes
 */
public record CaptureRecord(int number, int linkType, int interfaceId, long timestampNanos,
                            int capturedLength, int originalLength, int dataOffset, byte[] data) {
}
