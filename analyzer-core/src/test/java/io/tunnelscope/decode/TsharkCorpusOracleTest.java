package io.tunnelscope.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tunnelscope.testing.Corpus;
import io.tunnelscope.testing.Tshark;
import io.tunnelscope.testing.TsharkOracle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * tshark as an independent oracle over the shared third-party corpus: every packet's layer chain,
 * addresses, ports and VNIs must equal tshark's. Left out: the two captures built to crash
 * dissectors (their packets are malformed on purpose) and the BIG TCP captures, whose IPv4 total
 * length 0 / IPv6 jumbograms the installed tshark (4.0) does not dissect — tcpdump's expected
 * output covers those in {@link TcpdumpGoldenTest}.
 */
class TsharkCorpusOracleTest {
    @BeforeAll
    static void needsTshark() {
        assumeTrue(Tshark.available(), "tshark is not installed (apt-get install tshark); oracle test skipped");
    }

    static Stream<Path> captures() throws IOException {
        try (Stream<Path> files = Files.list(Corpus.root().resolve("tcpdump"))) {
            return files.filter(p -> p.toString().endsWith(".pcap"))
                    .filter(p -> !p.getFileName().toString().startsWith("bigtcp-"))
                    .filter(p -> !p.getFileName().toString().startsWith("ip6_frag_asan"))
                    .filter(p -> !p.getFileName().toString().startsWith("ipv6_frag6_negative_len"))
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("captures")
    void everyPacketAgreesWithTshark(Path capture) throws Exception {
        List<String> problems = TsharkOracle.disagreements(capture, 20);
        assertEquals(List.of(), problems, capture.getFileName() + " differs from tshark");
    }
}
