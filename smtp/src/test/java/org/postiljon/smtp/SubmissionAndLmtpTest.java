package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.postiljon.mailbox.api.AliasSource;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.testkit.Transcript;

/** Submission (RFC 6409) needs AUTH and sends only as the user's own addresses; LMTP answers per recipient. */
class SubmissionAndLmtpTest extends SmtpTranscriptTest {

    private static final String PLAIN_ALICE = Base64.getEncoder().encodeToString("\0alice@example.org\0correct horse battery".getBytes());

    @Test
    void submissionNeedsAuthAndTheUsersOwnSenderAddress() throws Exception {
        server.model.directory().addAlias(AliasSource.parse("sales@example.org"), EmailAddress.parse("alice@example.org"));
        t.port(2, SmtpTestServer.port(server.submission));
        run(ehloSubmission(2) + """
            C2: MAIL FROM:<alice@example.org>
            S2: 530 5.7.0 authentication required
            C2: AUTH PLAIN AGFsaWNlQGV4YW1wbGUub3JnAHdyb25n
            S2: 535 5.7.8 authentication credentials invalid
            C2: AUTH PLAIN %s
            S2: 235 2.7.0 authentication successful
            C2: AUTH PLAIN %s
            S2: 503 5.5.1 already authenticated
            C2: MAIL FROM:<bob@example.org>
            S2: 553 5.7.1 you may not send as bob@example.org; use one of your own addresses
            C2: MAIL FROM:<>
            S2: 553 5.7.1 users may not send with the null sender
            C2: MAIL FROM:<sales@example.org>
            S2: 250 2.1.0 sender OK
            C2: RCPT TO:<someone@example.net>
            S2: 250 2.1.5 recipient OK, will be relayed
            C2: RCPT TO:<bob@example.org>
            S2: 250 2.1.5 recipient OK
            C2: DATA
            S2: 354 *
            C2: From: Alice <sales@example.org>
            C2: To: bob@example.org
            C2: Subject: no id, no date
            C2:
            C2: hello
            C2: .
            S2: 250 2.0.0 message accepted and delivered
            """.formatted(PLAIN_ALICE, PLAIN_ALICE));
        var queued = server.model.queue().list(10);
        assertEquals(1, queued.size(), "the remote recipient waits in the queue");
        assertEquals("sales@example.org", queued.getFirst().sender());
        assertEquals("someone@example.net", queued.getFirst().recipients().getFirst().address());
        String m = text(bob, inbox(bob).getFirst());
        assertTrue(m.contains(" with ESMTPA id "), m);
        assertTrue(m.contains("\r\nMessage-ID: <") && m.contains("@mx.example.org>\r\nDate: "), "RFC 6409 §8 fix-ups: " + m);
    }

    @Test
    void aSignedInUserCannotForgeFromOrSender() throws Exception {
        var team = server.model.directory().addTeam(EmailAddress.parse("sales-team@example.org"), org.postiljon.mailbox.api.QuotaLimits.UNLIMITED);
        server.model.directory().setTeamMember(team.address(), EmailAddress.parse("alice@example.org"), org.postiljon.mailbox.api.Rights.ALL);
        t.port(2, SmtpTestServer.port(server.submission));
        StringBuilder script = new StringBuilder(ehloSubmission(2) + """
            C2: AUTH PLAIN %s
            S2: 235 2.7.0 authentication successful
            """.formatted(PLAIN_ALICE));
        String[][] cases = {
                {"From: The CEO <ceo@example.org>", "550 5.7.1 you may not send as ceo@example.org (From: or Sender:); use one of your own addresses"},
                {"From: alice@example.org\nC2: Sender: bob@example.org", "550 5.7.1 you may not send as bob@example.org (From: or Sender:); use one of your own addresses"},
                {"From: alice@example.org, bob@example.org", "550 5.7.1 you may not send as bob@example.org (From: or Sender:); use one of your own addresses"},
                {"From: Alice <alice@example.org>", "250 2.0.0 message accepted and delivered"},
                {"From: Sales <sales-team@example.org>", "250 2.0.0 message accepted and delivered"}};
        for (String[] c : cases) {
            script.append("""
                C2: MAIL FROM:<alice@example.org>
                S2: 250 2.1.0 sender OK
                C2: RCPT TO:<bob@example.org>
                S2: 250 2.1.5 recipient OK
                C2: DATA
                S2: 354 *
                C2: %s
                C2: Subject: hello
                C2:
                C2: hi
                C2: .
                S2: %s
                """.formatted(c[0], c[1]));
        }
        run(script.toString());
        assertEquals(2, inbox(bob).size(), "only the messages from alice's own and her team's address arrived");
    }

