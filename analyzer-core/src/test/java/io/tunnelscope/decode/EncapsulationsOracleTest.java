package io.tunnelscope.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tunnelscope.testing.Tshark;
import io.tunnelscope.testing.TsharkOracle;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * tshark as the oracle of the encapsulations of issue 16 (MPLS, MPLS-in-UDP, ERSPAN I/II/III,
 * GTP-U, Teredo, PPP on its link type and in PPTP's GRE, 802.1ad, vendor protocols in GRE): every
 * packet of every capture in {@code captures/encapsulations} (tcpdump's test captures and crafted
 * ones, see the README there) must have tshark's layer chain, inner and outer addresses, ports and
 * checksum verdicts.
 */
class EncapsulationsOracleTest {
    @BeforeAll
    static void needsTshark() {
        assumeTrue(Tshark.available(), "tshark is not installed (apt-get install tshark); oracle test skipped");
    }

    static Path directory() throws URISyntaxException {
        return Path.of(EncapsulationsOracleTest.class.getResource("/captures/encapsulations").toURI());
    }

    static Stream<Path> captures() throws IOException, URISyntaxException {
        try (Stream<Path> files = Files.list(directory())) {
            return files.filter(p -> p.toString().endsWith(".pcap")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("captures")
    void everyPacketAgreesWithTshark(Path capture) throws Exception {
        List<String> problems = TsharkOracle.disagreements(capture, 20);
        assertEquals(List.of(), problems, capture.getFileName() + " differs from tshark");
    }
}
