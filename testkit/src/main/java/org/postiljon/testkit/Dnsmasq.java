package org.postiljon.testkit;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** A real DNS server for the tests: dnsmasq from Debian on a free loopback port, serving only what it is told. */
public final class Dnsmasq implements AutoCloseable {

    private final Process process;
    /** Where it answers (UDP and TCP). */
    public final InetSocketAddress address;

    /**
     * @param options dnsmasq record options, e.g. {@code --mx-host=example.net,mail.example.net,10}
     *                <p>It listens on UDP and TCP: a port free for UDP may be taken for TCP by
     *                another test's socket, so a failed start is tried again on another port.
     */
    public Dnsmasq(String... options) throws IOException, InterruptedException {
        String output = "";
        for (int attempt = 0; attempt < 5; attempt++) {
            int port;
            try (DatagramSocket probe = new DatagramSocket(0)) {
                port = probe.getLocalPort();
            }
            List<String> cmd = new ArrayList<>(List.of("dnsmasq", "--no-daemon", "--port=" + port, "--listen-address=127.0.0.1",
                    "--bind-interfaces", "--no-resolv", "--no-hosts", "--user=root", "--cache-size=0"));
            cmd.addAll(List.of(options));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Thread.sleep(300); // it answers within milliseconds of starting
            if (p.isAlive()) {
                process = p;
                address = new InetSocketAddress("127.0.0.1", port);
                Thread.ofVirtual().start(() -> drain(p)); // its log, never read
                return;
            }
            output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        }
        throw new IOException("dnsmasq did not start: " + output);
    }

    private static void drain(Process p) {
        try {
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            // it stopped
        }
    }

    @Override
    public void close() {
        process.destroy();
    }
}
