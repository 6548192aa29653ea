package io.tunnelscope.cli.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.cli.CliProcess;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.state.NodeState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ssh transport against a real OpenSSH server (Debian openssh-server) the test starts inside a
 * namespace host, with a key-only root login made by the test: {@code collect --node
 * h1=ssh:root@10.77.0.2:2222} run from a second namespace joined to it by a veth pair, and a second
 * node whose ssh port is closed. Namespaces {@code ts15-s<pid>-h1} and {@code -c}, removed at the
 * end. Root only; skipped otherwise, saying why. The waits are guards, never assertions on timing.
 */
class SshTransportLabTest {
    private final String prefix = "ts15-s" + ProcessHandle.current().pid() + "-";
    private final String host = prefix + "h1";
    private final String client = prefix + "c";
    private Process sshd;

    @TempDir
    Path dir;

    @AfterEach
    void tearDown() throws Exception {
        if (sshd != null) {
            sshd.destroy();
            sshd.waitFor(10, TimeUnit.SECONDS);
        }
        for (String ns : List.of(host, client)) {
            if (CollectLabTest.exec(List.of("ip", "netns", "list")).contains(ns)) {
                for (String pid : CollectLabTest.exec(List.of("ip", "netns", "pids", ns)).split("\n")) {
                    if (!pid.isBlank()) {
                        CollectLabTest.exec(List.of("kill", "-KILL", pid.strip()));
                    }
                }
                CollectLabTest.exec(List.of("ip", "netns", "del", ns));
            }
        }
    }

    private void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail(String.join(" ", command) + ": " + out);
        }
    }

    @Test
    void collectsOverARealSshServerAndNamesTheNodeThatCannotBeReached() throws Exception {
        Assumptions.assumeTrue("0".equals(CollectLabTest.exec(List.of("id", "-u")).strip()), "needs root (namespaces)");
        for (String tool : List.of("ip", "tcpdump", "ping", "ssh", "ssh-keygen")) {
            Assumptions.assumeTrue(CollectLabTest.onPath(tool), tool + " not installed");
        }
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/sshd")), "openssh-server not installed");

        // two namespaces joined by a veth pair; the host's default route points at the client
        for (String ns : List.of(host, client)) {
            run("ip", "netns", "add", ns);
            run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
            run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        run("ip", "-n", client, "link", "add", "up0", "type", "veth", "peer", "name", "up0", "netns", host);
        run("ip", "-n", client, "addr", "add", "10.77.0.1/24", "dev", "up0");
        run("ip", "-n", host, "addr", "add", "10.77.0.2/24", "dev", "up0");
        run("ip", "-n", client, "link", "set", "up0", "up");
        run("ip", "-n", host, "link", "set", "up0", "up");
        run("ip", "-n", host, "route", "add", "default", "via", "10.77.0.1");

        // keys made here; sshd allows this key only (no password, no PAM)
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("host_key").toString());
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("id").toString());
        Files.copy(dir.resolve("id.pub"), dir.resolve("authorized_keys"));
        Files.writeString(dir.resolve("sshd_config"), String.join("\n", "Port 2222", "ListenAddress 10.77.0.2",
                "HostKey " + dir.resolve("host_key"), "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"), "PermitRootLogin prohibit-password",
                "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no", ""));
        Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege separation directory
        sshd = new ProcessBuilder("ip", "netns", "exec", host, "/usr/sbin/sshd", "-D", "-e", "-f",
                dir.resolve("sshd_config").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sshd.log").toFile()).start();
        String hostKey = Files.readString(dir.resolve("host_key.pub")).strip();
        Files.writeString(dir.resolve("known_hosts"), "[10.77.0.2]:2222 " + hostKey.substring(0,
                hostKey.lastIndexOf(' ')) + "\n");
        Files.writeString(dir.resolve("ssh_config"), String.join("\n", "Host 10.77.0.2", "  IdentityFile "
                + dir.resolve("id"), "  IdentitiesOnly yes", "  UserKnownHostsFile " + dir.resolve("known_hosts"),
                "  StrictHostKeyChecking yes", "  LogLevel ERROR", ""));
        for (int i = 0; i < 100 && !CollectLabTest.exec(List.of("ip", "netns", "exec", host, "ss", "-Hltn",
                "sport = :2222")).contains("2222"); i++) {
            Thread.sleep(100);
        }

        Path out = dir.resolve("out");
        CliProcess collect = CliProcess.start(dir, List.of("ip", "netns", "exec", client), Map.of(), "collect",
                "--node", "h1=ssh:root@10.77.0.2:2222", "--node", "down=ssh:root@10.77.0.2:2223",
                "--ssh-config", dir.resolve("ssh_config").toString(), "--duration", "6", "--out", out.toString());
        collect.awaitErr("capturing on", 60);
        run("ip", "netns", "exec", client, "ping", "-c", "5", "-i", "0.2", "-W", "2", "10.77.0.2");
        CliProcess.Result result = collect.await(90);

        assertEquals(2, result.code(), "a node failed: " + result.err() + result.out()
                + Files.readString(dir.resolve("sshd.log")));
        assertTrue(result.err().contains("tunnelscope collect: down: ssh failed (exit 255): ssh: connect to host "
                + "10.77.0.2 port 2223: Connection refused — the other nodes go on"), result.err());
        assertTrue(result.err().contains("tunnelscope collect: h1 (ssh:root@10.77.0.2:2222): up0"), result.err());
        assertTrue(result.out().contains("Collection ended: duration reached"), result.out());

        // the ping, both ways, and none of the ssh sessions that carried the capture back
        int echoes = 0;
        int other = 0;
        try (CaptureReader reader = CaptureReaders.open(out.resolve("h1/up0.pcapng"))) {
            PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
            PacketView view = new PacketView();
            PacketRecord record = new PacketRecord();
            while (reader.next(record)) {
                view.wrap(decoder.decode(record));
                int ip = view.innerIpLayer();
                if (ip >= 0 && view.ipProtocol(ip) == 1) {
                    echoes++;
                } else if (ip >= 0) {
                    other++;
                }
            }
            assertEquals("up0", reader.interfaces().get(0).name());
            assertTrue(reader.comments().contains("tunnelscope-node=h1"), reader.comments().toString());
        }
        assertEquals(10, echoes, "5 requests and 5 replies");
        assertEquals(0, other, "the ssh sessions streaming the captures are left out");

        NodeState state = NodeState.load("h1", out.resolve("h1/state"));
        assertEquals(List.of(), state.problems());
        assertEquals("up0", state.network().defaultDevice());
        assertEquals("10.77.0.2", state.network().link("up0").addresses().get(0).address());
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("collect.json").toFile());
        assertEquals("duration reached", manifest.get("reason").asText());
        assertTrue(manifest.get("nodes").get(1).get("error").asText().contains("Connection refused"));
    }
}
