package io.tunnelscope.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tunnelscope.capture.LinkType;
import io.tunnelscope.decode.Encapsulation;
import io.tunnelscope.report.CorrelationReport;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Analysing a journey whose path, NAT translation, tunnel, inner flow and host were seen before
 * allocates nothing: journeys cost no garbage however many packets a capture holds.
 */
class JourneyAnalysisAllocationTest {
    static final int JOURNEYS = 100_000;
    static final long BUDGET = 64 << 10;
    static final long VTEP_1 = 0x0000_FFFF_C0A8_3201L;
    static final long VTEP_2 = 0x0000_FFFF_C0A8_3202L;

    @Test
    void journeysSeenBeforeAllocateNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no allocation counter");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(mx.isThreadAllocatedMemorySupported(), "no allocation counter");
        mx.setThreadAllocatedMemoryEnabled(true);

        List<CapturePoint> points = new ArrayList<>();
        HostModel model = new HostModel(List.of(), new HostModel.Plan(Map.of(), Map.of(), Map.of(),
                Map.of("h1", new long[] {0, VTEP_1}, "h2", new long[] {0, VTEP_2})));
        for (String name : new String[] {"h1-eth0", "h2-eth0", "h1-pod", "h1-docker0"}) {
            CapturePoint point = new CapturePoint(points.size(), name, name + ".pcap", LinkType.ETHERNET, null);
            point.sawTime(0);
            model.place(point, new HostModel.PointFacts(name, java.nio.file.Path.of(name + ".pcap"), name,
                    LinkType.ETHERNET, null, 1, null, null));
            points.add(point);
        }
        OuterSightings outer = new OuterSightings(Long.MAX_VALUE / 4, 1 << 20);
        JourneyAnalysis analysis = new JourneyAnalysis(points, model, false, outer);
        // 100 tunnelled flows (more than a tunnel names), some lost on the way, and one SNAT.
        List<List<Observation>> journeys = new ArrayList<>();
        for (int flow = 0; flow < 100; flow++) {
            Observation sent = tunnelled(0, flow);
            Observation received = tunnelled(1, flow);
            received.adjustedNanos += 15_000;
            outer.add(sent);
            if (flow % 10 == 0) {
                journeys.add(List.of(sent));
            } else {
                outer.add(received);
                journeys.add(List.of(received, sent));
            }
        }
        Observation pod = hop(2, 0x0000_FFFF_0AF4_0105L, 0x0000_FFFF_0AF4_0203L, 40000);
        Observation bridge = hop(3, 0x0000_FFFF_C0A8_3201L, 0x0000_FFFF_0AF4_0203L, 61000);
        bridge.adjustedNanos += 1000;
        journeys.add(List.of(bridge, pod));

        for (int i = 0; i < 20_000; i++) {
            analysis.journey(journeys.get(i % journeys.size()));
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < JOURNEYS; i++) {
            analysis.journey(journeys.get(i % journeys.size()));
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < BUDGET, allocated + " bytes allocated for " + JOURNEYS + " journeys");

        CorrelationReport report = analysis.report(List.of(), List.of(), 0);
        assertEquals(1, report.nat().size());
        assertEquals(1, report.tunnels().size());
        assertEquals(64, report.tunnels().get(0).innerFlows().size());
        CorrelationReport.Loss underlay = report.losses().stream()
                .filter(l -> l.from().equals("h1-eth0") && l.to().equals("h2-eth0")).findFirst().orElseThrow();
        assertEquals("network", underlay.kind());
        assertTrue(underlay.missing() > 0 && underlay.missing() * 5 < underlay.sent(), underlay.toString());
    }

    private static Observation hop(int point, long src, long dst, int sourcePort) {
        Observation o = new Observation();
        o.point = point;
        o.device = -1;
        o.frame = 1;
        o.timestampNanos = 1_000_000;
        o.adjustedNanos = 1_000_000;
        o.srcLow = src;
        o.dstLow = dst;
        o.sourcePort = sourcePort;
        o.destinationPort = 80;
        o.protocol = 6;
        o.ttl = 64;
        return o;
    }

    private static Observation tunnelled(int point, int flow) {
        Observation o = hop(point, 0x0000_FFFF_0AF4_0100L + flow, 0x0000_FFFF_0AF4_0200L + flow, 10000 + flow);
        o.ttl = 63;
        o.encapsulation = Encapsulation.VXLAN;
        o.vni = 1;
        o.outerSrcLow = VTEP_1;
        o.outerDstLow = VTEP_2;
        o.outerIpId = flow;
        o.outerSourcePort = 30000 + flow;
        o.outerDestinationPort = 8472;
        o.innerSourceMac = 0x1E00_0000_0001L;
        return o;
    }
}
