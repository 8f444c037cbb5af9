package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.OutboundQueue;

/**
 * The admin REST API over HTTP against a running node: who may use it (an administrator's webmail
 * session with its CSRF header, or an API token; never a bare password, never another user), and
 * every endpoint the OpenAPI description lists answered at least once with success, each outcome
 * checked where a user would see it (IMAP logins, delivered notices, the store).
 */
class AdminApiTest {

    static final String API = "/admin/api/v1";

    record Answer(int status, JsonNode body) { }

    /** Calls as {@code auth} (an Authorization or Cookie header value, or null); notes which endpoints answered 2xx. */
    static final class Client {
        final WebNode web;
        final List<String[]> succeeded = new ArrayList<>();
        String authorization;
        String cookie;
        String csrf;

        Client(WebNode web) {
            this.web = web;
        }

        Answer call(String method, String path, String body) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(web.base() + API + path))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) b.header("Content-Type", "application/json");
            if (authorization != null) b.header("Authorization", authorization);
            if (cookie != null) b.header("Cookie", cookie);
            if (csrf != null) b.header("X-CSRF-Token", csrf);
            HttpResponse<String> r = web.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = r.body().isEmpty() ? null : WebNode.JSON.readTree(r.body());
            if (r.statusCode() / 100 == 2) succeeded.add(new String[] {method, path.replaceAll("\\?.*", "")});
            return new Answer(r.statusCode(), json);
        }

        JsonNode ok(String method, String path, String body) throws Exception {
            Answer a = call(method, path, body);
            assertTrue(a.status() / 100 == 2, method + " " + path + ": " + a.status() + " " + a.body());
            return a.body();
        }
    }

    static String basic(String user, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String imapLogin(WebNode web, String user, String password) throws Exception {
        return AppPasswordTest.imapLogin(web, user, password);
    }

    @Test
    void onlyAdministratorsAndTheirTokensGetIn(@TempDir Path dir) throws Exception {
        try (WebNode web = new WebNode(dir, Map.of("admin.accounts", WebNode.ALICE))) {
            Client c = new Client(web);
            Answer doc = c.call("GET", "/openapi.json", null);
            assertEquals(200, doc.status(), "the description needs no sign-in");
            assertEquals("3.1.0", doc.body().get("openapi").asText());
            assertEquals(401, c.call("GET", "/dashboard", null).status(), "nothing else without one");

            c.authorization = WebNode.basic(WebNode.ALICE);
            assertEquals(401, c.call("GET", "/dashboard", null).status(), "an administrator's password alone is no API token");
            c.authorization = null;

            c.cookie = web.signIn(WebNode.BOB, WebNode.PASSWORD);
            assertEquals(403, c.call("GET", "/dashboard", null).status(), "bob is no administrator");
            JsonNode bobTried = AppPasswordTest.call(web, WebNode.BOB, "A" + Long.toHexString(web.node.model().directory()
                    .find(org.postiljon.mailbox.api.EmailAddress.parse(WebNode.BOB)).orElseThrow().id()), "AppPassword/set",
                    "\"create\":{\"t\":{\"name\":\"mine\",\"scopes\":[\"admin\"]}}");
            assertEquals("invalidProperties", bobTried.get("notCreated").get("t").get("type").asText(), "no user makes an admin token over JMAP");

            c.cookie = web.signIn(WebNode.ALICE, WebNode.PASSWORD);
            assertEquals(200, c.call("GET", "/dashboard", null).status(), "alice's webmail session is an administrator's");
            assertEquals(403, c.call("POST", "/domains", "{\"name\":\"example.org\"}").status(), "a change needs the CSRF header");
            c.csrf = csrf(web, c.cookie);
            JsonNode token = c.ok("POST", "/accounts/" + WebNode.ALICE + "/app-passwords", "{\"name\":\"deploy script\",\"scopes\":[\"admin\"]}");
            String secret = token.get("secret").asText();

            Client t = new Client(web);
            t.authorization = basic(WebNode.ALICE, secret);
            assertEquals(200, t.call("GET", "/dashboard", null).status(), "the token works without a session or CSRF header");
            assertTrue(imapLogin(web, WebNode.ALICE, secret).contains("NO"), "and opens no mailbox");
            t.authorization = basic(WebNode.BOB, secret);
            assertEquals(401, t.call("GET", "/dashboard", null).status(), "it is alice's");
            c.ok("DELETE", "/accounts/" + WebNode.ALICE + "/app-passwords/" + token.get("id").asText(), null);
            t.authorization = basic(WebNode.ALICE, secret);
            assertEquals(401, t.call("GET", "/dashboard", null).status(), "revoked");
        }
    }

    /** One message to {@code to} over SMTP (port 25's role), as another server sends it. */
    static void smtp(int port, String to) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(15_000);
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            var out = s.getOutputStream();
            String[] lines = {null, "EHLO other.example.net", "MAIL FROM:<someone@other.example.net>", "RCPT TO:<" + to + ">", "DATA",
                    "From: someone@other.example.net\r\nTo: " + to + "\r\nSubject: hello\r\n\r\nhi\r\n.", "QUIT"};
            for (String line : lines) {
                if (line != null) out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
                String reply;
                do {
                    reply = in.readLine();
                } while (reply != null && reply.length() > 3 && reply.charAt(3) == '-');
                assertTrue(reply != null && (reply.startsWith("2") || reply.startsWith("3")), line + " -> " + reply);
            }
        }
    }

    static String csrf(WebNode web, String cookie) throws Exception {
        HttpResponse<String> s = web.http.send(HttpRequest.newBuilder(URI.create(web.base() + "/webmail/session")).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString());
        return WebNode.JSON.readTree(s.body()).get("csrf").asText();
    }

    @Test
    void everyEndpointDoesWhatTheCliDoes(@TempDir Path dir) throws Exception {
        // Outbound mail goes to a smarthost that is not there: it waits in the queue (4xx), as behind a broken link.
        try (WebNode web = new WebNode(dir, Map.of("admin.accounts", WebNode.ALICE, "outbound.smarthost", "127.0.0.1:9"))) {
            String secret = web.node.model().appPasswords().create(web.node.model().directory()
                    .find(org.postiljon.mailbox.api.EmailAddress.parse(WebNode.ALICE)).orElseThrow(), "tests",
                    Set.of(org.postiljon.mailbox.api.AppPasswords.Scope.ADMIN)).secret();
            Client c = new Client(web);
            c.authorization = basic(WebNode.ALICE, secret);

            // Domains and their DNS records
            assertEquals(201, c.call("POST", "/domains", "{\"name\":\"example.org\"}").status());
            assertEquals(409, c.call("POST", "/domains", "{\"name\":\"example.org\"}").status(), "already there");
            assertEquals(400, c.call("POST", "/domains", "{}").status(), "name is required");
            assertTrue(c.ok("GET", "/domains", null).toString().contains("example.org"));
            c.ok("PUT", "/domains/example.org/settings/quota.storage-mb", "{\"value\":\"100\"}");
            assertEquals("100", c.ok("GET", "/domains/example.org/settings", null).get("quota.storage-mb").asText());
            assertEquals(400, c.call("PUT", "/domains/example.org/settings/no.such.key", "{\"value\":\"1\"}").status());
            assertEquals(201, c.call("POST", "/domains/example.org/dkim", "{\"selector\":\"s1\",\"algorithm\":\"ed25519\"}").status());
            c.ok("POST", "/domains/example.org/dkim", "{\"selector\":\"s2\"}");
            c.ok("POST", "/domains/example.org/dkim/s1/use", null);
            JsonNode keys = c.ok("GET", "/domains/example.org/dkim", null);
            assertEquals(2, keys.size());
            JsonNode dns = c.ok("GET", "/domains/example.org/dns", null);
            String records = dns.get("records").toString();
            assertTrue(records.contains("{\"name\":\"example.org.\",\"type\":\"MX\",\"value\":\"10 mail.example.test.\""), records);
            assertTrue(records.contains("\"s1._domainkey.example.org.\",\"type\":\"TXT\",\"value\":\"v=DKIM1; k=ed25519; p="), records);
            assertTrue(records.contains("_dmarc.example.org.") && records.contains("_imap._tcp.example.org.") && records.contains("autoconfig.example.org."), records);
            assertTrue(records.matches("(?s).*_mta-sts\\.example\\.org\\..*v=STSv1; id=[0-9a-f]{20}.*") && records.contains("_smtp._tls.example.org."),
                    "MTA-STS and TLS-RPT records: " + records);
            assertTrue(dns.get("zone").asText().contains("example.org. IN MX 10 mail.example.test.\n"), dns.get("zone").asText());
            assertEquals(404, c.call("GET", "/domains/elsewhere.net/dns", null).status(), "only local domains");
            c.ok("DELETE", "/domains/example.org/dkim/s2", null);
            assertEquals(1, c.ok("GET", "/domains/example.org/dkim", null).size());

            // An account: made, signed in to over IMAP, changed, removed
            String carol = "carol@example.org";
            assertEquals(201, c.call("POST", "/accounts", "{\"address\":\"" + carol + "\",\"password\":\"carol secret 1\",\"quotaMb\":50}").status());
            assertEquals(409, c.call("POST", "/accounts", "{\"address\":\"" + carol + "\",\"password\":\"carol secret 1\"}").status());
            assertEquals(400, c.call("POST", "/accounts", "{\"address\":\"not an address\",\"password\":\"x secret 12\"}").status());
            assertEquals(400, c.call("POST", "/accounts", "{\"address\":\"dave@example.org\"}").status(), "a password is needed");
            assertTrue(imapLogin(web, carol, "carol secret 1").contains("OK"), "the new account signs in over IMAP");
            JsonNode listed = c.ok("GET", "/accounts?domain=example.org", null);
            assertEquals(1, listed.size());
            assertEquals(50L * 1024 * 1024, listed.get(0).get("quota").get("storageBytes").asLong());
            c.ok("PUT", "/accounts/" + carol + "/password", "{\"password\":\"carol secret 2\"}");
            assertTrue(imapLogin(web, carol, "carol secret 1").contains("NO"), "the old password is gone");
            assertTrue(imapLogin(web, carol, "carol secret 2").contains("OK"));
            assertFalse(c.ok("DELETE", "/accounts/" + carol + "/two-step", null).get("wasOn").asBoolean());
            c.ok("PUT", "/accounts/" + carol + "/quota", "{\"storageMb\":\"unlimited\",\"messages\":\"1000\"}");
            JsonNode quota = c.ok("GET", "/accounts/carol%40example.org/quota", null); // as browsers encode it
            assertEquals(carol, quota.get("address").asText());
            assertEquals(1000, quota.get("quota").get("messages").asInt());
            assertEquals(100L * 1024 * 1024, quota.get("quota").get("storageBytes").asLong(), "no limit of its own: the domain's 100 MB " + quota);
            c.ok("PUT", "/accounts/" + carol + "/settings/pop3.delete", "{\"value\":\"trash\"}");
            assertEquals("trash", c.ok("GET", "/accounts/" + carol + "/settings", null).get("pop3.delete").asText());
            c.ok("PUT", "/accounts/" + carol + "/acl", "{\"folder\":\"INBOX\",\"identifier\":\"" + WebNode.ALICE + "\",\"rights\":\"lr\"}");
            assertTrue(c.ok("GET", "/accounts/" + carol + "/acl?folder=INBOX", null).get("acl").toString()
                    .contains("{\"identifier\":\"" + WebNode.ALICE + "\",\"rights\":\"lr\"}"));
            assertEquals(400, c.call("GET", "/accounts/" + carol + "/acl", null).status(), "folder is required");
            assertEquals(7, c.ok("PUT", "/accounts/" + carol + "/retention", "{\"folder\":\"Trash\",\"days\":\"7\"}").get("days").asInt());

            // Sieve scripts and app passwords of the account
            Answer broken = c.call("PUT", "/accounts/" + carol + "/sieve/broken", "{\"content\":\"fileinto \\\"X\\\";\"}");
            assertEquals(409, broken.status(), "a script is checked before it is kept (fileinto without require)");
            assertTrue(broken.body().get("detail").asText().startsWith("not a valid Sieve script"), broken.body().toString());
            c.ok("PUT", "/accounts/" + carol + "/sieve/main", "{\"content\":\"require \\\"fileinto\\\";\\nif header :contains \\\"subject\\\" \\\"news\\\" { fileinto \\\"News\\\"; }\\n\"}");
            c.ok("PUT", "/accounts/" + carol + "/sieve-active", "{\"name\":\"main\"}");
            assertTrue(c.ok("GET", "/accounts/" + carol + "/sieve", null).toString().contains("{\"name\":\"main\",\"active\":true"));
            assertTrue(c.ok("GET", "/accounts/" + carol + "/sieve/main", null).get("content").asText().contains("fileinto \"News\""));
            assertEquals(409, c.call("DELETE", "/accounts/" + carol + "/sieve/main", null).status(), "the active script stays");
            c.ok("PUT", "/accounts/" + carol + "/sieve-active", "{}");
            c.ok("DELETE", "/accounts/" + carol + "/sieve/main", null);
            assertEquals(404, c.call("GET", "/accounts/" + carol + "/sieve/main", null).status());
            JsonNode app = c.ok("POST", "/accounts/" + carol + "/app-passwords", "{\"name\":\"phone\",\"scopes\":[\"imap\"]}");
            String appLogin = imapLogin(web, carol, app.get("secret").asText());
            assertTrue(appLogin.contains("OK"), "the app password made over the API signs in: " + appLogin + " " + app);
            assertEquals(1, c.ok("GET", "/accounts/" + carol + "/app-passwords", null).size());
            c.ok("DELETE", "/accounts/" + carol + "/app-passwords/" + app.get("id").asText(), null);
            assertTrue(imapLogin(web, carol, app.get("secret").asText()).contains("NO"), "revoked over the API");

            // Teams and aliases
            assertEquals(201, c.call("POST", "/teams", "{\"address\":\"team@example.org\"}").status());
            c.ok("PUT", "/teams/team@example.org/members/" + carol, "{\"rights\":\"lrs\"}");
            assertTrue(c.ok("GET", "/teams?domain=example.org", null).toString().contains("\"" + carol + "\":\"lrs\""));
            c.ok("DELETE", "/teams/team@example.org/members/" + carol, null);
            assertEquals(201, c.call("POST", "/aliases", "{\"source\":\"info@example.org\",\"target\":\"" + carol + "\"}").status());
            assertTrue(c.ok("GET", "/aliases?domain=example.org", null).toString().contains("info@example.org"));
            c.ok("DELETE", "/aliases?source=" + enc("info@example.org") + "&target=" + enc(carol), null);
            assertEquals(404, c.call("DELETE", "/aliases?source=" + enc("info@example.org") + "&target=" + enc(carol), null).status());

            // Server-wide jobs
            assertEquals(0, c.ok("POST", "/quota/repair", "{}").get("drifted").asInt(), "usage kept exactly");
            c.ok("GET", "/retention/preview?address=" + enc(carol), null);
            c.ok("POST", "/retention/run", null);
            assertTrue(c.ok("GET", "/index", null).has("pending"));
            c.ok("POST", "/index/rebuild", null);

            // The queue: a message carol sent waits (the smarthost is down); returned, she gets the failure notice
            OutboundQueue queue = web.node.model().queue();
            long waiting = queue.enqueue(carol, OutboundQueue.Dsn.NONE, List.of(OutboundQueue.Target.of("someone@elsewhere.net")),
                    new ByteArrayInputStream("From: carol@example.org\r\nTo: someone@elsewhere.net\r\nSubject: stuck\r\n\r\nhello\r\n"
                            .getBytes(StandardCharsets.US_ASCII))).id();
            long dropped = queue.enqueue(carol, OutboundQueue.Dsn.NONE, List.of(OutboundQueue.Target.of("other@elsewhere.net")),
                    new ByteArrayInputStream("Subject: dropped\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII))).id();
            assertEquals(2, c.ok("GET", "/queue", null).size());
            assertEquals(2, c.ok("GET", "/dashboard", null).get("queueMessages").asInt());
            c.ok("POST", "/queue/" + waiting + "/retry", null);
            Answer returned = c.call("POST", "/queue/" + waiting + "/bounce", null);
            for (int i = 0; i < 50 && returned.status() == 503; i++) { // being tried at this moment: the API says to come back
                Thread.sleep(100);
                returned = c.call("POST", "/queue/" + waiting + "/bounce", null);
            }
            assertEquals(200, returned.status(), returned.body().toString());
            c.ok("DELETE", "/queue/" + dropped, null);
            assertEquals(404, c.call("DELETE", "/queue/" + dropped, null).status());
            assertEquals(404, c.call("POST", "/queue/" + dropped + "/bounce", null).status());
            assertEquals(0, c.ok("GET", "/queue", null).size(), "both gone");
            try (ImapProbe imap = new ImapProbe(web.imapPort(), carol, "carol secret 2")) {
                imap.command("SELECT INBOX");
                String notice = String.join("\n", imap.command("FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODY.PEEK[TEXT])"));
                assertTrue(notice.contains("someone@elsewhere.net") && notice.contains("returned to the sender by the postmaster"), notice);
                assertEquals(1, imap.command("SEARCH ALL").getFirst().split(" ").length - 2, "one notice, none for the dropped message");

                // What the running server knows: this IMAP session, the dashboard's figures, the audit log
                JsonNode sessions = c.ok("GET", "/sessions", null);
                assertTrue(StreamSupport.stream(sessions.spliterator(), false)
                        .anyMatch(s -> s.get("protocol").asText().equals("imap") && s.get("user").asText().equals(carol)), sessions.toString());
            }
            smtp(web.smtpPort(), carol);
            JsonNode withUsage = c.ok("GET", "/accounts?domain=example.org", null);
            assertEquals(2, withUsage.get(0).get("usedMessages").asInt(), "the list shows usage beside each account: " + withUsage);
            assertTrue(withUsage.get(0).get("usedBytes").asLong() > 0);
            JsonNode dash = c.ok("GET", "/dashboard", null);
            assertEquals(2, dash.get("domains").asInt());
            assertEquals(4, dash.get("accounts").asInt(), "alice, bob, carol and the team");
            assertTrue(dash.get("storageBytes").asLong() > 0 && dash.get("messages").asInt() == 2, "the notice and the mail: " + dash);
            assertEquals(0, dash.get("queueMessages").asInt());
            assertEquals(1, dash.get("deliveriesSinceStart").asInt(), "one message came in over SMTP");
            JsonNode logs = c.ok("GET", "/logs?limit=2000", null);
            String all = logs.toString();
            assertTrue(all.contains("admin change") && all.contains("actor=" + WebNode.ALICE + " (token "), "every change names who made it");
            assertFalse(all.contains("carol secret"), "never a password");
            assertTrue(c.ok("GET", "/logs?level=WARN", null).isArray());
            assertEquals(400, c.call("GET", "/logs?level=LOUD", null).status());

            // Bad requests get clear answers
            assertEquals(404, c.call("GET", "/nothing-here", null).status());
            assertEquals(405, c.call("PATCH", "/domains", "{}").status());
            assertEquals(400, c.call("POST", "/domains", "{not json").status());
            HttpResponse<String> form = web.http.send(HttpRequest.newBuilder(URI.create(web.base() + API + "/domains")).header("Authorization", c.authorization)
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("name=x.example")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(415, form.statusCode(), "JSON only");
            assertEquals(413, c.call("PUT", "/accounts/" + carol + "/sieve/big", "{\"content\":\"" + "#".repeat(1024 * 1024) + "\"}").status());

            // Removing what was made
            c.ok("DELETE", "/accounts/" + carol, null);
            assertTrue(imapLogin(web, carol, "carol secret 2").contains("NO"), "gone");
            assertEquals(404, c.call("GET", "/accounts/" + carol + "/quota", null).status());
            c.ok("DELETE", "/accounts/team@example.org", null);
            c.ok("DELETE", "/domains/example.org", null);

            // Every endpoint the description lists answered with success at least once above.
            JsonNode paths = c.ok("GET", "/openapi.json", null).get("paths");
            Set<String> missing = new HashSet<>();
            for (var p : (Iterable<Map.Entry<String, JsonNode>>) paths::fields) {
                Pattern template = Pattern.compile(p.getKey().replaceAll("\\{[^}]+}", "[^/]+"));
                for (var m : (Iterable<String>) p.getValue()::fieldNames) {
                    String method = m.toUpperCase(java.util.Locale.ROOT);
                    if (c.succeeded.stream().noneMatch(s -> s[0].equals(method) && template.matcher(s[1]).matches())) missing.add(method + " " + p.getKey());
                }
            }
            assertEquals(Set.of(), missing, "endpoints never exercised");
            assertTrue(paths.size() >= 35, "paths: " + paths.size());
        }
    }
}
