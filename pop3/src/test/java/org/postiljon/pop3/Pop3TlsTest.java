package org.postiljon.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.testkit.Transcript;

/** Without TLS no plaintext password is accepted (off loopback, or when configured so); STLS upgrades. */
class Pop3TlsTest {

    @TempDir
    Path dir;

    @Test
    void plaintextNeedsTlsAndStlsUpgrades() throws Exception {
        try (Pop3TestServer server = new Pop3TestServer(dir, false); Transcript t = new Transcript(server.port())) {
            server.account("alice@example.org");
            t.run("""
                S1: +OK Postiljon POP3 ready
                C1: CAPA
                S1: +OK capability list follows
                S1: TOP
                S1: UIDL
                S1: RESP-CODES
                S1: AUTH-RESP-CODE
                S1: PIPELINING
                S1: SASL SCRAM-SHA-256
                S1: STLS
                S1: EXPIRE NEVER
                S1: IMPLEMENTATION Postiljon
                S1: .
                C1: USER alice@example.org
                S1: -ERR [AUTH] plaintext authentication is disallowed without TLS; use STLS first
                C1: PASS correct horse battery
                S1: -ERR [AUTH] plaintext authentication is disallowed without TLS; use STLS first
                C1: AUTH PLAIN AGFsaWNlQGV4YW1wbGUub3JnAGNvcnJlY3QgaG9yc2UgYmF0dGVyeQ==
                S1: -ERR [AUTH] PLAIN is disallowed without TLS; use STLS first
                """);
            // Commands pipelined behind STLS would be taken as if sent over TLS (CVE-2011-0411).
            t.send(1, "STLS\r\nUSER alice@example.org\r\n");
            t.run("""
                S1: -ERR no commands may follow STLS before the handshake
                S1: -ERR [AUTH] plaintext authentication is disallowed without TLS; use STLS first
                """);
            t.send(1, "STLS\r\n");
            assertEquals("+OK begin TLS negotiation", t.readLine(1));
            SSLSocket tls = upgrade(t.socket(1));
            BufferedReader in = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = tls.getOutputStream();
            out.write("CAPA\r\n".getBytes(StandardCharsets.US_ASCII));
            List<String> caps = new ArrayList<>();
            for (String l = in.readLine(); !l.equals("."); l = in.readLine()) caps.add(l);
            assertTrue(caps.contains("USER") && caps.contains("SASL PLAIN LOGIN SCRAM-SHA-256") && !caps.contains("STLS"), caps.toString());
            out.write("USER alice@example.org\r\nPASS correct horse battery\r\nSTLS\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("+OK send PASS", in.readLine());
            assertTrue(in.readLine().startsWith("+OK maildrop has 0 messages"));
            assertEquals("-ERR STLS is not allowed in the TRANSACTION state", in.readLine());
        }
    }

    private static SSLSocket upgrade(Socket plain) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() { // the test server's certificate is self-signed
            public void checkClientTrusted(X509Certificate[] c, String a) { }
            public void checkServerTrusted(X509Certificate[] c, String a) { }
            public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        }}, null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, "localhost", plain.getPort(), true);
        s.startHandshake();
        return s;
    }
}
