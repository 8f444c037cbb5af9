package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OAUTHBEARER (RFC 7628) and XOAUTH2 with an OpenID provider's access tokens, used by real clients
 * (curl's --oauth2-bearer over IMAP, POP3 and SMTP; Python's imaplib): JWTs checked against the
 * provider's JWKS, and opaque tokens asked about at its introspection endpoint (RFC 7662). The
 * provider is played by an HTTP server in the test that publishes a real RSA key set and answers
 * introspection; the tokens are signed with its private key by jose4j.
 */
class OAuthTest {

    static final String ISSUER = "https://id.example.test";

    /** Runs a client program; its exit code and output. */
    static String[] run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new String[] {String.valueOf(p.exitValue()), out};
    }

    static String jwt(RsaJsonWebKey key, String issuer, String audience, String email, Instant expires) throws Exception {
        JwtClaims c = new JwtClaims();
        c.setIssuer(issuer);
        c.setAudience(audience);
        c.setClaim("email", email);
        c.setSubject("user-" + email.hashCode());
        c.setExpirationTime(NumericDate.fromSeconds(expires.getEpochSecond()));
        c.setIssuedAtToNow();
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(c.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }

    /** IMAP AUTHENTICATE with a hand-made initial response; the tagged reply and what came before it. */
    static String imapAuthenticate(int port, String mechanism, String initial, String afterChallenge) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(15_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            in.readLine();
            s.getOutputStream().write(("a AUTHENTICATE " + mechanism + " " + Base64.getEncoder().encodeToString(initial.getBytes(StandardCharsets.UTF_8))
                    + "\r\n").getBytes(StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            for (String line; (line = in.readLine()) != null; ) {
                seen.append(line).append('\n');
                if (line.startsWith("+ ")) s.getOutputStream().write((afterChallenge + "\r\n").getBytes(StandardCharsets.US_ASCII));
                if (line.startsWith("a ")) break;
            }
            return seen.toString();
        }
    }

    @Test
    void accessTokensSignInOverImapPop3AndSmtp(@TempDir Path dir) throws Exception {
        RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
        key.setKeyId("k1");
        RsaJsonWebKey other = RsaJwkGenerator.generateJwk(2048);
        other.setKeyId("k1"); // a forger's key under the same id
        HttpServer provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] jwks = new JsonWebKeySet(key).toJson().getBytes(StandardCharsets.UTF_8);
        provider.createContext("/jwks", x -> {
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(200, jwks.length);
            x.getResponseBody().write(jwks);
            x.close();
        });
        provider.start();
        try (WebNode web = new WebNode(dir.resolve("node"), Map.of("listen.pop3", "127.0.0.1:0", "listen.submission", "127.0.0.1:0", "listen.managesieve", "127.0.0.1:0",
                "oauth.jwks-url", "http://127.0.0.1:" + provider.getAddress().getPort() + "/jwks", "oauth.issuer", ISSUER, "oauth.audience", "mail"))) {
            int imap = web.imapPort();
            Instant later = Instant.now().plus(Duration.ofMinutes(10));
            String alice = jwt(key, ISSUER, "mail", WebNode.ALICE, later);

            // curl picks OAUTHBEARER from the capabilities
            String[] listed = run(dir, "curl", "-sS", "--oauth2-bearer", alice, "--user", WebNode.ALICE + ":", "imap://127.0.0.1:" + imap + "/");
            assertEquals("0", listed[0], listed[1]);
            assertTrue(listed[1].contains("INBOX") && listed[1].contains("Sent"), listed[1]);
            Files.writeString(dir.resolve("mail.txt"), "From: alice@example.test\r\nTo: bob@example.test\r\nSubject: sent with a token\r\n\r\nhi\r\n");
            String[] sent = run(dir, "curl", "-sS", "--oauth2-bearer", alice, "--user", WebNode.ALICE + ":", "--mail-from", WebNode.ALICE,
                    "--mail-rcpt", WebNode.BOB, "--upload-file", "mail.txt", "smtp://127.0.0.1:" + web.port("submission"));
            assertEquals("0", sent[0], "SMTP AUTH with the token: " + sent[1]);
            String[] popped = run(dir, "curl", "-sS", "--oauth2-bearer", jwt(key, ISSUER, "mail", WebNode.BOB, later), "--user", WebNode.BOB + ":",
                    "--login-options", "AUTH=XOAUTH2", "pop3://127.0.0.1:" + web.port("pop3") + "/1");
            assertEquals("0", popped[0], popped[1]);
            assertTrue(popped[1].contains("Subject: sent with a token"), "bob reads over POP3 (XOAUTH2) what alice sent over SMTP: " + popped[1]);

            // Python's imaplib with XOAUTH2
            String py = """
                    import imaplib, sys
                    m = imaplib.IMAP4('127.0.0.1', %d)
                    auth = 'user=%%s\\x01auth=Bearer %%s\\x01\\x01' %% (sys.argv[1], sys.argv[2])
                    try:
                        m.authenticate('XOAUTH2', lambda challenge: auth if challenge == b'' else '')
                        print(m.select('INBOX')[0])
                    except imaplib.IMAP4.error as e:
                        print('refused:', e)
                    """.formatted(imap);
            Files.writeString(dir.resolve("xoauth2.py"), py);
            assertEquals("OK", run(dir, "python3", "xoauth2.py", WebNode.ALICE, alice)[1].strip());
            assertTrue(run(dir, "python3", "xoauth2.py", WebNode.BOB, alice)[1].startsWith("refused"), "alice's token is not bob's");

            // Refused: expired, another issuer, another audience, a forged signature, unsigned. Each is told where the provider is.
            for (String bad : List.of(jwt(key, ISSUER, "mail", WebNode.ALICE, Instant.now().minus(Duration.ofMinutes(5))),
                    jwt(key, "https://evil.example", "mail", WebNode.ALICE, later), jwt(key, ISSUER, "other-app", WebNode.ALICE, later),
                    jwt(other, ISSUER, "mail", WebNode.ALICE, later), unsigned(WebNode.ALICE, later))) {
                String reply = imapAuthenticate(imap, "OAUTHBEARER", "n,a=" + WebNode.ALICE + ",\u0001auth=Bearer " + bad + "\u0001\u0001", "AQ==");
                assertTrue(reply.contains("a NO"), reply);
                String challenge = reply.lines().filter(l -> l.startsWith("+ ")).findFirst().orElseThrow();
                String json = new String(Base64.getDecoder().decode(challenge.substring(2)), StandardCharsets.UTF_8);
                assertEquals("{\"status\":\"invalid_token\",\"openid-configuration\":\"" + ISSUER + "/.well-known/openid-configuration\"}", json);
            }
            String good = imapAuthenticate(imap, "OAUTHBEARER", "n,a=" + WebNode.ALICE + ",\u0001host=127.0.0.1\u0001port=143\u0001auth=Bearer " + alice
                    + "\u0001\u0001", "");
            assertTrue(good.contains("a OK"), good);
            assertFalse(good.lines().anyMatch(l -> l.startsWith("+ ")), "no challenge for a good token");

            // ManageSieve (RFC 5804 §2.1) takes the same mechanism, with the initial response as a string
            assertTrue(manageSieve(web.port("managesieve"), "n,a=" + WebNode.ALICE + ",\u0001auth=Bearer " + alice + "\u0001\u0001").startsWith("OK"));
            assertTrue(manageSieve(web.port("managesieve"), "n,,\u0001auth=Bearer not-a-jwt\u0001\u0001").startsWith("NO"));

            // Malformed exchanges: a clear NO, never a challenge loop or a crash
            for (String bad : List.of("garbage", "p=tls-unique,,\u0001auth=Bearer " + alice + "\u0001\u0001", "n,a=" + WebNode.ALICE + ",\u0001\u0001",
                    "n,,\u0001auth=Basic " + alice + "\u0001\u0001", "n,,\u0001auth=Bearer " + "x".repeat(20_000) + "\u0001\u0001")) {
                String reply = imapAuthenticate(imap, "OAUTHBEARER", bad, "AQ==");
                assertTrue(reply.lines().anyMatch(l -> l.startsWith("a NO")), bad.length() > 80 ? "a 20 KB token: " + reply : bad + ": " + reply);
            }
            assertTrue(imapAuthenticate(imap, "XOAUTH2", "auth=Bearer " + alice + "\u0001\u0001", "").contains("a OK"), "XOAUTH2 without user= takes the token's");
        } finally {
            provider.stop(0);
        }
    }

    /** AUTHENTICATE "OAUTHBEARER" with an initial response over ManageSieve; the final line. */
    static String manageSieve(int port, String initial) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(15_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null && !line.startsWith("OK"); ) { } // the capabilities
            s.getOutputStream().write(("AUTHENTICATE \"OAUTHBEARER\" \"" + Base64.getEncoder().encodeToString(initial.getBytes(StandardCharsets.UTF_8))
                    + "\"\r\n").getBytes(StandardCharsets.US_ASCII));
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("\"")) s.getOutputStream().write("\"AQ==\"\r\n".getBytes(StandardCharsets.US_ASCII)); // the error challenge: the dummy answer
                else if (line.startsWith("OK") || line.startsWith("NO") || line.startsWith("BYE")) return line;
            }
            return "";
        }
    }

    /** alg "none": refused whatever it says. */
    static String unsigned(String email, Instant expires) {
        Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
        return b.encodeToString("{\"alg\":\"none\",\"kid\":\"k1\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b.encodeToString(("{\"iss\":\"" + ISSUER + "\",\"aud\":\"mail\",\"email\":\"" + email + "\",\"exp\":" + expires.getEpochSecond() + "}")
                .getBytes(StandardCharsets.UTF_8)) + ".";
    }

    @Test
    void opaqueTokensAreAskedAboutAtTheIntrospectionEndpoint(@TempDir Path dir) throws Exception {
        AtomicInteger asked = new AtomicInteger();
        String expected = "Basic " + Base64.getEncoder().encodeToString("postiljon:s3cret".getBytes(StandardCharsets.UTF_8));
        HttpServer provider = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        provider.createContext("/introspect", x -> {
            asked.incrementAndGet();
            String form = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String answer;
            int status = 200;
            if (!expected.equals(x.getRequestHeaders().getFirst("Authorization"))) {
                status = 401;
                answer = "{\"error\":\"invalid_client\"}";
            } else if (form.startsWith("token=opaque-alice&")) {
                answer = "{\"active\":true,\"email\":\"" + WebNode.ALICE + "\",\"exp\":" + (Instant.now().getEpochSecond() + 600) + "}";
            } else {
                answer = "{\"active\":false}";
            }
            byte[] b = answer.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(status, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        provider.start();
        try (WebNode web = new WebNode(dir.resolve("node"), Map.of("oauth.introspection-url", "http://127.0.0.1:" + provider.getAddress().getPort() + "/introspect",
                "oauth.client-id", "postiljon", "oauth.client-secret", "s3cret"))) {
            String url = "imap://127.0.0.1:" + web.imapPort() + "/";
            for (int i = 0; i < 3; i++) {
                String[] listed = run(dir, "curl", "-sS", "--oauth2-bearer", "opaque-alice", "--user", WebNode.ALICE + ":", url);
                assertEquals("0", listed[0], listed[1]);
            }
            assertEquals(1, asked.get(), "a valid token is remembered until it expires (at most 5 minutes): one question for three logins");
            String[] revoked = run(dir, "curl", "-sS", "--oauth2-bearer", "opaque-revoked", "--user", WebNode.ALICE + ":", url);
            assertTrue(!revoked[0].equals("0"), "an inactive token is refused: " + revoked[1]);
            assertEquals(2, asked.get());
        } finally {
            provider.stop(0);
        }
    }
}
