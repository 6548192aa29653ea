package io.tunnelscope.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tunnelscope.testing.Corpus;
import io.tunnelscope.testing.Tshark;
import io.tunnelscope.testing.TsharkOracle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checksum verdicts, packet for packet, against tshark's ({@code -o ip.check_checksum:TRUE -o
 * tcp.check_checksum:TRUE -o udp.check_checksum:TRUE}) on every capture of the shared corpus and
 * on the regression captures (source routes, routing headers, home addresses, jumbo frames,
 * fragments; see {@link TsharkOracle#checksumDisagreements}). Left out: the BIG TCP captures,
 * which the installed tshark (4.0) does not dissect (its IPv4 total length 0 and IPv6 jumbograms),
 * and where tcpdump's expected output covers them ({@link TcpdumpGoldenTest}).
 */
class TsharkChecksumOracleTest {
    @BeforeAll
    static void needsTshark() {
        assumeTrue(Tshark.available(), "tshark is not installed (apt-get install tshark); oracle test skipped");
    }

    static Stream<Path> captures() throws IOException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(Corpus.root().resolve("tcpdump"))) {
            files.filter(p -> p.toString().matches(".*\\.pcap(ng)?$"))
                    .filter(p -> !p.getFileName().toString().startsWith("bigtcp-")).forEach(all::add);
        }
        try (Stream<Path> files = Files.list(Corpus.fixture("README.md").getParent())) {
            files.filter(p -> p.toString().matches(".*\\.pcap(ng)?$")).forEach(all::add);
        }
        return all.stream().sorted();
    }

    @ParameterizedTest
    @MethodSource("captures")
    void everyChecksumVerdictAgreesWithTshark(Path capture) throws Exception {
        assertEquals(List.of(), TsharkOracle.checksumDisagreements(capture, 20), capture.getFileName() + " differs from tshark");
    }
}
