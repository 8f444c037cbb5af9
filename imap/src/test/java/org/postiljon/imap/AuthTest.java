package org.postiljon.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.imap.wire.ImapLimits;
import org.postiljon.mailbox.api.Scram;
import org.postiljon.testkit.Transcript;

/**
 * Authentication with plaintext refused before TLS (as for any client not on loopback): LOGINDISABLED,
 * STARTTLS, AUTHENTICATE PLAIN with SASL-IR, and SCRAM-SHA-256 without TLS.
 */
class AuthTest {

    @TempDir
    Path dir;

    @Test
    void plaintextNeedsTlsAndStartTlsEnablesIt() throws Exception {
        try (ImapTestServer server = new ImapTestServer(dir, ImapLimits.DEFAULT, false); Transcript t = new Transcript(server.port())) {
            server.account("alice@example.org");
            t.run("""
                S1: * OK [CAPABILITY IMAP4rev1 IMAP4rev2 STARTTLS LOGINDISABLED AUTH=SCRAM-SHA-256 SASL-IR LITERAL+ ENABLE ID] Postiljon IMAP ready
                C1: a1 LOGIN alice@example.org "correct horse battery"
                S1: a1 NO [PRIVACYREQUIRED] LOGIN is disabled before STARTTLS
                C1: a2 AUTHENTICATE PLAIN AGFsaWNlQGV4YW1wbGUub3JnAGNvcnJlY3QgaG9yc2UgYmF0dGVyeQ==
                S1: a2 NO [PRIVACYREQUIRED] PLAIN is disabled before STARTTLS
                C1: a3 STARTTLS
                S1: a3 OK Begin TLS negotiation now
                """);
            SSLSocket s = (SSLSocket) trusting(server).getSocketFactory().createSocket(t.socket(1), "localhost", server.port(), true);
            s.startHandshake();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            out.write("a4 CAPABILITY\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String caps = in.readLine();
            assertTrue(caps.startsWith("* CAPABILITY IMAP4rev1 IMAP4rev2 AUTH=PLAIN"), caps);
            assertTrue(!caps.contains("STARTTLS") && !caps.contains("LOGINDISABLED"), caps);
            assertEquals("a4 OK CAPABILITY completed", in.readLine());
            String ir = Base64.getEncoder().encodeToString("\0alice@example.org\0correct horse battery".getBytes(StandardCharsets.UTF_8));
            out.write(("a5 AUTHENTICATE PLAIN " + ir + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertTrue(in.readLine().startsWith("a5 OK [CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL+"));
        }
    }

    @Test
    void scramSha256WorksWithoutTlsAndProvesTheServer() throws Exception {
        try (ImapTestServer server = new ImapTestServer(dir, ImapLimits.DEFAULT, false); Socket s = new Socket("127.0.0.1", server.port())) {
            server.account("alice@example.org");
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            in.readLine();
            String clientFirstBare = "n=alice@example.org,r=fyko+d2lbbFgONRv9qkxdawL";
            out.write(("a1 AUTHENTICATE SCRAM-SHA-256 " + b64("n,," + clientFirstBare) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String serverFirst = unb64(in.readLine().substring(2));
            String[] parts = serverFirst.split(",");
            String nonce = parts[0].substring(2);
            byte[] salt = Base64.getDecoder().decode(parts[1].substring(2));
            int iterations = Integer.parseInt(parts[2].substring(2));
            byte[] salted = Scram.saltedPassword(ImapTestServer.PASSWORD.toCharArray(), salt, iterations);
            byte[] clientKey = Scram.hmac(salted, "Client Key");
            String withoutProof = "c=biws,r=" + nonce;
            String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
            byte[] signature = Scram.hmac(Scram.sha256(clientKey), authMessage.getBytes(StandardCharsets.UTF_8));
            byte[] proof = new byte[32];
            for (int i = 0; i < 32; i++) proof[i] = (byte) (clientKey[i] ^ signature[i]);
            out.write((b64(withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String serverFinal = unb64(in.readLine().substring(2));
            byte[] serverSignature = Scram.hmac(Scram.hmac(salted, "Server Key"), authMessage.getBytes(StandardCharsets.UTF_8));
            assertEquals("v=" + Base64.getEncoder().encodeToString(serverSignature), serverFinal);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertTrue(in.readLine().startsWith("a1 OK [CAPABILITY"));
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String s) {
        return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }

    static SSLContext trusting(ImapTestServer server) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", server.tls.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @Test
    void commandsPipelinedBehindStartTlsAreRefusedNotRunInsideTls() throws Exception {
        try (ImapTestServer server = new ImapTestServer(dir, ImapLimits.DEFAULT, false); Transcript t = new Transcript(server.port())) {
            t.run("S1: * OK *");
            // CVE-2011-0411 style: plaintext bytes sent with STARTTLS must not be taken as protected.
            t.send(1, "a1 STARTTLS\r\na2 LOGIN alice@example.org \"correct horse battery\"\r\n");
            t.run("S1: a1 BAD no commands may follow STARTTLS before the handshake");
            assertTrue(t.closed(1), "the connection is closed");
        }
    }

    @Test
    void idleClientsAreLoggedOutBeforeLogin() throws Exception {
        ImapLimits quick = new ImapLimits(ImapLimits.DEFAULT.maxLineBytes(), ImapLimits.DEFAULT.maxLiteralBytesBeforeAuth(),
                ImapLimits.DEFAULT.maxLiteralBytes(), ImapLimits.DEFAULT.maxMessageBytes(), ImapLimits.DEFAULT.maxBadCommands(),
                ImapLimits.DEFAULT.maxNesting(), java.time.Duration.ofMillis(500), ImapLimits.DEFAULT.idleAfterAuth());
        try (ImapTestServer server = new ImapTestServer(dir, quick, true); Transcript t = new Transcript(server.port())) {
            long t0 = System.nanoTime();
            t.run("""
                S1: * OK *
                S1: * BYE autologout; idle for too long
                """);
            assertTrue(t.closed(1));
            assertTrue(java.time.Duration.ofNanos(System.nanoTime() - t0).toMillis() < 5000);
        }
    }
}
