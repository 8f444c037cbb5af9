package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.postiljon.testkit.Processes;

/** Postfix's own SMTP/LMTP client code (smtp-source, from Debian's postfix package) delivering into Postiljon. */
class PostfixInteropTest extends SmtpTranscriptTest {

    @Test
    void postfixDeliversOverLmtp() throws Exception {
        String out = Processes.run(dir, List.of("smtp-source", "-L", "-s", "4", "-m", "40", "-l", "2000", "-S", "from postfix",
                "-f", "sender@example.net", "-t", "alice@example.org", "127.0.0.1:" + SmtpTestServer.port(server.lmtp)));
        assertEquals(40, inbox(alice).size(), out);
        String m = text(alice, inbox(alice).getFirst());
        assertTrue(m.contains("Subject: from postfix") && m.contains(" with LMTP id "), m);
    }

    @Test
    void postfixDeliversOverLmtpOnAUnixSocket() throws Exception {
        Processes.run(dir, List.of("smtp-source", "-L", "-s", "2", "-m", "10", "-f", "sender@example.net", "-t", "bob@example.org",
                "unix:" + server.lmtpSocket));
        assertEquals(10, inbox(bob).size());
        assertTrue(text(bob, inbox(bob).getFirst()).contains(" with LMTP id "));
    }

    @Test
    void postfixDeliversOverSmtpToTheMx() throws Exception {
        Processes.run(dir, List.of("smtp-source", "-s", "4", "-m", "40", "-l", "2000", "-f", "sender@example.net", "-t", "bob@example.org",
                "127.0.0.1:" + SmtpTestServer.port(server.mx)));
        assertEquals(40, inbox(bob).size());
    }
}
