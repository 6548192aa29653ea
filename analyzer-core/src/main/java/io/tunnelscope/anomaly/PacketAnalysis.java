package io.tunnelscope.anomaly;

import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.correlate.FilePacketListener;
import io.tunnelscope.correlate.PacketListener;
import io.tunnelscope.correlate.Sighting;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.flow.FlowTable;
import io.tunnelscope.flow.TrafficSeries;
import java.util.List;

/**
 * What the analysis gathers packet by packet: flows, chart series, size facts and every rule's
 * state. One instance sees all packets in the merged order of the captures ({@link #merged}), or
 * one instance per file sees that file's packets on the thread reading it ({@link #ofFile}) and
 * the instances are merged ({@link #mergeFrom}) into what a single one would have gathered.
 */
final class PacketAnalysis {
    final List<Rule> rules;
    /** Parts that threw on a packet: reported as errors, the rest of the analysis goes on. */
    final Failures failures = new Failures();
    final SizeFacts sizes = new SizeFacts();
    final FlowTable flows;
    final TrafficSeries series = new TrafficSeries();
    /** Points in the order their first packet came (the order of the charts). */
    private final FirstSeen<String, Void> points = new FirstSeen<>();
    private final PacketContext context = new PacketContext();
    private final PacketListener progress;
    /** Whether the flow table and the chart series see the packets ({@link Analyzer.Options#flowsAndCharts}). */
    private final boolean flowsAndCharts;
    private String lastPoint;
    private long packets;

    /**
     * {@code rules} are fresh instances for this analysis; {@code progress} (or null) sees every
     * packet too, from several threads when per file; without {@code flowsAndCharts} the flow table
     * and the chart series stay empty.
     */
    PacketAnalysis(List<Rule> rules, int maxFlows, PacketListener progress, boolean flowsAndCharts) {
        this.rules = rules;
        this.flows = new FlowTable(maxFlows);
        this.progress = progress;
        this.flowsAndCharts = flowsAndCharts;
    }

    /** Sees every packet in merged order: its number is its order. */
    PacketListener listener() {
        return new PacketListener() {
            @Override
            public void packet(String point, String file, PacketRecord record, LayerStack stack, PacketView view) {
                packet(point, file, record, stack, view, null);
            }

            @Override
            public void packet(String point, String file, PacketRecord record, LayerStack stack, PacketView view,
                               Sighting sighting) {
                PacketAnalysis.this.packet(point, file, packets++, 0, record, stack, view, sighting);
            }
        };
    }

    /** Sees the packets of the {@code index}-th file, in the file's order. */
    FilePacketListener listener(int index) {
        return new FilePacketListener() {
            @Override
            public void packet(String point, String file, long release, PacketRecord record, LayerStack stack,
                               PacketView view) {
                packet(point, file, release, record, stack, view, null);
            }

            @Override
            public void packet(String point, String file, long release, PacketRecord record, LayerStack stack,
                               PacketView view, Sighting sighting) {
                PacketAnalysis.this.packet(point, file, release, PacketOrder.position(index, packets++), record,
                        stack, view, sighting);
            }
        };
    }

    private void packet(String point, String file, long release, long position, PacketRecord record,
                        LayerStack stack, PacketView view, Sighting sighting) {
        context.set(point, file, record, stack, view);
        context.identity = sighting == null ? 0 : sighting.identity();
        context.release = release;
        context.position = position;
        if (point != lastPoint) {
            points.add(point, context);
            lastPoint = point;
        }
        // A part that throws on this packet leaves it out and the analysis goes on (see Failures).
        try {
            sizes.packet(context);
        } catch (RuntimeException e) {
            failures.packet("the size facts", context, e);
        }
        if (flowsAndCharts) {
            try {
                flows.packet(point, record.timestampNanos(), record.originalLength(), view, release, position);
            } catch (RuntimeException e) {
                failures.packet("the flow table", context, e);
            }
            try {
                series.packet(point, record.timestampNanos(), record.originalLength(), view);
            } catch (RuntimeException e) {
                failures.packet("the chart series", context, e);
            }
        }
        for (Rule rule : rules) {
            try {
                rule.packet(context);
            } catch (RuntimeException e) {
                failures.packet("rule " + rule.kind(), context, e);
            }
        }
        if (progress != null) {
            progress.packet(point, file, record, stack, view);
        }
    }

    /**
     * Takes in what the instance of a later file gathered. Flows new to this instance's table
     * come after its own (see {@link FlowTable#mergeFrom}); everything else takes the merged order.
     */
    void mergeFrom(PacketAnalysis other) {
        sizes.mergeFrom(other.sizes);
        flows.mergeFrom(other.flows);
        series.mergeFrom(other.series);
        points.mergeFrom(other.points, Integer.MAX_VALUE);
        series.orderPoints(points.keys());
        for (int i = 0; i < rules.size(); i++) {
            rules.get(i).mergeFrom(other.rules.get(i));
        }
        failures.mergeFrom(other.failures);
    }
}