    @Test
    void withoutTlsOffLoopbackAuthPlainIsRefused() throws Exception {
        try (SmtpTestServer strict = new SmtpTestServer(dir.resolve("strict"), SmtpLimits.DEFAULT, false);
             Transcript t2 = new Transcript(SmtpTestServer.port(strict.submission))) {
            strict.account("alice@example.org");
            t2.run("""
                S1: 220 *
                C1: EHLO laptop
                S1~ 250-STARTTLS
                S1: 250 AUTH SCRAM-SHA-256
                C1: AUTH PLAIN %s
                S1: 538 5.7.11 encryption required for PLAIN
                C1: AUTH LOGIN
                S1: 538 5.7.11 encryption required for LOGIN
                """.formatted(PLAIN_ALICE));
            // A command pipelined behind STARTTLS is refused, never taken as sent over TLS.
            t2.send(1, "STARTTLS\r\nAUTH PLAIN " + PLAIN_ALICE + "\r\n");
            t2.run("""
                S1: 503 5.5.1 no commands may follow STARTTLS before the handshake
                S1: 538 5.7.11 encryption required for PLAIN
                """);
        }
    }

    @Test
    void lmtpAnswersEveryRecipientAfterData() throws Exception {
        t.port(3, SmtpTestServer.port(server.lmtp));
        run("""
            S3: 220 mx.example.org LMTP Postiljon ready
            C3: EHLO frontend
            S3: 500 5.5.1 unknown command EHLO
            C3: LHLO frontend
            S3: 250-mx.example.org greets frontend
            S3~ 250-DSN
            S3: 250 STARTTLS
            C3: MAIL FROM:<list@example.net>
            S3: 250 2.1.0 sender OK
            C3: RCPT TO:<alice@example.org>
            S3: 250 2.1.5 recipient OK
            C3: RCPT TO:<elsewhere@example.net>
            S3: 550 5.1.1 not a local address
            C3: RCPT TO:<bob@example.org>
            S3: 250 2.1.5 recipient OK
            C3: DATA
            S3: 354 *
            C3: Subject: via lmtp
            C3:
            C3: x
            C3: .
            S3: 250 2.0.0 <alice@example.org> delivered
            S3: 250 2.0.0 <bob@example.org> delivered
            C3: MAIL FROM:<list@example.net>
            S3: 250 2.1.0 sender OK
            C3: RCPT TO:<alice@example.org>
            S3: 250 2.1.5 recipient OK
            C3: RCPT TO:<bob@example.org>
            S3: 250 2.1.5 recipient OK
            C3: DATA
            S3: 354 *
            """);
        t.send(3, "Subject: bare\n\nx\r\n.\r\n");
        run("""
            S3: 550 5.6.0 message refused: it contains a bare CR or LF; lines must end in CRLF
            S3: 550 5.6.0 message refused: it contains a bare CR or LF; lines must end in CRLF
            """);
        assertEquals(1, inbox(alice).size());
        assertTrue(text(alice, inbox(alice).getFirst()).contains(" with LMTP id "));
        assertEquals(1, inbox(bob).size());
    }

    @Test
    void mailSubmittedByAliceShowsUpInBobsIdlingImapSession() throws Exception {
        t.port(4, SmtpTestServer.port(server.imap));
        t.port(2, SmtpTestServer.port(server.submission));
        run("""
            S4: * OK *
            C4: a1 LOGIN bob@example.org "correct horse battery"
            S4: a1 OK *
            C4: a2 SELECT INBOX
            S4~ a2 OK [READ-WRITE] SELECT completed
            C4: a3 IDLE
            S4: + idling
            S2: 220 *
            C2: EHLO laptop
            S2~ 250 AUTH *
            C2: AUTH PLAIN %s
            S2: 235 *
            C2: MAIL FROM:<alice@example.org>
            S2: 250 *
            C2: RCPT TO:<bob@example.org>
            S2: 250 *
            C2: DATA
            S2: 354 *
            C2: Subject: ping
            C2:
            C2: are you there?
            C2: .
            S2: 250 2.0.0 message accepted and delivered
            S4: * 1 EXISTS
            S4: * 1 RECENT
            C4: DONE
            S4: a3 OK IDLE terminated
            C4: a4 FETCH 1 (FLAGS)
            S4: * 1 FETCH (FLAGS (\\Recent))
            S4: a4 OK FETCH completed
            """.formatted(PLAIN_ALICE));
    }
}
