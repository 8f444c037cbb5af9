package org.postiljon.smtp;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real rspamd (Debian's package, which ./test installs) with Debian's configuration and our
 * overrides in a temporary directory: its workers on free loopback ports, its files there, and a
 * DNS server that does not answer (the tests have no network), so its DNS-based checks find nothing.
 */
final class RspamdServer implements AutoCloseable {

    final URI normal;
    private final Process process;

    private RspamdServer(URI normal, Process process) {
        this.normal = normal;
        this.process = process;
    }

    static RspamdServer start(Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/rspamd")), "rspamd is not installed; ./test installs it (Debian package rspamd)");
        Path local = Files.createDirectories(dir.resolve("local.d"));
        for (String d : new String[] {"run", "db", "log"}) Files.createDirectories(dir.resolve(d));
        int normal = freePort(), controller = freePort(), proxy = freePort();
        Files.writeString(local.resolve("worker-normal.inc"), "bind_socket = \"127.0.0.1:" + normal + "\";\ncount = 1;\n");
        Files.writeString(local.resolve("worker-controller.inc"), "bind_socket = \"127.0.0.1:" + controller + "\";\ncount = 1;\n");
        Files.writeString(local.resolve("worker-proxy.inc"), "bind_socket = \"127.0.0.1:" + proxy + "\";\ncount = 1;\n");
        Files.writeString(local.resolve("logging.inc"), "type = \"file\";\nfilename = \"" + dir.resolve("log/rspamd.log") + "\";\nlevel = \"warning\";\n");
        Files.writeString(local.resolve("options.inc"), "dns {\n  nameserver = [\"127.0.0.1:9\"];\n  timeout = 0.2s;\n  retransmits = 1;\n}\n");
        Process p = new ProcessBuilder("/usr/bin/rspamd", "-f", "-u", "root", "-g", "root", "-i", "-c", "/etc/rspamd/rspamd.conf",
                "--var", "LOCAL_CONFDIR=" + dir, "--var", "RUNDIR=" + dir.resolve("run"), "--var", "DBDIR=" + dir.resolve("db"),
                "--var", "LOGDIR=" + dir.resolve("log")).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
        URI base = URI.create("http://127.0.0.1:" + normal);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (int i = 0; i < 120; i++) {
            try {
                if (http.send(HttpRequest.newBuilder(base.resolve("/ping")).build(), HttpResponse.BodyHandlers.ofString()).body().startsWith("pong")) {
                    return new RspamdServer(base, p);
                }
            } catch (IOException e) {
                if (!p.isAlive()) break;
                Thread.sleep(250);
            }
        }
        p.destroyForcibly();
        throw new IOException("rspamd did not start: " + Files.readString(dir.resolve("out.txt")));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
