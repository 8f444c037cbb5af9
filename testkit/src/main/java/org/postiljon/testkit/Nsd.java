package org.postiljon.testkit;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A real authoritative DNS server for the tests: Debian's NSD on a free loopback port, serving zones
 * from zone files, signed for DNSSEC by Debian's ldns-signzone (ldnsutils) with a key made by
 * ldns-keygen (ECDSA P-256). The signed zones' DS records are the trust anchors a validator starts from.
 */
public final class Nsd implements AutoCloseable {

    private final Process process;
    /** Where it answers (UDP and TCP). */
    public final InetSocketAddress address;
    /** The DS records of the signed zones, in zone file form: trust anchors for a validator. */
    public final String trustAnchors;

    /**
     * @param dir      a directory of its own
     * @param signed   zones to sign: origin (e.g. "secure.test") to the zone file's records (without SOA and NS, which are added)
     * @param unsigned zones served as they are, likewise
     * @param tamper   applied to each signed zone's text after signing (to break a signature on purpose); identity for none
     */
    public Nsd(Path dir, Map<String, String> signed, Map<String, String> unsigned, UnaryOperator<String> tamper) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        StringBuilder anchors = new StringBuilder();
        StringBuilder zones = new StringBuilder();
        for (Map.Entry<String, String> z : signed.entrySet()) {
            String origin = z.getKey();
            Path file = dir.resolve(origin + ".zone");
            Files.writeString(file, zone(origin, z.getValue()));
            String ksk = run(dir, "ldns-keygen", "-a", "ECDSAP256SHA256", "-k", origin + ".").strip();
            String zsk = run(dir, "ldns-keygen", "-a", "ECDSAP256SHA256", origin + ".").strip();
            run(dir, "ldns-signzone", "-n", file.getFileName().toString(), ksk, zsk);
            Path signedFile = dir.resolve(origin + ".zone.signed");
            Files.writeString(signedFile, tamper.apply(Files.readString(signedFile)));
            anchors.append(Files.readString(dir.resolve(ksk + ".ds")));
            zones.append("zone:\n  name: ").append(origin).append("\n  zonefile: ").append(signedFile).append('\n');
        }
        for (Map.Entry<String, String> z : unsigned.entrySet()) {
            Path file = dir.resolve(z.getKey() + ".zone");
            Files.writeString(file, zone(z.getKey(), z.getValue()));
            zones.append("zone:\n  name: ").append(z.getKey()).append("\n  zonefile: ").append(file).append('\n');
        }
        trustAnchors = anchors.toString();
        String output = "";
        for (int attempt = 0; attempt < 5; attempt++) {
            int port;
            try (DatagramSocket probe = new DatagramSocket(0)) {
                port = probe.getLocalPort();
            }
            Path conf = dir.resolve("nsd.conf");
            Files.writeString(conf, "server:\n  ip-address: 127.0.0.1@" + port + "\n  port: " + port + "\n  username: \"\"\n  chroot: \"\"\n"
                    + "  zonesdir: \"" + dir + "\"\n  database: \"\"\n  pidfile: \"" + dir.resolve("nsd.pid") + "\"\n"
                    + "  xfrdfile: \"" + dir.resolve("xfrd.state") + "\"\n  zonelistfile: \"" + dir.resolve("zone.list") + "\"\n"
                    + "  server-count: 1\n  verbosity: 1\nremote-control:\n  control-enable: no\n" + zones);
            Process p = new ProcessBuilder("/usr/sbin/nsd", "-d", "-c", conf.toString()).redirectErrorStream(true).start();
            Thread.sleep(500);
            if (p.isAlive()) {
                process = p;
                address = new InetSocketAddress("127.0.0.1", port);
                Thread.ofVirtual().start(() -> {
                    try {
                        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                    } catch (IOException e) {
                        // it stopped
                    }
                });
                return;
            }
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        throw new IOException("nsd did not start: " + output);
    }

    private static String zone(String origin, String records) {
        return "$ORIGIN " + origin + ".\n$TTL 300\n@ IN SOA ns." + origin + ". hostmaster." + origin + ". 1 3600 600 86400 300\n"
                + "@ IN NS ns." + origin + ".\nns IN A 127.0.0.1\n" + records + "\n";
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(String.join(" ", command) + " failed: " + out);
        return out;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
