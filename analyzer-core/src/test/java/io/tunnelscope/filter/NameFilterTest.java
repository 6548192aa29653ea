package io.tunnelscope.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.state.AddressNames;
import io.tunnelscope.state.ClusterState;
import io.tunnelscope.state.KubernetesObjects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The name fields ({@code pod}, {@code service}, {@code node}, {@code namespace}) on the k8s-vxlan
 * sample, named by a kubectl dump written for its addresses; counts checked against the address
 * filters they stand for.
 */
class NameFilterTest {
    private static AddressNames names() throws Exception {
        Path dump = Path.of(NameFilterTest.class.getResource("/io/tunnelscope/state/kubernetes/k8s-vxlan.json").toURI());
        KubernetesObjects k8s = KubernetesObjects.parse(Files.readString(dump), dump.toString());
        return AddressNames.from(new ClusterState(List.of(), k8s));
    }

    private static Path sample(String file) {
        Path p = Path.of(System.getProperty("tunnelscope.root", "."), "samples", "captures", "k8s-vxlan", file);
        return Files.exists(p) ? p : Path.of("..", "samples", "captures", "k8s-vxlan", file);
    }

    private static int count(Path file, String expression, AddressNames names) throws IOException {
        PacketFilter filter = Filter.compile(expression, names);
        PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
        PacketView view = new PacketView();
        PacketRecord record = new PacketRecord();
        int n = 0;
        try (CaptureReader reader = CaptureReaders.open(file)) {
            while (reader.next(record)) {
                view.wrap(decoder.decode(record));
                if (filter.matches(view, record, "p")) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void podNodeServiceAndNamespaceStandForTheirAddresses() throws Exception {
        AddressNames names = names();
        Path underlay = sample("worker1-eth0.pcap");
        int web2 = count(underlay, "inner.addr == 10.244.2.2", names);
        assertTrue(web2 > 0);
        assertEquals(web2, count(underlay, "pod == \"default/web-2\"", names));
        assertEquals(web2, count(underlay, "pod == web-2", names), "a bare pod name, any namespace");
        int db = count(underlay, "addr == 10.244.3.2", names);
        assertTrue(db > 0);
        assertEquals(db, count(underlay, "namespace == shop", names));
        // node worker3: its address and its pod subnet, at either level (outer 10.0.0.4 too)
        assertEquals(count(underlay, "addr == 10.0.0.4 || addr in 10.244.3.0/24", names),
                count(underlay, "node == worker3", names));
        assertEquals(count(underlay, "!(addr == 10.0.0.4 || addr in 10.244.3.0/24)", names),
                count(underlay, "node != worker3", names));
        assertEquals(count(underlay, "addr in {10.244.1.2 10.244.2.2 10.244.3.2}", names),
                count(underlay, "pod", names), "a name field alone: any pod");
        assertEquals(0, count(underlay, "service == default/web", names), "nothing went to the ClusterIP");
        assertEquals("pod == \"default/web-2\"", Filter.compile("pod == \"default/web-2\"", names).toString());
    }

    @Test
    void unknownNamesAndMissingNamesAreErrors() throws Exception {
        AddressNames names = names();
        FilterSyntaxException unknown = assertThrows(FilterSyntaxException.class,
                () -> Filter.compile("pod == default/web-9", names));
        assertTrue(unknown.getMessage().contains("no pod 'default/web-9' in the names (known: default/web-1, "
                + "default/web-2, shop/db-0"), unknown.getMessage());
        assertEquals(7, unknown.position());
        FilterSyntaxException none = assertThrows(FilterSyntaxException.class, () -> Filter.compile("node == node2"));
        assertTrue(none.getMessage().contains("'node' needs names: give --k8s FILE.json"), none.getMessage());
        assertEquals(0, none.position());
    }
}
