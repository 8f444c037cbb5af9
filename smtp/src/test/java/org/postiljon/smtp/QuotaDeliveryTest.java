package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.QuotaLimits;

/** A full mailbox over SMTP and LMTP: 452 4.2.2 while it may empty, 552 5.2.2 when the message can never fit. */
class QuotaDeliveryTest extends SmtpTranscriptTest {

    /** Gives the account a storage quota of {@code limit} octets with {@code used} of it in use (in Trash, which counts). */
    private void fill(Account a, long limit, int used) {
        server.model.directory().setQuota(a.address(), new QuotaLimits(OptionalLong.of(limit), OptionalLong.empty()));
        String head = "Subject: filler\r\n\r\n";
        server.model.messages().append(a, MailboxName.of("Trash"), new ByteArrayInputStream(
                (head + "x".repeat(used - head.length())).getBytes(StandardCharsets.US_ASCII)), Flags.NONE, Instant.now());
    }

    @Test
    void aFullMailboxIsRefusedAtRcptAndATooLargeMessageForGood() throws Exception {
        fill(alice, 5_000, 5_000);
        fill(bob, 10_000, 100);
        run(ehloMx(1) + """
            C1: MAIL FROM:<sender@example.net>
            S1: 250 2.1.0 sender OK
            C1: RCPT TO:<alice@example.org>
            S1: 452 4.2.2 <alice@example.org> mailbox full, try again later
            C1: RSET
            S1: 250 2.0.0 reset
            C1: MAIL FROM:<sender@example.net> SIZE=20000
            S1: 250 2.1.0 sender OK
            C1: RCPT TO:<bob@example.org>
            S1: 552 5.2.2 <bob@example.org> mailbox full: the message is larger than its quota
            """);
    }

    /** Two 800-octet lines: more than is left in a mailbox at 80 % of 10,000 octets (plus its warning). */
    private static final String BODY = "C%1$d: " + "x".repeat(800) + "\nC%1$d: " + "y".repeat(800) + "\n";

    @Test
    void afterDataTheOnlyRecipientGets452AndOthersStillGetTheMessage() throws Exception {
        fill(alice, 10_000, 8_000);
        int before = inbox(alice).size(); // the 80 % warning
        run(ehloMx(1) + """
            C1: MAIL FROM:<sender@example.net>
            S1: 250 2.1.0 sender OK
            C1: RCPT TO:<alice@example.org>
            S1: 250 2.1.5 recipient OK
            C1: DATA
            S1: 354 *
            C1: Subject: does not fit
            C1:
            """ + BODY.formatted(1) + """
            C1: .
            S1: 452 4.2.2 <alice@example.org> mailbox full, try again later
            C1: MAIL FROM:<bob@example.org>
            S1: 250 2.1.0 sender OK
            C1: RCPT TO:<alice@example.org>
            S1: 250 2.1.5 recipient OK
            C1: RCPT TO:<bob@example.org>
            S1: 250 2.1.5 recipient OK
            C1: DATA
            S1: 354 *
            C1: Subject: for both
            C1:
            """ + BODY.formatted(1) + """
            C1: .
            S1: 250 2.0.0 message accepted and delivered
            """);
        assertEquals(before, inbox(alice).size(), "alice got nothing");
        // bob has the message, and (as its sender) the report that alice's mailbox was full.
        var bobs = inbox(bob);
        assertEquals(2, bobs.size());
        String report = text(bob, bobs.get(1)) + text(bob, bobs.get(0));
        assertTrue(report.contains("Action: failed") && report.contains("Status: 5.2.2") && report.contains("alice@example.org"), report);
        assertTrue(report.contains("Subject: for both"), report);
    }

    @Test
    void lmtpAnswersTheFullRecipientAloneAndTheNextDeliveryFitsAfterExpunge() throws Exception {
        fill(alice, 10_000, 8_000);
        int before = inbox(alice).size(); // the 80 % warning
        t.port(3, SmtpTestServer.port(server.lmtp));
        String delivery = """
            C3: MAIL FROM:<list@example.net>
            S3: 250 2.1.0 sender OK
            C3: RCPT TO:<alice@example.org>
            S3: 250 2.1.5 recipient OK
            C3: RCPT TO:<bob@example.org>
            S3: 250 2.1.5 recipient OK
            C3: DATA
            S3: 354 *
            C3: Subject: via lmtp
            C3:
            """ + BODY.formatted(3) + """
            C3: .
            """;
        run("""
            S3: 220 mx.example.org LMTP Postiljon ready
            C3: LHLO frontend
            S3~ 250 STARTTLS
            """ + delivery + """
            S3: 452 4.2.2 <alice@example.org> mailbox full, try again later
            S3: 250 2.0.0 <bob@example.org> delivered
            """);
        assertEquals(before, inbox(alice).size());
        // Emptying Trash makes room: the same delivery now reaches alice.
        server.model.messages().delete(alice, MailboxName.of("Trash"), org.postiljon.mailbox.api.UidSet.ALL);
        run(delivery + """
            S3: 250 2.0.0 <alice@example.org> delivered
            S3: 250 2.0.0 <bob@example.org> delivered
            """);
        assertEquals(before + 1, inbox(alice).size());
    }
}
