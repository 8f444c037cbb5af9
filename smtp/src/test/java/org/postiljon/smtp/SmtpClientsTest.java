package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postiljon.testkit.Processes;

/** Real SMTP clients over real sockets: Python's smtplib, Jakarta/Angus Mail, swaks. */
class SmtpClientsTest extends SmtpTranscriptTest {

    private static String run(Path dir, List<String> command) throws Exception {
        return Processes.run(dir, command);
    }

    @Test
    void pythonSmtplib() throws Exception {
        Path script = dir.resolve("smtplib_client.py");
        try (var in = getClass().getResourceAsStream("/smtplib_client.py")) {
            Files.copy(in, script);
        }
        String out = run(dir, List.of("python3", script.toString(), String.valueOf(SmtpTestServer.port(server.submission)),
                String.valueOf(SmtpTestServer.port(server.submissions)), String.valueOf(SmtpTestServer.port(server.mx)), SmtpTestServer.PASSWORD));
        assertTrue(out.contains("smtplib: all checks passed"), out);
        assertEquals(3, inbox(bob).size(), "two submitted, one from the world; the relay attempt went nowhere");
        String first = text(bob, inbox(bob).getFirst());
        assertTrue(first.contains("Subject: over starttls") && first.contains(" with ESMTPSA id "), first);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void angusMailSubmission(boolean implicitTls) throws Exception {
        Properties props = new Properties();
        String protocol = implicitTls ? "smtps" : "smtp";
        props.put("mail." + protocol + ".auth", "true");
        props.put("mail." + protocol + ".ssl.trust", "*");
        props.put("mail." + protocol + ".ssl.checkserveridentity", "false");
        if (!implicitTls) props.put("mail.smtp.starttls.required", "true");
        Session session = Session.getInstance(props);
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("alice@example.org"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@example.org"));
        m.setSubject("Angus over " + protocol);
        m.setText("hello\n.dot\n");
        try (Transport tr = session.getTransport(protocol)) {
            tr.connect("127.0.0.1", SmtpTestServer.port(implicitTls ? server.submissions : server.submission), "alice@example.org", SmtpTestServer.PASSWORD);
            tr.sendMessage(m, m.getAllRecipients());
        }
        assertEquals(1, inbox(bob).size());
        String stored = text(bob, inbox(bob).getFirst());
        assertTrue(stored.contains("Subject: Angus over " + protocol) && stored.contains("\r\n.dot\r\n"), stored);
        assertTrue(stored.contains(" with ESMTPSA id "), stored);
    }

    @Test
    void swaks() throws Exception {
        String out = run(dir, List.of("swaks", "--server", "127.0.0.1", "--port", String.valueOf(SmtpTestServer.port(server.submission)),
                "--tls", "--auth", "PLAIN", "--auth-user", "alice@example.org", "--auth-password", SmtpTestServer.PASSWORD,
                "--from", "alice@example.org", "--to", "bob@example.org", "--header", "Subject: from swaks", "--body", "swaks body"));
        assertTrue(out.contains("250 2.0.0 message accepted and delivered"), out);
        assertTrue(text(bob, inbox(bob).getFirst()).contains("Subject: from swaks"));
    }
}
