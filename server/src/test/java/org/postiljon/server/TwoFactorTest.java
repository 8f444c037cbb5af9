package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.EmailAddress;

/**
 * Two-step sign-in over the wire: turned on over JMAP with a code from an authenticator (computed
 * here as RFC 6238 says, apart from the server's code), then the webmail asks for a code after the
 * password, a code is good once, the password alone opens no protocol (app passwords do), and a
 * current code turns it off.
 */
class TwoFactorTest {

    @Test
    void theWebmailWantsACodeAndMailProgramsAppPasswords(@TempDir Path dir) throws Exception {
        try (WebNode web = new WebNode(dir)) {
            String user = WebNode.ALICE;
            String acc = "A" + Long.toHexString(web.node.model().directory().find(EmailAddress.parse(user)).orElseThrow().id());
            assertFalse(AppPasswordTest.call(web, user, acc, "TwoFactor/get", "\"x\":0").get("enabled").asBoolean());
            JsonNode begun = AppPasswordTest.call(web, user, acc, "TwoFactor/begin", "\"x\":0");
            String secret = begun.get("secret").asText();
            assertTrue(begun.get("uri").asText().startsWith("otpauth://totp/Postiljon%3Aalice%40example.test?secret=" + secret + "&issuer=Postiljon"),
                    begun.toString());
            JsonNode apps = AppPasswordTest.call(web, user, acc, "AppPassword/set", "\"create\":{\"a\":{\"name\":\"Phone\",\"scopes\":[\"imap\"]},"
                    + "\"j\":{\"name\":\"JMAP client\",\"scopes\":[\"jmap\"]}}").get("created");
            String app = apps.get("a").get("secret").asText(), jmapApp = apps.get("j").get("secret").asText();

            // Far enough from a step's end that the steps used below stay the same while the test runs.
            long seconds = System.currentTimeMillis() / 1000;
            if (seconds % 30 > 20) Thread.sleep((31 - seconds % 30) * 1000);
            long now = System.currentTimeMillis() / 1000 / 30;
            byte[] key = unbase32(secret);
            assertEquals("invalidArguments", AppPasswordTest.call(web, user, acc, "TwoFactor/confirm", "\"code\":\"" + wrong(key, now) + "\"").get("type").asText());
            assertTrue(AppPasswordTest.call(web, user, acc, "TwoFactor/confirm", "\"code\":\"" + code(key, now - 1) + "\"").get("enabled").asBoolean());
            assertTrue(call(web, user, jmapApp, acc, "TwoFactor/get").get("enabled").asBoolean(), "JMAP clients now use app passwords too");

            String password = "\"username\":\"" + user + "\",\"password\":\"" + WebNode.PASSWORD + "\"";
            var first = web.post("/login", null, "{" + password + "}");
            assertEquals(401, first.statusCode());
            assertTrue(WebNode.JSON.readTree(first.body()).get("code").asBoolean(), "the password was right: the code is asked for");
            assertEquals(401, web.post("/login", null, "{" + password + ",\"code\":\"" + wrong(key, now) + "\"}").statusCode());
            assertEquals(401, web.post("/login", null, "{\"username\":\"" + user + "\",\"password\":\"wrong\",\"code\":\"" + code(key, now) + "\"}").statusCode(),
                    "a code does not stand for the password");
            assertEquals(200, web.post("/login", null, "{" + password + ",\"code\":\"" + code(key, now) + "\"}").statusCode());
            assertEquals(401, web.post("/login", null, "{" + password + ",\"code\":\"" + code(key, now) + "\"}").statusCode(), "each code once");

            assertTrue(AppPasswordTest.imapLogin(web, user, WebNode.PASSWORD).contains("NO"), "the password alone opens no protocol");
            assertEquals(401, AppPasswordTest.basic(web, acc, user, WebNode.PASSWORD));
            assertTrue(AppPasswordTest.imapLogin(web, user, app).contains("OK"), "an app password does");

            assertEquals("forbidden", call(web, user, jmapApp, acc, "TwoFactor/disable", "\"code\":\"" + wrong(key, now) + "\"").get("type").asText());
            assertFalse(call(web, user, jmapApp, acc, "TwoFactor/disable", "\"code\":\"" + code(key, now + 1) + "\"").get("enabled").asBoolean());
            assertTrue(AppPasswordTest.imapLogin(web, user, WebNode.PASSWORD).contains("OK"), "off again: the password works");
        }
    }

    /** One JMAP method call over HTTP Basic with {@code password}: its arguments, or the error's. */
    static JsonNode call(WebNode web, String user, String password, String acc, String method, String... args) throws Exception {
        String body = "{\"using\":[\"urn:ietf:params:jmap:core\",\"urn:postiljon:params:jmap:webmail\"],\"methodCalls\":[[\"" + method
                + "\",{\"accountId\":\"" + acc + "\"" + (args.length == 0 ? "" : "," + args[0]) + "},\"c\"]]}";
        String auth = "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        var r = web.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(web.base() + "/jmap/api")).header("Authorization", auth)
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return WebNode.JSON.readTree(r.body()).get("methodResponses").get(0).get(1);
    }

    /** RFC 6238 TOTP with HMAC-SHA1, 6 digits, for one 30-second step. */
    static String code(byte[] key, long step) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(key, "HmacSHA1"));
        byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
        int o = h[19] & 0xf;
        int v = ((h[o] & 0x7f) << 24 | (h[o + 1] & 0xff) << 16 | (h[o + 2] & 0xff) << 8 | h[o + 3] & 0xff) % 1_000_000;
        return String.format("%06d", v);
    }

    /** A code that is none of the steps the server accepts now. */
    static String wrong(byte[] key, long now) throws Exception {
        java.util.Set<String> good = java.util.Set.of(code(key, now - 1), code(key, now), code(key, now + 1));
        for (int i = 0; ; i++) {
            String c = String.format("%06d", (123456 + i * 7919) % 1_000_000);
            if (!good.contains(c)) return c;
        }
    }

    static byte[] unbase32(String s) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        ByteBuffer out = ByteBuffer.allocate(s.length() * 5 / 8);
        int buffer = 0, bits = 0;
        for (char c : s.toCharArray()) {
            buffer = buffer << 5 | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out.put((byte) (buffer >> bits - 8));
                bits -= 8;
            }
        }
        return out.array();
    }
}
