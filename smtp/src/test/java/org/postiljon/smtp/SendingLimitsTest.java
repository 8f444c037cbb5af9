package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.AccountSetting;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.SendingLimits;
import org.postiljon.mailbox.api.Submission;

/**
 * A user's mail to other servers stops at the account's daily limits, over the submission port
 * and JMAP submission alike: messages per day, and addresses written to for the first time per
 * day; each refusal names the limit. Mail to local accounts is never limited.
 */
class SendingLimitsTest {

    private static final String ALICE = "AUTH PLAIN AGFsaWNlQGV4YW1wbGUub3JnAGNvcnJlY3QgaG9yc2UgYmF0dGVyeQ==";

    @Test
    void messagesAndNewRecipientsPerDayAreBounded(@TempDir Path dir) throws Exception {
        try (SmtpTestServer server = new SmtpTestServer(dir, "example.org", SmtpLimits.DEFAULT, true, null)) {
            Account alice = server.account("alice@example.org");
            server.account("bob@example.org");
            EmailAddress a = EmailAddress.parse("alice@example.org");
            server.model.directory().setSetting(a, AccountSetting.SENT_MESSAGES_PER_DAY, "2");
            server.model.directory().setSetting(a, AccountSetting.NEW_RECIPIENTS_PER_DAY, "3");
            int port = SmtpTestServer.port(server.submission);

            List<String> first = session(port, List.of("one@remote.test", "two@remote.test"));
            assertEquals(List.of("250", "250", "250"), codes(first), first.toString());

            // one@ is known by now; three@ is the third new address; four@ would be the fourth.
            List<String> second = session(port, List.of("one@remote.test", "three@remote.test", "four@remote.test"));
            assertEquals(List.of("250", "250", "550", "250"), codes(second), second.toString());
            assertTrue(second.get(2).startsWith("550 5.4.5 <four@remote.test> not accepted: the daily limit of 3 new recipients on other servers"
                    + " is reached (it resets at 00:00 UTC)"), second.get(2));

            // Two messages sent today: no third to another server, whoever it is for; local mail still goes.
            List<String> third = session(port, List.of("one@remote.test", "bob@example.org"));
            assertEquals(List.of("550", "250", "250"), codes(third), third.toString());
            assertTrue(third.get(0).contains("the daily limit of 2 messages to other servers is reached"), third.get(0));

            SendingLimits.Today today = server.model.sendingLimits().today(alice);
            assertEquals(new SendingLimits.Today(2, 2, 3, 3), today);
            assertEquals(2, server.model.queue().summary().messages(), "two messages queued for other servers");

            // JMAP submission (the same implementation): refused per recipient, the local one delivered.
            List<Submission.Outcome> jmap = new LocalSubmission(server.services).submit(alice, "alice@example.org",
                    List.of("five@remote.test", "bob@example.org"),
                    new ByteArrayInputStream("From: alice@example.org\r\nSubject: x\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII)));
            assertEquals(Submission.Outcome.Status.REFUSED, jmap.get(0).status());
            assertTrue(jmap.get(0).reason().contains("the daily limit of 2 messages"), jmap.get(0).reason());
            assertEquals(Submission.Outcome.Status.DELIVERED, jmap.get(1).status());

            // The operator raises the limit: sending resumes at once.
            server.model.directory().setSetting(a, AccountSetting.SENT_MESSAGES_PER_DAY, "unlimited");
            assertEquals(List.of("250", "250"), codes(session(port, List.of("one@remote.test"))));
        }
    }

    private static List<String> codes(List<String> replies) {
        return replies.stream().map(r -> r.substring(0, 3)).toList();
    }

    /** One submission as alice to {@code rcpts}: the reply to each RCPT, then the reply to the data (when a RCPT was accepted). */
    static List<String> session(int port, List<String> rcpts) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            AuthenticationResultsTest.reply(in);
            for (String c : List.of("EHLO laptop", ALICE, "MAIL FROM:<alice@example.org>")) {
                out.write((c + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                AuthenticationResultsTest.reply(in);
            }
            List<String> replies = new java.util.ArrayList<>();
            for (String r : rcpts) {
                out.write(("RCPT TO:<" + r + ">\r\n").getBytes(StandardCharsets.ISO_8859_1));
                replies.add(AuthenticationResultsTest.reply(in));
            }
            if (replies.stream().anyMatch(r -> r.startsWith("250"))) {
                out.write("DATA\r\n".getBytes(StandardCharsets.ISO_8859_1));
                AuthenticationResultsTest.reply(in);
                out.write("From: alice@example.org\r\nSubject: hello\r\n\r\nhi\r\n.\r\n".getBytes(StandardCharsets.ISO_8859_1));
                replies.add(AuthenticationResultsTest.reply(in));
            }
            return replies;
        }
    }
}
