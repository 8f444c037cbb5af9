package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.QuotaLimits;

/**
 * {@code postiljon --log-format json serve} as its own process: every line on stderr is one JSON
 * object, an IMAP session leaves one "session ended" line naming its user (and never the password),
 * and a message taken over SMTP one "message accepted" line with its envelope.
 */
class LogFormatTest {

    static final String SECRET = "log-me-never-4711";

    @Test
    void jsonLinesOnePerSessionAndPerMessageWithoutSecrets(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        try (Node node = Node.open(Settings.defaults().with("data.dir", data.toString()))) {
            node.model().directory().addDomain(DomainName.of("example.test"));
            node.model().directory().addAccount(EmailAddress.parse("alice@example.test"), SECRET.toCharArray(), QuotaLimits.UNLIMITED);
        }
        int imap = freePort(), smtp = freePort();
        StringBuilder conf = new StringBuilder("data.dir = " + data + "\nhostname = mail.example.test\n");
        for (String l : List.of("imaps", "pop3", "pop3s", "submission", "submissions", "lmtp", "managesieve", "http", "https", "metrics")) {
            conf.append("listen.").append(l).append(" = off\n");
        }
        conf.append("listen.imap = 127.0.0.1:").append(imap).append("\nlisten.smtp = 127.0.0.1:").append(smtp).append('\n');
        Path config = Files.writeString(dir.resolve("postiljon.conf"), conf);
        Path log = dir.resolve("stderr.log");
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--config", config.toString(), "--log-format", "json", "serve")
                .redirectError(log.toFile()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) if (line.startsWith("Endpoints")) break;
            try (Socket s = new Socket("127.0.0.1", imap)) {
                s.setSoTimeout(15_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                OutputStream o = s.getOutputStream();
                in.readLine();
                o.write(("a LOGIN alice@example.test " + SECRET + "\r\nb LOGOUT\r\n").getBytes(StandardCharsets.UTF_8));
                for (String line; (line = in.readLine()) != null; ) if (line.startsWith("b ")) break;
            }
            try (Socket s = new Socket("127.0.0.1", smtp)) {
                s.setSoTimeout(15_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                OutputStream o = s.getOutputStream();
                List<String> replies = new ArrayList<>();
                replies.add(AppPasswordTest.AuthenticationReply.read(in));
                for (String c : List.of("EHLO relay.example.net", "MAIL FROM:<bob@example.net>", "RCPT TO:<alice@example.test>", "DATA")) {
                    o.write((c + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    replies.add(AppPasswordTest.AuthenticationReply.read(in));
                }
                o.write("From: bob@example.net\r\nSubject: secret plans\r\n\r\nhi\r\n.\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                replies.add(AppPasswordTest.AuthenticationReply.read(in));
                assertTrue(replies.getLast().startsWith("250"), replies.toString());
            }
        } finally {
            p.destroy();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank() && !l.startsWith("WARNING:")).toList();
        assertFalse(lines.isEmpty());
        List<JsonNode> events = new ArrayList<>();
        for (String l : lines) {
            try {
                events.add(WebNode.JSON.readTree(l));
            } catch (java.io.IOException e) {
                throw new AssertionError("not a JSON line: " + l + "\n" + String.join("\n", lines));
            }
        }
        String all = String.join("\n", lines);
        assertFalse(all.contains(SECRET), "no password in the log");
        assertFalse(all.contains("secret plans"), "no message content in the log");
        JsonNode session = events.stream().filter(e -> e.path("message").asText().equals("session ended") && kv(e, "protocol").equals("imap"))
                .findFirst().orElseThrow(() -> new AssertionError(all));
        assertEquals("alice@example.test", kv(session, "user"));
        assertEquals("127.0.0.1", kv(session, "ip"));
        assertEquals("INFO", session.get("level").asText());
        assertTrue(session.get("mdc").get("conn").asText().startsWith("imap-"), session.toString());
        JsonNode message = events.stream().filter(e -> e.path("message").asText().equals("message accepted")).findFirst()
                .orElseThrow(() -> new AssertionError(all));
        assertEquals("bob@example.net", kv(message, "from"));
        assertEquals("[alice@example.test]", kv(message, "local"));
    }

    /** A key-value pair of a logback JSON event ({"kvpList": [{"key": value}, ...]}), as text. */
    static String kv(JsonNode event, String key) {
        for (JsonNode pair : event.path("kvpList")) if (pair.has(key)) return pair.get(key).asText();
        return "";
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
