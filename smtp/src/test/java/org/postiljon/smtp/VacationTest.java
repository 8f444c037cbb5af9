package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.UidSet;
import org.postiljon.mailbox.api.Vacation;

/**
 * The vacation response really answers: a message to an account that is away gets one reply per
 * sender and period (RFC 5230), marked auto-replied and threaded under the message; list, bulk,
 * automatic and null-sender mail, mail that does not name the account, and mail outside the
 * dates get none. Over SMTP (port 25) and JMAP submission alike.
 */
class VacationTest {

    @Test
    void anAwayAccountAnswersOncePerSenderAndNeverToListsOrRobots(@TempDir Path dir) throws Exception {
        try (SmtpTestServer server = new SmtpTestServer(dir, "example.org", SmtpLimits.DEFAULT, true, null)) {
            Account carol = server.account("carol@example.org");
            Account bob = server.account("bob@example.org");
            Account alice = server.account("alice@example.org");
            server.model.vacations().set(carol, new Vacation(true, null, null, null, "Ich bin bis Montag weg. Grüße, Carol", null));
            int mx = SmtpTestServer.port(server.mx);
            String message = "From: Bob <bob@example.org>\r\nTo: Carol <carol@example.org>\r\nSubject: lunch?\r\n"
                    + "Message-ID: <lunch-1@example.org>\r\n\r\nAre you free?\r\n";

            assertTrue(send(mx, "bob@example.org", "carol@example.org", message).startsWith("250"));
            List<String> replies = inbox(server, bob);
            assertEquals(1, replies.size(), "one reply");
            String reply = replies.getFirst();
            assertTrue(reply.contains("From: <carol@example.org>\r\nTo: <bob@example.org>\r\nSubject: Auto: lunch?\r\n"), reply);
            assertTrue(reply.contains("In-Reply-To: <lunch-1@example.org>\r\n") && reply.contains("Auto-Submitted: auto-replied (vacation)\r\n"), reply);
            String body = reply.substring(reply.indexOf("\r\n\r\n", reply.indexOf("Content-Transfer-Encoding: base64")) + 4).strip();
            assertEquals("Ich bin bis Montag weg. Grüße, Carol", new String(Base64.getMimeDecoder().decode(body), StandardCharsets.UTF_8));

            // The same sender again within the period: no second reply.
            assertTrue(send(mx, "bob@example.org", "carol@example.org", message.replace("lunch-1", "lunch-2")).startsWith("250"));
            assertEquals(1, inbox(server, bob).size());

            // Mail no reply may answer (RFC 3834 §2, RFC 5230 §4.5): all delivered to carol, none answered.
            String[] unanswered = {
                "From: alice@example.org\r\nTo: carol@example.org\r\nList-Id: <team.example.org>\r\nSubject: list\r\n\r\nx\r\n",
                "From: alice@example.org\r\nTo: carol@example.org\r\nPrecedence: bulk\r\nSubject: bulk\r\n\r\nx\r\n",
                "From: alice@example.org\r\nTo: carol@example.org\r\nAuto-Submitted: auto-replied\r\nSubject: robot\r\n\r\nx\r\n",
                "From: alice@example.org\r\nTo: everyone@example.org\r\nSubject: carol only in the envelope\r\n\r\nx\r\n"};
            for (String m : unanswered) assertTrue(send(mx, "alice@example.org", "carol@example.org", m).startsWith("250"));
            assertTrue(send(mx, "", "carol@example.org", "From: MAILER-DAEMON@example.org\r\nTo: carol@example.org\r\nSubject: bounce\r\n\r\nx\r\n")
                    .startsWith("250"));
            assertTrue(send(mx, "owner-team@example.org", "carol@example.org", "From: x@example.org\r\nTo: carol@example.org\r\n\r\nx\r\n").startsWith("250"));
            assertEquals(8, server.model.messages().list(carol, MailboxName.INBOX, UidSet.ALL).size(), "carol got everything");
            assertEquals(0, inbox(server, alice).size(), "alice's list, bulk, automatic and Bcc-like mail got no reply");

            // JMAP submission answers too (alice, who has no reply yet).
            new LocalSubmission(server.services).submit(alice, "alice@example.org", List.of("carol@example.org"),
                    new ByteArrayInputStream("From: alice@example.org\r\nTo: carol@example.org\r\nSubject: from the webmail\r\n\r\nhi\r\n"
                            .getBytes(StandardCharsets.US_ASCII)));
            assertEquals(1, inbox(server, alice).size());
            assertTrue(inbox(server, alice).getFirst().contains("Subject: Auto: from the webmail"));

            // A sender on another server: the reply is queued (from the null sender).
            long queued = server.model.queue().summary().messages();
            assertTrue(send(mx, "dave@elsewhere.test", "carol@example.org", "From: dave@elsewhere.test\r\nTo: carol@example.org\r\n\r\nx\r\n")
                    .startsWith("250"));
            assertEquals(queued + 1, server.model.queue().summary().messages());

            // Outside its dates, or off: no reply.
            Account erin = server.account("erin@example.org");
            server.model.vacations().set(carol, new Vacation(true, Instant.now().plus(Duration.ofDays(1)), null, "away", "later", null));
            assertTrue(send(mx, "erin@example.org", "carol@example.org", "From: erin@example.org\r\nTo: carol@example.org\r\n\r\nx\r\n").startsWith("250"));
            server.model.vacations().set(carol, Vacation.OFF);
            assertTrue(send(mx, "erin@example.org", "carol@example.org", "From: erin@example.org\r\nTo: carol@example.org\r\n\r\nx\r\n").startsWith("250"));
            assertEquals(0, inbox(server, erin).size());
        }
    }

    static String send(int port, String from, String to, String message) throws Exception {
        return MailAuthEndToEndTest.sendTo("127.0.0.1", port, from, to, message);
    }

    static List<String> inbox(SmtpTestServer server, Account a) throws Exception {
        List<String> out = new java.util.ArrayList<>();
        for (var m : server.model.messages().list(a, MailboxName.INBOX, UidSet.ALL)) {
            try (InputStream in = server.model.messages().open(a, MailboxName.INBOX, m.uid())) {
                out.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
