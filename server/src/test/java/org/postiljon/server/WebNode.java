package org.postiljon.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.QuotaLimits;

/**
 * A whole Postiljon on free loopback ports with two users, for tests that go over HTTP (JMAP, the
 * webmail) and check the outcome over SMTP and IMAP: a real node, real sockets.
 */
final class WebNode implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ALICE = "alice@example.test";
    static final String BOB = "bob@example.test";
    static final String PASSWORD = "correct horse battery";

    final Node node;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    WebNode(Path dir) throws Exception {
        this(dir, java.util.Map.of());
    }

    /** With {@code extra} settings on top of the test defaults. */
    WebNode(Path dir, java.util.Map<String, String> extra) throws Exception {
        Settings s = Settings.defaults().with("data.dir", dir.toString()).with("hostname", "mail.example.test");
        for (String l : new String[] {"imaps", "pop3", "pop3s", "submission", "submissions", "lmtp", "managesieve"}) s = s.with("listen." + l, "off");
        s = s.with("listen.imap", "127.0.0.1:0").with("listen.smtp", "127.0.0.1:0").with("listen.http", "127.0.0.1:0")
                .with("listen.https", "127.0.0.1:0").with("listen.metrics", "127.0.0.1:0").with("auth.failure-delay-ms", "1").with("retention.run-minutes", "0");
        if (org.postiljon.store.postgres.TestStore.onPostgres() && !extra.containsKey("store")) {
            // The JMAP suite once more on PostgreSQL (server/pom.xml): the whole node on it, contents too.
            s = s.with("store", "postgres").with("store.url", org.postiljon.store.postgres.TestStore.database(dir))
                    .with("store.user", "postiljon").with("blobs", "postgres");
        }
        for (var e : extra.entrySet()) s = s.with(e.getKey(), e.getValue());
        node = Node.open(s);
        if (node.model().directory().find(EmailAddress.parse(ALICE)).isEmpty()) { // a second node on a shared store finds them
            node.model().directory().addDomain(org.postiljon.mailbox.api.DomainName.of("example.test"));
            node.model().directory().addAccount(EmailAddress.parse(ALICE), PASSWORD.toCharArray(), QuotaLimits.UNLIMITED);
            node.model().directory().addAccount(EmailAddress.parse(BOB), PASSWORD.toCharArray(), QuotaLimits.UNLIMITED);
        }
        node.start();
    }

    int imapPort() {
        return port("imap");
    }

    /** The port of the listener {@code listen.<name>} (set to 127.0.0.1:0 in the settings). */
    int port(String name) {
        return node.listeners().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow().address().getPort();
    }

    int smtpPort() {
        return port("smtp");
    }

    String base() {
        return "http://127.0.0.1:" + node.webPorts().get(0);
    }

    String secureBase() {
        return "https://127.0.0.1:" + node.webPorts().get(1);
    }

    /** Signs in to the webmail as a browser does; the session cookie ({@code name=value}). */
    String signIn(String user, String password) throws Exception {
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base() + "/login")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (login.statusCode() != 200) throw new AssertionError("sign-in: " + login.statusCode() + " " + login.body());
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        return cookie.substring(0, cookie.indexOf(';'));
    }

    /** What the webmail's reloaded page is told of the session: 200 signed in, 401 not. */
    int sessionStatus(String cookie) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + "/webmail/session")).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> post(String path, String user, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).header("Authorization", basic(user))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String user) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).GET();
        if (user != null) b.header("Authorization", basic(user));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One JMAP request as {@code user}: the methodResponses array. */
    JsonNode api(String user, String methodCalls) throws Exception {
        HttpResponse<String> r = post("/jmap/api", user, "{\"using\":[\"urn:ietf:params:jmap:core\",\"urn:ietf:params:jmap:mail\","
                + "\"urn:ietf:params:jmap:submission\",\"urn:ietf:params:jmap:quota\",\"urn:ietf:params:jmap:vacationresponse\",\"urn:ietf:params:jmap:sieve\","
                + "\"urn:postiljon:params:jmap:webmail\"],"
                + "\"methodCalls\":" + methodCalls + "}");
        if (r.statusCode() != 200) throw new AssertionError(r.statusCode() + " " + r.body());
        return JSON.readTree(r.body()).get("methodResponses");
    }

    /** Sends over SMTP to the MX port, as another server would. */
    void deliver(String to, String message) throws Exception {
        try (Socket s = new Socket("127.0.0.1", smtpPort())) {
            s.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            expect(in, "220");
            for (String[] step : new String[][] {{"EHLO remote.example.org", "250 "}, {"MAIL FROM:<sender@remote.example.org>", "250"},
                    {"RCPT TO:<" + to + ">", "250"}, {"DATA", "354"}}) {
                out.write((step[0] + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                expect(in, step[1]);
            }
            // RFC 5321 §4.5.2: a line that begins with a dot gets another.
            String data = message.replace("\r\n", "\n").replace("\n", "\r\n").replace("\r\n.", "\r\n..");
            out.write(((data.startsWith(".") ? "." : "") + data + "\r\n.\r\nQUIT\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            expect(in, "250");
        }
    }

    private static void expect(BufferedReader in, String prefix) throws Exception {
        String line;
        do {
            line = in.readLine();
            if (line == null) throw new AssertionError("connection closed, expected " + prefix);
        } while (line.length() > 3 && line.charAt(3) == '-');
        if (!line.startsWith(prefix)) throw new AssertionError("expected " + prefix + ", got " + line);
    }

    @Override
    public void close() {
        node.close();
    }
}
