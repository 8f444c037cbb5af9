package org.postiljon.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PROXY protocol headers, parsed byte by byte and hostile, and a real HAProxy in front of a listener. */
class ProxyProtocolTest {

    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    /** A version 2 header: command (0 LOCAL, 1 PROXY), family, then the address block and any TLVs. */
    private static byte[] v2(int command, int family, byte[] block) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SIGNATURE);
        out.write(0x20 | command);
        out.write(family);
        out.write(block.length >> 8);
        out.write(block.length & 0xff);
        out.writeBytes(block);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, String b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b.getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** Gives one byte per read, as a slow network would: the parser must not depend on how bytes arrive. */
    private static InputStream trickle(byte[] bytes) {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        return new InputStream() {
            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return len == 0 ? 0 : in.read(b, off, 1);
            }
        };
    }

    /** Parses {@code header + "A001 rest"} both whole and a byte at a time; the rest must be left unread. */
    private static Optional<InetAddress> parse(byte[] header) throws IOException {
        Optional<InetAddress> first = null;
        for (InputStream in : new InputStream[] {new ByteArrayInputStream(concat(header, "A001 rest")), trickle(concat(header, "A001 rest"))}) {
            Optional<InetAddress> got = ProxyProtocol.read(in);
            assertEquals("A001 rest", new String(in.readAllBytes(), StandardCharsets.US_ASCII), "exactly the header is read");
            if (first != null) assertEquals(first, got);
            first = got;
        }
        return first;
    }

    @Test
    void version2NamesTheClientOverIpv4AndIpv6AndSkipsTlvs() throws Exception {
        byte[] tcp4 = {(byte) 203, 0, 113, 9, 10, 0, 0, 5, (byte) 0xd4, 0x31, 0, (byte) 143, 0x04, 0, 2, 'h', 'i'}; // + a 2-byte TLV
        assertEquals(Optional.of(InetAddress.getByName("203.0.113.9")), parse(v2(1, 0x11, tcp4)));
        byte[] tcp6 = new byte[36];
        byte[] src = InetAddress.getByName("2001:db8::77").getAddress();
        System.arraycopy(src, 0, tcp6, 0, 16);
        assertEquals(Optional.of(InetAddress.getByName("2001:db8::77")), parse(v2(1, 0x21, tcp6)));
        assertEquals(Optional.empty(), parse(v2(0, 0x00, new byte[0])), "LOCAL: the proxy's own health check");
        assertEquals(Optional.empty(), parse(v2(1, 0x00, new byte[0])), "UNSPEC");
    }

    @Test
    void version1NamesTheClientToo() throws Exception {
        assertEquals(Optional.of(InetAddress.getByName("198.51.100.22")),
                parse("PROXY TCP4 198.51.100.22 10.0.0.5 50123 993\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Optional.of(InetAddress.getByName("2001:db8::1")),
                parse("PROXY TCP6 2001:db8::1 2001:db8::2 50123 993\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Optional.empty(), parse("PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void anythingElseIsRefusedWithoutReadingOn() {
        for (String bad : new String[] {
                "A001 LOGIN alice secret\r\n", // no header at all
                "PROXY TCP4 mail.example.org 10.0.0.5 1 2\r\n", // a name: never looked up
                "PROXY TCP4 198.51.100.22 10.0.0.5 50123\r\n", // a field missing
                "PROXY TCP4 198.51.100.22 10.0.0.5 50123 99999\r\n", // not a port
                "PROXY TCP4 2001:db8::1 10.0.0.5 1 2\r\n", // family mismatch
                "PROXY TCP4 198.51.100.22 10.0.0.5 1 2\n", // no CR
                "PROXY UDP4 198.51.100.22 10.0.0.5 1 2\r\n",
                "PROXY TCP4 198.51.100.22 " + "1".repeat(120) + "\r\n", // longer than 107 bytes
        }) {
            assertThrows(ProxyProtocol.Malformed.class, () -> ProxyProtocol.read(new ByteArrayInputStream(bad.getBytes(StandardCharsets.US_ASCII))), bad);
        }
        assertThrows(ProxyProtocol.Malformed.class, () -> parse(v2(1, 0x11, new byte[ProxyProtocol.V2_MAX + 1])), "too long");
        assertThrows(ProxyProtocol.Malformed.class, () -> parse(v2(1, 0x11, new byte[5])), "addresses cut short");
        assertThrows(ProxyProtocol.Malformed.class, () -> parse(v2(1, 0x12, new byte[12])), "UDP");
        assertThrows(ProxyProtocol.Malformed.class, () -> parse(v2(7, 0x11, new byte[12])), "unknown command");
        byte[] v3 = v2(1, 0x11, new byte[12]);
        v3[12] = 0x31;
        assertThrows(ProxyProtocol.Malformed.class, () -> ProxyProtocol.read(new ByteArrayInputStream(v3)), "version 3");
        byte[] cut = v2(1, 0x11, new byte[12]);
        assertThrows(EOFException.class, () -> ProxyProtocol.read(new ByteArrayInputStream(java.util.Arrays.copyOf(cut, 20))));
    }

    @Test
    void trustedRangesMatchAddressesAndPrefixes() throws Exception {
        ProxyProtocol.Trusted t = ProxyProtocol.Trusted.parse(" 10.0.0.0/8, 192.0.2.7 ,2001:db8::/32");
        assertTrue(t.contains(InetAddress.getByName("10.200.3.4")));
        assertTrue(t.contains(InetAddress.getByName("192.0.2.7")));
        assertFalse(t.contains(InetAddress.getByName("192.0.2.8")));
        assertTrue(t.contains(InetAddress.getByName("2001:db8:1::5")));
        assertFalse(t.contains(InetAddress.getByName("2001:db9::5")));
        assertTrue(ProxyProtocol.Trusted.parse("").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> ProxyProtocol.Trusted.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> ProxyProtocol.Trusted.parse("proxy.example.org"));
    }

    /** Says which client the session believes it serves, then echoes. */
    private static final Listener.Handler WHO = new Listener.Handler() {
        @Override
        public void handle(Connection c) throws IOException {
            ListenerTest.write(c, "FROM " + c.remoteIp());
            LineReader lines = new LineReader(c.input(), 200);
            for (byte[] line; (line = lines.readLine()) != null; ) ListenerTest.write(c, "ECHO " + new String(line, StandardCharsets.US_ASCII));
        }

        @Override
        public byte[] refusal() {
            return "BUSY\r\n".getBytes(StandardCharsets.US_ASCII);
        }
    };

    private static Socket from(String localIp, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(localIp, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void behindARealHaproxyTheClientCountsNotTheBalancer(@TempDir Path dir) throws Exception {
        Path haproxy = Path.of("/usr/sbin/haproxy");
        assertTrue(Files.isExecutable(haproxy), "HAProxy is not installed (Debian: apt-get install haproxy); .ci/run installs it");
        Listener.Options options = new Listener.Options(2, 100, Duration.ofSeconds(1))
                .withProxies(ProxyProtocol.Trusted.parse("127.0.0.1"));
        try (Listener l = Listener.start("test", new InetSocketAddress("127.0.0.1", 0), null, WHO, options)) {
            int v2 = freePort(), v1 = freePort();
            Path config = dir.resolve("haproxy.cfg");
            Files.writeString(config, """
                    global
                        maxconn 100
                    defaults
                        mode tcp
                        timeout connect 5s
                        timeout client 30s
                        timeout server 30s
                    frontend v2
                        bind 127.0.0.1:%d
                        default_backend postiljon-v2
                    backend postiljon-v2
                        server node 127.0.0.1:%d send-proxy-v2
                    frontend v1
                        bind 127.0.0.1:%d
                        default_backend postiljon-v1
                    backend postiljon-v1
                        server node 127.0.0.1:%d send-proxy
                    """.formatted(v2, l.address().getPort(), v1, l.address().getPort()));
            Process p = new ProcessBuilder(haproxy.toString(), "-db", "-f", config.toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("haproxy.log").toFile()).start();
            try {
                awaitPort(v2);
                awaitPort(v1);
                try (Socket a = from("127.0.0.7", v2); Socket b = from("127.0.0.7", v1)) {
                    assertEquals("FROM 127.0.0.7", reader(a).readLine(), "version 2 names the client");
                    assertEquals("FROM 127.0.0.7", reader(b).readLine(), "so does version 1");
                    // The per-address limit (2) counts 127.0.0.7, not HAProxy's 127.0.0.1.
                    try (Socket c = from("127.0.0.7", v2)) {
                        assertEquals("BUSY", reader(c).readLine());
                    }
                    try (Socket d = from("127.0.0.8", v2)) {
                        BufferedReader in = reader(d);
                        assertEquals("FROM 127.0.0.8", in.readLine(), "another client is not held back");
                        ListenerTest.send(d, "hello");
                        assertEquals("ECHO hello", in.readLine(), "the session runs on after the header");
                    }
                }
            } finally {
                p.destroy();
                p.waitFor();
            }
            // Straight to the listener, not through a trusted proxy: a header is just text, never believed.
            try (Socket s = from("127.0.0.9", l.address().getPort())) {
                BufferedReader in = reader(s);
                assertEquals("FROM 127.0.0.9", in.readLine());
                ListenerTest.send(s, "PROXY TCP4 203.0.113.1 127.0.0.1 1 2");
                assertEquals("ECHO PROXY TCP4 203.0.113.1 127.0.0.1 1 2", in.readLine());
            }
            // From the trusted address but without a header: closed before any greeting.
            try (Socket s = from("127.0.0.1", l.address().getPort())) {
                ListenerTest.send(s, "A001 CAPABILITY");
                assertNull(reader(s).readLine());
            }
        }
    }

    private static void awaitPort(int port) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) throw new IOException("HAProxy did not listen on " + port, e);
                Thread.sleep(50);
            }
        }
    }
}
