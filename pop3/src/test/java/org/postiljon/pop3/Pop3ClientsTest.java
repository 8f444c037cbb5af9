package org.postiljon.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.UidSet;
import org.postiljon.testkit.Processes;

/** Real POP3 clients over real sockets: Python's poplib, Jakarta/Angus Mail, curl, fetchmail. */
class Pop3ClientsTest extends Pop3TranscriptTest {

    private void deliverThree() {
        for (int n = 1; n <= 3; n++) {
            server.deliver(alice, Pop3TestServer.message("message " + n, "Hello " + n + "\r\n.starts with a dot\r\nend\r\n"));
        }
    }

    private int inboxSize() {
        return server.model.messages().list(alice, MailboxName.INBOX, UidSet.ALL).size();
    }

    private static String run(Path dir, List<String> command) throws Exception {
        return Processes.run(dir, command);
    }

    @ParameterizedTest
    @ValueSource(strings = {"keep", "delete"})
    void pythonPoplib(String mode) throws Exception {
        deliverThree();
        Path script = dir.resolve("poplib_client.py");
        try (var in = getClass().getResourceAsStream("/poplib_client.py")) {
            Files.copy(in, script);
        }
        String out = run(dir, List.of("python3", script.toString(), String.valueOf(server.tlsPort()), String.valueOf(server.port()),
                Pop3TestServer.PASSWORD, mode));
        assertTrue(out.contains("poplib (" + mode + "): all checks passed"), out);
        assertEquals(mode.equals("keep") ? 3 : 0, inboxSize());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void angusMailPop3s(boolean delete) throws Exception {
        deliverThree();
        Properties props = new Properties();
        props.put("mail.pop3s.ssl.trust", "*");
        props.put("mail.pop3s.ssl.checkserveridentity", "false");
        Store store = Session.getInstance(props).getStore("pop3s");
        store.connect("127.0.0.1", server.tlsPort(), "alice@example.org", Pop3TestServer.PASSWORD);
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_WRITE);
        assertEquals(3, inbox.getMessageCount());
        Message[] messages = inbox.getMessages();
        for (int i = 0; i < messages.length; i++) {
            assertEquals("message " + (i + 1), messages[i].getSubject());
            assertTrue(((String) messages[i].getContent()).startsWith("Hello " + (i + 1)));
            if (delete) messages[i].setFlag(jakarta.mail.Flags.Flag.DELETED, true);
        }
        inbox.close(true);
        store.close();
        assertEquals(delete ? 0 : 3, inboxSize());
    }

    @Test
    void curlReadsAndListsOverBothPorts() throws Exception {
        deliverThree();
        String user = "alice@example.org:" + Pop3TestServer.PASSWORD;
        String listing = run(dir, List.of("curl", "-sS", "--user", user, "pop3://127.0.0.1:" + server.port() + "/"));
        assertEquals(3, listing.strip().lines().count(), listing);
        String message = run(dir, List.of("curl", "-sS", "-k", "--user", user, "pop3s://127.0.0.1:" + server.tlsPort() + "/2"));
        assertTrue(message.contains("Subject: message 2") && message.contains("\r\n.starts with a dot\r\n"), message);
        assertEquals(3, inboxSize(), "curl only reads");
    }

    @Test
    void fetchmailDownloadsAndDeletes() throws Exception {
        deliverThree();
        Path rc = dir.resolve("fetchmailrc");
        Path mbox = dir.resolve("downloaded.mbox");
        Files.writeString(rc, """
                set no syslog
                poll 127.0.0.1 protocol pop3 port %d
                    user "alice@example.org" password "%s" is "tester" here
                    ssl no sslcertck
                    mda "/bin/sh -c 'cat >> %s'"
                """.formatted(server.tlsPort(), Pop3TestServer.PASSWORD, mbox));
        Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-------"));
        run(dir, List.of("fetchmail", "--fetchmailrc", rc.toString(), "--pidfile", dir.resolve("fetchmail.pid").toString(),
                "--nodetach", "--nokeep"));
        String downloaded = Files.readString(mbox);
        for (int n = 1; n <= 3; n++) assertTrue(downloaded.contains("Subject: message " + n), downloaded);
        assertEquals(0, inboxSize(), "fetchmail deletes what it downloaded");
    }
}
