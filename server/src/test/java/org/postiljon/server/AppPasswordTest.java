package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.EmailAddress;

/**
 * App passwords and the password change, over the wire: made over JMAP, good for the protocols
 * they were made for (IMAP LOGIN, POP3, SMTP AUTH, JMAP's HTTP Basic) and nothing else (not the
 * webmail's sign-in), revoked one by one; the password changed over JMAP only with the current one.
 */
class AppPasswordTest {

    @Test
    void appPasswordsAreScopedAndRevocableAndThePasswordChangesOverJmap(@TempDir Path dir) throws Exception {
        try (WebNode web = new WebNode(dir, java.util.Map.of("listen.pop3", "127.0.0.1:0", "listen.submission", "127.0.0.1:0"))) {
            String user = WebNode.ALICE;
            long id = web.node.model().directory().find(EmailAddress.parse(user)).orElseThrow().id();
            String acc = "A" + Long.toHexString(id);
            JsonNode made = call(web, user, acc, "AppPassword/set", "\"create\":{\"phone\":{\"name\":\"Phone\",\"scopes\":[\"imap\",\"smtp\"]},"
                    + "\"cli\":{\"name\":\"Script\",\"scopes\":[\"jmap\"]},\"bad\":{\"name\":\"x\",\"scopes\":[\"ftp\"]},\"none\":{\"name\":\"y\",\"scopes\":[]}}");
            String phone = made.get("created").get("phone").get("secret").asText();
            String script = made.get("created").get("cli").get("secret").asText();
            assertTrue(phone.matches("[a-z]{4}(-[a-z]{4}){5}"), phone);
            assertEquals("invalidProperties", made.get("notCreated").get("bad").get("type").asText());
            assertEquals("invalidProperties", made.get("notCreated").get("none").get("type").asText());

            assertTrue(imapLogin(web, user, phone).contains("OK"), "IMAP takes the phone's password");
            assertTrue(imapLogin(web, user, phone.toUpperCase().replace("-", " ")).contains("OK"), "typed in capitals with spaces too");
            assertTrue(smtpAuth(web, user, phone).startsWith("235"), "and SMTP");
            assertTrue(pop3Login(web, user, phone).startsWith("-ERR"), "not POP3: not made for it");
            assertTrue(imapLogin(web, user, script).contains("NO"), "the JMAP one is not for IMAP");
            assertEquals(200, basic(web, acc, user, script), "JMAP over HTTP Basic takes it");
            assertEquals(401, basic(web, acc, user, phone), "but not the IMAP one");
            assertEquals(401, web.post("/login", null, "{\"username\":\"" + user + "\",\"password\":\"" + phone + "\"}").statusCode(),
                    "and no app password opens the webmail");

            JsonNode list = call(web, user, acc, "AppPassword/get", "\"ids\":null").get("list");
            assertEquals(2, list.size());
            JsonNode first = list.get(0).get("name").asText().equals("Phone") ? list.get(0) : list.get(1);
            assertEquals("[\"imap\",\"smtp\"]", first.get("scopes").toString());
            assertNotNull(first.get("lastUsed").asText(null), "its last use is noted");
            assertFalse(first.has("secret"), "the secret is shown once only");

            JsonNode revoked = call(web, user, acc, "AppPassword/set", "\"destroy\":[\"" + first.get("id").asText() + "\",\"Pnope\"]");
            assertEquals(1, revoked.get("destroyed").size());
            assertEquals("notFound", revoked.get("notDestroyed").get("Pnope").get("type").asText());
            assertTrue(imapLogin(web, user, phone).contains("NO"), "revoked");
            assertTrue(imapLogin(web, user, WebNode.PASSWORD).contains("OK"), "the account's password still works");

            // The password itself: only with the current one, and then the old one is gone everywhere.
            assertEquals("forbidden", call(web, user, acc, "Password/change", "\"oldPassword\":\"wrong one\",\"newPassword\":\"new secret 1\"").get("type").asText());
            assertEquals("invalidArguments", call(web, user, acc, "Password/change", "\"oldPassword\":\"" + WebNode.PASSWORD + "\",\"newPassword\":\"short\"")
                    .get("type").asText());
            assertEquals("invalidArguments", call(web, user, acc, "Password/change", "\"oldPassword\":\"" + WebNode.PASSWORD + "\",\"newPassword\":\"alice-2027!\"")
                    .get("type").asText(), "not the address's own name");
            JsonNode changed = call(web, user, acc, "Password/change", "\"oldPassword\":\"" + WebNode.PASSWORD + "\",\"newPassword\":\"new secret 1\"");
            assertEquals(acc, changed.get("accountId").asText(), changed.toString());
            assertTrue(imapLogin(web, user, WebNode.PASSWORD).contains("NO"), "the old password is gone");
            assertTrue(imapLogin(web, user, "new secret 1").contains("OK"));
            assertEquals(200, basic(web, acc, user, script), "app passwords outlive a password change");
        }
    }

    static JsonNode call(WebNode web, String user, String acc, String method, String args) throws Exception {
        return JmapSieveTest.call(web, user, acc, method, args);
    }

    /** The tagged answer to LOGIN. */
    static String imapLogin(WebNode web, String user, String password) throws Exception {
        try (Socket s = new Socket("127.0.0.1", web.imapPort())) {
            s.setSoTimeout(15_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            in.readLine();
            s.getOutputStream().write(("a LOGIN \"" + user + "\" \"" + password + "\"\r\n").getBytes(StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) if (line.startsWith("a ")) return line;
            return "";
        }
    }

    static String pop3Login(WebNode web, String user, String password) throws Exception {
        try (Socket s = new Socket("127.0.0.1", web.port("pop3"))) {
            s.setSoTimeout(15_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            in.readLine();
            out.write(("USER " + user + "\r\n").getBytes(StandardCharsets.UTF_8));
            in.readLine();
            out.write(("PASS " + password + "\r\n").getBytes(StandardCharsets.UTF_8));
            return in.readLine();
        }
    }

    /** The reply to AUTH PLAIN on the submission port (loopback: no TLS needed). */
    static String smtpAuth(WebNode web, String user, String password) throws Exception {
        try (Socket s = new Socket("127.0.0.1", web.port("submission"))) {
            s.setSoTimeout(15_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            AuthenticationReply.read(in);
            out.write("EHLO probe\r\n".getBytes(StandardCharsets.US_ASCII));
            AuthenticationReply.read(in);
            String plain = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
            out.write(("AUTH PLAIN " + plain + "\r\n").getBytes(StandardCharsets.US_ASCII));
            return AuthenticationReply.read(in);
        }
    }

    /** An SMTP reply's last line (multi-line replies read whole). */
    static final class AuthenticationReply {
        static String read(BufferedReader in) throws Exception {
            String line;
            do {
                line = in.readLine();
            } while (line != null && line.length() > 3 && line.charAt(3) == '-');
            return line;
        }
    }

    /** The status of a JMAP request over HTTP Basic with this password. */
    static int basic(WebNode web, String acc, String user, String password) throws Exception {
        String auth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return web.http.send(HttpRequest.newBuilder(URI.create(web.base() + "/jmap/session")).header("Authorization", auth).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
