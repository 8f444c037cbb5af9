package org.postiljon.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listeners over real sockets with a small line protocol: echo, STARTTLS, limits, shutdown. */
class ListenerTest {

    static Tls tls;
    static SSLContext clientContext;

    @BeforeAll
    static void certificate(@TempDir Path dir) throws Exception {
        tls = Tls.generateSelfSigned(dir, "mail.example.test");
        Tls reloaded = Tls.fromPem(dir.resolve("cert.pem"), dir.resolve("key.pem"));
        assertEquals(tls.certificate(), reloaded.certificate(), "the PEM files hold what was generated");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", tls.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);
    }

    /** "STARTTLS" upgrades; any other line is echoed with the connection's security; long lines are refused. */
    static final Listener.Handler ECHO = new Listener.Handler() {
        @Override
        public void handle(Connection c) throws IOException {
            write(c, "HELLO " + (c.isSecure() ? "secure" : "plain"));
            LineReader lines = new LineReader(c.input(), 64);
            while (true) {
                byte[] line;
                try {
                    line = lines.readLine();
                } catch (LineReader.LineTooLong e) {
                    write(c, "TOO LONG");
                    continue;
                }
                if (line == null) return;
                String s = new String(line, StandardCharsets.UTF_8);
                if (s.equals("STARTTLS")) {
                    write(c, "GO");
                    c.startTls(tls);
                    lines = new LineReader(c.input(), 64);
                    continue;
                }
                write(c, (c.isSecure() ? "secure " : "plain ") + s);
            }
        }

        @Override
        public byte[] refusal() {
            return "BUSY\r\n".getBytes(StandardCharsets.US_ASCII);
        }
    };

    static void write(Connection c, String s) throws IOException {
        c.output().write((s + "\r\n").getBytes(StandardCharsets.UTF_8));
        c.output().flush();
    }

    static Listener start(Tls implicit, Listener.Options options) throws IOException {
        return Listener.start("test", new InetSocketAddress("127.0.0.1", 0), implicit, ECHO, options);
    }

    static void send(Socket s, String line) throws IOException {
        OutputStream o = s.getOutputStream();
        o.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        o.flush();
    }

    static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }

    @Test
    void implicitTlsServesTls12And13AndRefusesOlderProtocols() throws Exception {
        try (Listener l = start(tls, Listener.Options.DEFAULT)) {
            for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
                try (SSLSocket s = (SSLSocket) clientContext.getSocketFactory().createSocket("127.0.0.1", l.address().getPort())) {
                    s.setEnabledProtocols(new String[] {protocol});
                    BufferedReader in = reader(s);
                    assertEquals("HELLO secure", in.readLine());
                    assertEquals(protocol, s.getSession().getProtocol());
                    send(s, "ping");
                    assertEquals("secure ping", in.readLine());
                }
            }
            try (SSLSocket s = (SSLSocket) clientContext.getSocketFactory().createSocket("127.0.0.1", l.address().getPort())) {
                String[] old = java.util.Arrays.stream(s.getSupportedProtocols()).filter(p -> p.equals("TLSv1.1") || p.equals("TLSv1")).toArray(String[]::new);
                if (old.length > 0) {
                    s.setEnabledProtocols(old);
                    assertThrows(IOException.class, s::startHandshake);
                }
            }
        }
    }

    @Test
    void startTlsUpgradesTheSameConnection() throws Exception {
        try (Listener l = start(null, Listener.Options.DEFAULT); Socket plain = new Socket("127.0.0.1", l.address().getPort())) {
            BufferedReader in = reader(plain);
            assertEquals("HELLO plain", in.readLine());
            send(plain, "before");
            assertEquals("plain before", in.readLine());
            send(plain, "STARTTLS");
            assertEquals("GO", in.readLine());
            SSLSocket s = (SSLSocket) clientContext.getSocketFactory().createSocket(plain, "127.0.0.1", plain.getPort(), true);
            s.startHandshake();
            BufferedReader secure = reader(s);
            send(s, "after");
            assertEquals("secure after", secure.readLine());
        }
    }

    @Test
    void anUntrustedClientCannotHandshakeWithTheSelfSignedCertificate() throws Exception {
        try (Listener l = start(tls, Listener.Options.DEFAULT);
             SSLSocket s = (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket("127.0.0.1", l.address().getPort())) {
            assertThrows(SSLHandshakeException.class, s::startHandshake);
        }
    }

    @Test
    void overlongLinesAreRefusedAndTheStreamStaysInStep() throws Exception {
        try (Listener l = start(null, Listener.Options.DEFAULT); Socket s = new Socket("127.0.0.1", l.address().getPort())) {
            BufferedReader in = reader(s);
            in.readLine();
            send(s, "x".repeat(100_000));
            assertEquals("TOO LONG", in.readLine());
            send(s, "next");
            assertEquals("plain next", in.readLine());
        }
    }

    @Test
    @SuppressWarnings("try") // closes one resource early to free its slot
    void connectionsPerIpAreLimited() throws Exception {
        try (Listener l = start(null, new Listener.Options(2, 100, Duration.ofSeconds(1)));
             Socket a = new Socket("127.0.0.1", l.address().getPort());
             Socket b = new Socket("127.0.0.1", l.address().getPort())) {
            assertEquals("HELLO plain", reader(a).readLine());
            assertEquals("HELLO plain", reader(b).readLine());
            try (Socket c = new Socket("127.0.0.1", l.address().getPort())) {
                BufferedReader in = reader(c);
                assertEquals("BUSY", in.readLine());
                assertNull(in.readLine(), "refused connections are closed");
            }
            a.close();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (l.openConnections() > 1 && System.nanoTime() < deadline) Thread.sleep(10);
            try (Socket d = new Socket("127.0.0.1", l.address().getPort())) {
                assertEquals("HELLO plain", reader(d).readLine(), "a freed slot can be used again");
            }
        }
    }

    @Test
    void shutdownStopsAcceptingAndClosesWithinTheGracePeriod() throws Exception {
        Listener l = start(null, new Listener.Options(20, 100, Duration.ofMillis(300)));
        int port = l.address().getPort();
        try (Socket s = new Socket("127.0.0.1", port)) {
            BufferedReader in = reader(s);
            in.readLine();
            long t0 = System.nanoTime();
            l.close();
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos());
            assertNull(in.readLine(), "the idle session was closed");
        }
        assertThrows(IOException.class, () -> new Socket("127.0.0.1", port).close());
    }
}
