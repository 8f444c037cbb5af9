package org.postiljon.smtp;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** A real DNS server for the tests: dnsmasq from Debian on a free loopback port, serving only what it is told. */
final class Dnsmasq implements AutoCloseable {

    private final Process process;
    final InetSocketAddress address;

    /** @param options dnsmasq record options, e.g. {@code --mx-host=example.net,mail.example.net,10} */
    Dnsmasq(String... options) throws IOException, InterruptedException {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0)) {
            port = probe.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of("dnsmasq", "--no-daemon", "--port=" + port, "--listen-address=127.0.0.1",
                "--bind-interfaces", "--no-resolv", "--no-hosts", "--user=root", "--cache-size=0"));
        cmd.addAll(List.of(options));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        address = new InetSocketAddress("127.0.0.1", port);
        Thread.sleep(300); // it answers within milliseconds of starting
        if (!process.isAlive()) throw new IOException("dnsmasq did not start: " + cmd);
    }

    @Override
    public void close() {
        process.destroy();
    }
}
