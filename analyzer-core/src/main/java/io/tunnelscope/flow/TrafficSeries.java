package io.tunnelscope.flow;

import io.tunnelscope.decode.PacketView;
import io.tunnelscope.report.ChartData;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Gathers {@link ChartData}: bytes per second per capture point (innermost IP bytes and wire
 * bytes) and a histogram of innermost packet sizes per point. Bounded: at most
 * {@value #MAX_SECONDS} seconds per point are kept (later seconds are folded into the last).
 */
public final class TrafficSeries {
    private static final int MAX_SECONDS = 86_400;
    public static final int BUCKET = 50;
    private static final int BUCKETS = 1600 / BUCKET + 1;
    private static final int SUPER_FRAME = 1500;

    private static final class PointSeries {
        final TreeMap<Long, long[]> seconds = new TreeMap<>();
        final long[] sizes = new long[BUCKETS];
        long superFrames;
    }

    private final Map<String, PointSeries> points = new LinkedHashMap<>();
    /** The previous packet's point, series, second and bucket: most packets share them. */
    private String lastPoint;
    private PointSeries lastSeries;
    private long lastSecond;
    private long[] lastBucket;

    public void packet(String point, long timestampNanos, long wireLength, PacketView view) {
        long second = Math.floorDiv(timestampNanos, 1_000_000_000L);
        long[] bucket;
        PointSeries series;
        if (point == lastPoint && second == lastSecond) {
            series = lastSeries;
            bucket = lastBucket;
        } else {
            series = points.computeIfAbsent(point, k -> new PointSeries());
            bucket = series.seconds.get(second);
            if (bucket == null) {
                if (series.seconds.size() >= MAX_SECONDS) {
                    bucket = series.seconds.lastEntry().getValue();
                } else {
                    bucket = new long[2];
                    series.seconds.put(second, bucket);
                }
            }
            lastPoint = point;
            lastSeries = series;
            lastSecond = second;
            lastBucket = bucket;
        }
        int ip = view.innerIpLayer();
        int inner = ip < 0 ? 0 : view.ipTotalLength(ip);
        bucket[0] += inner;
        bucket[1] += wireLength;
        if (ip >= 0) {
            if (inner > SUPER_FRAME && (view.ipProtocol(ip) == 6 || view.ipProtocol(ip) == 17)) {
                series.superFrames++;
            } else {
                series.sizes[Math.min(BUCKETS - 1, inner / BUCKET)]++;
            }
        }
    }

    /**
     * Adds the series another instance gathered: a point new to this one is appended, the seconds
     * and sizes of a point both saw are added (within the bound on seconds).
     */
    public void mergeFrom(TrafficSeries other) {
        lastPoint = null;
        for (Map.Entry<String, PointSeries> e : other.points.entrySet()) {
            PointSeries mine = points.get(e.getKey());
            if (mine == null) {
                points.put(e.getKey(), e.getValue());
                continue;
            }
            PointSeries theirs = e.getValue();
            for (Map.Entry<Long, long[]> s : theirs.seconds.entrySet()) {
                long[] bucket = mine.seconds.get(s.getKey());
                if (bucket == null) {
                    if (mine.seconds.size() >= MAX_SECONDS) {
                        bucket = mine.seconds.lastEntry().getValue();
                    } else {
                        bucket = new long[2];
                        mine.seconds.put(s.getKey(), bucket);
                    }
                }
                bucket[0] += s.getValue()[0];
                bucket[1] += s.getValue()[1];
            }
            for (int i = 0; i < BUCKETS; i++) {
                mine.sizes[i] += theirs.sizes[i];
            }
            mine.superFrames += theirs.superFrames;
        }
    }

    /** Lists the points in this order in the charts; points not named follow in their order. */
    public void orderPoints(Collection<String> order) {
        Map<String, PointSeries> ordered = new LinkedHashMap<>();
        for (String point : order) {
            PointSeries series = points.get(point);
            if (series != null) {
                ordered.put(point, series);
            }
        }
        for (Map.Entry<String, PointSeries> e : points.entrySet()) {
            ordered.putIfAbsent(e.getKey(), e.getValue());
        }
        points.clear();
        points.putAll(ordered);
    }

    public ChartData charts(int overlayMtu) {
        List<ChartData.Throughput> throughput = new ArrayList<>();
        List<ChartData.Sizes> sizes = new ArrayList<>();
        for (Map.Entry<String, PointSeries> e : points.entrySet()) {
            PointSeries series = e.getValue();
            int n = series.seconds.size();
            long[] seconds = new long[n];
            long[] inner = new long[n];
            long[] outer = new long[n];
            int i = 0;
            for (Map.Entry<Long, long[]> s : series.seconds.entrySet()) {
                seconds[i] = s.getKey();
                inner[i] = s.getValue()[0];
                outer[i] = s.getValue()[1];
                i++;
            }
            throughput.add(new ChartData.Throughput(e.getKey(), seconds, inner, outer));
            sizes.add(new ChartData.Sizes(e.getKey(), BUCKET, series.sizes.clone(), series.superFrames));
        }
        return new ChartData(throughput, sizes, overlayMtu);
    }
}
