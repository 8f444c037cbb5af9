package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.net.Tls;
import org.postiljon.testkit.Dnsmasq;

/**
 * Certificates change without a restart: new PEM files on disk are served by every listener (IMAP
 * with implicit TLS and with STARTTLS, HTTPS) at their next handshake while open sessions go on;
 * and a certificate is issued by a real ACME CA, Let's Encrypt's Pebble (Debian's pebble), over
 * HTTP-01 against the node's web listener, and then served the same way.
 */
class CertificatesTest {

    /** Trusts anything: these tests read which certificate is served, not whether it is trusted. */
    static SSLContext readAny() throws Exception {
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) { }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) { }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return c;
    }

    /** The leaf a TLS port serves now. */
    static X509Certificate served(int port) throws Exception {
        try (SSLSocket s = (SSLSocket) readAny().getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    /** The leaf IMAP's STARTTLS (RFC 9051 §6.2.1) serves now. */
    static X509Certificate servedAfterStartTls(int port) throws Exception {
        try (Socket plain = new Socket("127.0.0.1", port)) {
            plain.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(plain.getInputStream(), StandardCharsets.US_ASCII));
            in.readLine();
            plain.getOutputStream().write("a STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
            for (String line; (line = in.readLine()) != null && !line.startsWith("a "); ) { }
            try (SSLSocket s = (SSLSocket) readAny().getSocketFactory().createSocket(plain, "127.0.0.1", port, true)) {
                s.startHandshake();
                return (X509Certificate) s.getSession().getPeerCertificates()[0];
            }
        }
    }

    static String cn(X509Certificate c) {
        return c.getSubjectX500Principal().getName();
    }

    static void waitUntil(String what, Callable<Boolean> check) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!check.call()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out: " + what);
            Thread.sleep(200);
        }
    }

    @Test
    void newCertificateFilesAreServedWithoutARestart(@TempDir Path dir) throws Exception {
        Tls.generateSelfSigned(dir.resolve("a"), "a.example.test");
        Tls.generateSelfSigned(dir.resolve("b"), "b.example.test");
        Path live = Files.createDirectories(dir.resolve("live"));
        Files.copy(dir.resolve("a/cert.pem"), live.resolve("cert.pem"));
        Files.copy(dir.resolve("a/key.pem"), live.resolve("key.pem"));
        try (WebNode web = new WebNode(dir.resolve("node"), Map.of("listen.imaps", "127.0.0.1:0", "tls.certificate", live.resolve("cert.pem").toString(),
                "tls.key", live.resolve("key.pem").toString(), "tls.reload-seconds", "1"))) {
            int imaps = web.port("imaps"), https = web.node.webPorts().get(1);
            assertEquals("CN=a.example.test", cn(served(imaps)));
            assertEquals("CN=a.example.test", cn(served(https)));
            assertEquals("CN=a.example.test", cn(servedAfterStartTls(web.imapPort())));
            try (SSLSocket open = (SSLSocket) readAny().getSocketFactory().createSocket("127.0.0.1", imaps)) {
                open.setSoTimeout(10_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(open.getInputStream(), StandardCharsets.US_ASCII));
                in.readLine();

                // The operator's renewal (certbot, a deploy hook) replaces the files: key first, then the chain.
                Files.copy(dir.resolve("b/key.pem"), live.resolve("key.pem"), StandardCopyOption.REPLACE_EXISTING);
                Files.copy(dir.resolve("b/cert.pem"), live.resolve("cert.pem"), StandardCopyOption.REPLACE_EXISTING);
                waitUntil("IMAPS serves the new certificate", () -> cn(served(imaps)).equals("CN=b.example.test"));
                assertEquals("CN=b.example.test", cn(served(https)), "HTTPS too");
                assertEquals("CN=b.example.test", cn(servedAfterStartTls(web.imapPort())), "and STARTTLS");

                open.getOutputStream().write("a NOOP\r\n".getBytes(StandardCharsets.US_ASCII));
                assertTrue(in.readLine().startsWith("a OK"), "a session opened before goes on");
            }

            // A broken pair (half written) is not served; the last good one goes on.
            Files.writeString(live.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\nnot base64\n");
            Thread.sleep(2500);
            assertEquals("CN=b.example.test", cn(served(imaps)));
        }
    }

    @Test
    void acmeWithoutAnHttpListenerIsAConfigurationError(@TempDir Path dir) {
        Settings s = Settings.defaults().with("data.dir", dir.toString()).with("acme.directory", "https://acme.example/dir").with("listen.http", "off");
        Settings.ConfigError e = org.junit.jupiter.api.Assertions.assertThrows(Settings.ConfigError.class, () -> {
            try (Node n = Node.open(s)) {
                n.start();
            }
        });
        assertTrue(e.getMessage().contains("acme.directory needs listen.http"), e.getMessage());
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aCertificateFromAnAcmeCaIsServedByEveryListener(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/pebble")), "Debian's pebble (installed by the test command)");
        // Pebble's own HTTPS certificate: the node is told to trust it for the directory (acme.ca-certificate).
        Path pebbleTls = dir.resolve("pebble-tls");
        Tls.generateSelfSigned(pebbleTls, "localhost");
        int acmePort = freePort(), managementPort = freePort(), httpPort = freePort();
        Files.writeString(dir.resolve("pebble.json"), """
                {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
                 "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
                 "ocspResponderURL": "", "externalAccountBindingRequired": false}}
                """.formatted(acmePort, managementPort, pebbleTls.resolve("cert.pem"), pebbleTls.resolve("key.pem"), httpPort, freePort()));
        try (Dnsmasq dns = new Dnsmasq("--host-record=mail.example.test,127.0.0.1")) {
            ProcessBuilder pb = new ProcessBuilder("/usr/bin/pebble", "-config", dir.resolve("pebble.json").toString(),
                    "-dnsserver", "127.0.0.1:" + dns.address.getPort(), "-strict").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("pebble.log").toFile());
            pb.environment().put("PEBBLE_VA_NOSLEEP", "1");
            pb.environment().put("PEBBLE_WFE_NONCEREJECT", "0");
            Process pebble = pb.start();
            try {
                waitUntil("pebble listens", () -> {
                    try (Socket s = new Socket("127.0.0.1", acmePort)) {
                        return true;
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
                try (WebNode web = new WebNode(dir.resolve("node"), Map.of("listen.imaps", "127.0.0.1:0", "listen.http", "127.0.0.1:" + httpPort,
                        "acme.directory", "https://localhost:" + acmePort + "/dir", "acme.ca-certificate", pebbleTls.resolve("cert.pem").toString(),
                        "acme.email", "postmaster@example.test", "tls.reload-seconds", "1"))) {
                    int imaps = web.port("imaps"), https = web.node.webPorts().get(1);
                    waitUntil("the ACME certificate is served (pebble.log: " + dir.resolve("pebble.log") + ")",
                            () -> served(imaps).getIssuerX500Principal().getName().contains("Pebble"));
                    X509Certificate issued = served(imaps);
                    assertTrue(issued.getSubjectAlternativeNames().stream().anyMatch(n -> n.get(1).equals("mail.example.test")), issued.toString());
                    assertEquals(issued, served(https), "HTTPS serves it too");
                    assertEquals(issued, servedAfterStartTls(web.imapPort()), "and STARTTLS");
                    Path key = dir.resolve("node/tls/acme/key.pem");
                    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)), "the key is the owner's only");
                    assertTrue(Files.readString(dir.resolve("pebble.log")).contains("mail.example.test"), "pebble validated our name");
                    List<String> wellKnown = List.of(web.get("/.well-known/acme-challenge/nothing-pending", null).body());
                    assertTrue(wellKnown.getFirst().contains("no such challenge"), "answers exist only while an order waits");
                }
            } finally {
                pebble.destroy();
            }
        }
    }
}
