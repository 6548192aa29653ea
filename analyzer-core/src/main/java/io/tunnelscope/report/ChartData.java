package io.tunnelscope.report;

import java.util.List;

/**
 * What the report's charts draw: traffic over time per capture point (inner and outer bytes per
 * second) and the sizes of the packets per point against the MTUs.
 *
 * @param throughput one series per point
 * @param sizes      one histogram per point
 * @param overlayMtu the overlay MTU the findings used, drawn as a line; 0 when there is no overlay
 */
public record ChartData(List<Throughput> throughput, List<Sizes> sizes, int overlayMtu) {

    /**
     * Bytes per second at one point: {@code seconds[i]} (epoch second) carried {@code inner[i]}
     * bytes of innermost IP packets and {@code outer[i]} bytes on the wire.
     */
    public record Throughput(String point, long[] seconds, long[] inner, long[] outer) {
    }

    /**
     * Innermost IP packet sizes at one point in buckets of {@code bucketWidth} bytes from 0, and
     * the super-frames (larger than any MTU) counted apart.
     */
    public record Sizes(String point, int bucketWidth, long[] counts, long superFrames) {
    }
}
