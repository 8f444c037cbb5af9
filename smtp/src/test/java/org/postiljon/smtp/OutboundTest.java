package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.UidSet;
import org.postiljon.net.Listener;
import org.postiljon.testkit.Dnsmasq;
import org.postiljon.testkit.Transcript;

/**
 * Mail to another server end to end: alice@example.org submits to example.net; the queue looks
 * up example.net's MX in a real DNS server (dnsmasq) and delivers to a second Postiljon on
 * loopback; failures are retried or bounced into alice's INBOX.
 */
class OutboundTest {

    @TempDir
    Path dir;
    Dnsmasq dns;
    SmtpTestServer remote;
    SmtpTestServer local;
    Account carol;
    Account alice;

    OutboundOptions options() {
        return options(null);
    }

    OutboundOptions options(Duration delayNotice) {
        return new OutboundOptions("mx.example.org", dns.address, SmtpTestServer.port(remote.mx), null, null, null,
                Duration.ofDays(5), Duration.ofMillis(300), Duration.ofSeconds(1), 4, Duration.ofSeconds(10), delayNotice);
    }

    @BeforeEach
    void start() throws Exception {
        dns = new Dnsmasq("--mx-host=example.net,mail.example.net,10", "--host-record=mail.example.net,127.0.0.1",
                "--mx-host=nullmx.test,.,0");
        remote = new SmtpTestServer(dir.resolve("remote"), "example.net", SmtpLimits.DEFAULT, true, null);
        carol = remote.account("carol@example.net");
        local = new SmtpTestServer(dir.resolve("local"), "example.org", SmtpLimits.DEFAULT, true, options());
        alice = local.account("alice@example.org");
    }

    @AfterEach
    void stop() {
        if (local != null) local.close();
        remote.close();
        dns.close();
    }

    private void submit(String to, String subject) throws Exception {
        submit(to, subject, "", "");
    }

    /** Submits as alice with MAIL and RCPT parameters (RFC 3461). */
    private void submit(String to, String subject, String mailParams, String rcptParams) throws Exception {
        submitAsAlice(local, to, subject, mailParams, rcptParams);
    }

    /** Submits a short message as alice@example.org to {@code local}'s submission port, for a recipient elsewhere. */
    static void submitAsAlice(SmtpTestServer local, String to, String subject, String mailParams, String rcptParams) throws Exception {
        try (Transcript t = new Transcript(SmtpTestServer.port(local.submission))) {
            t.run("""
                S1: 220 *
                C1: EHLO laptop
                S1~ 250 AUTH *
                C1: AUTH PLAIN AGFsaWNlQGV4YW1wbGUub3JnAGNvcnJlY3QgaG9yc2UgYmF0dGVyeQ==
                S1: 235 *
                C1: MAIL FROM:<alice@example.org>%s
                S1: 250 *
                C1: RCPT TO:<%s>%s
                S1: 250 2.1.5 recipient OK, will be relayed
                C1: DATA
                S1: 354 *
                C1: From: alice@example.org
                C1: To: %s
                C1: Subject: %s
                C1:
                C1: hello over there
                C1: .
                S1: 250 2.0.0 message accepted and delivered
                C1: QUIT
                S1: 221 *
                """.formatted(mailParams, to, rcptParams, to, subject));
        }
    }

    private static List<MessageInfo> inbox(SmtpTestServer s, Account a) {
        return s.model.messages().list(a, MailboxName.INBOX, UidSet.ALL);
    }

    private static String text(SmtpTestServer s, Account a, MessageInfo m) throws Exception {
        try (var in = s.model.messages().open(a, MailboxName.INBOX, m.uid())) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        for (int i = 0; i < 150 && !done.getAsBoolean(); i++) Thread.sleep(100);
        assertTrue(done.getAsBoolean(), what);
    }

    @Test
    void deliveredThroughTheMxOfTheOtherDomain() throws Exception {
        submit("carol@example.net", "hi carol");
        await("carol gets the mail", () -> inbox(remote, carol).size() == 1);
        await("the queue empties", () -> local.model.queue().list(10).isEmpty());
        String m = text(remote, carol, inbox(remote, carol).getFirst());
        assertTrue(m.contains("Subject: hi carol") && m.contains("Return-Path: <alice@example.org>"), m);
        assertTrue(m.contains("by mx.example.net (Postiljon) with ESMTPS"), "delivered over STARTTLS: " + m);
        assertTrue(m.contains("by mx.example.org (Postiljon) with ESMTPA"), "alice's submission is in the trace: " + m);
    }

    @Test
    void aPermanentFailureBouncesIntoTheSendersInbox() throws Exception {
        submit("nobody@example.net", "to nobody");
        await("a bounce arrives", () -> inbox(local, alice).size() == 1);
        String bounce = text(local, alice, inbox(local, alice).getFirst());
        assertTrue(bounce.contains("Content-Type: multipart/report; report-type=delivery-status"), bounce);
        assertTrue(bounce.contains("Final-Recipient: rfc822; nobody@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n"), bounce);
        assertTrue(bounce.contains("Return-Path: <>") || !bounce.contains("Return-Path:"), "a bounce has the null sender");
        assertTrue(bounce.contains("Subject: to nobody"), "the original header is quoted: " + bounce);
        assertTrue(local.model.queue().list(10).isEmpty());
    }

    @Test
    void dsnRequestsTravelWithTheMailAndNeverMeansNoBounce() throws Exception {
        submit("carol@example.net", "with receipts", " RET=FULL ENVID=e1", " NOTIFY=SUCCESS ORCPT=rfc822;carol@example.net");
        await("carol gets it", () -> inbox(remote, carol).size() == 1);
        // The remote server offers DSN, so it (not we) reports the final delivery: its notice waits in its queue for alice.
        // The remote server offers DSN, so the request travels on and the final hop decides. Postiljon as that final
        // hop (port 25, sender unproven) ignores NOTIFY=SUCCESS, as RFC 3461 §5.2.2 allows: no notice can be reflected.
        Thread.sleep(500);
        assertTrue(remote.model.queue().list(10).isEmpty(), "no success notice from an MX to an unproven sender");
        assertEquals(0, inbox(local, alice).size(), "no notice from us: the next hop took over DSN");

        submit("nobody@example.net", "never tell me", "", " NOTIFY=NEVER");
        await("the queue empties", () -> local.model.queue().list(10).isEmpty());
        Thread.sleep(500);
        assertEquals(0, inbox(local, alice).size(), "NOTIFY=NEVER: no bounce");
    }

    @Test
    void aNullMxFailsAtOnce() throws Exception {
        submit("someone@nullmx.test", "nowhere");
        await("a bounce arrives", () -> inbox(local, alice).size() == 1);
        assertTrue(text(local, alice, inbox(local, alice).getFirst()).contains("Status: 5.1.10"));
    }

    @Test
    void aTemporaryFailureIsRetriedUntilItWorks() throws Exception {
        int port = SmtpTestServer.port(remote.mx);
        remote.mx.close(); // the remote MX is down
        submit("carol@example.net", "retried");
        await("an attempt failed and was recorded", () -> local.model.queue().list(10).getFirst().recipients().getFirst().attempts() >= 1);
        var r = local.model.queue().list(10).getFirst().recipients().getFirst();
        assertTrue(r.lastReply().startsWith("451 4.4.1"), r.lastReply());
        try (Listener back = Listener.start("smtp", new InetSocketAddress("127.0.0.1", port), null,
                new SmtpServer(remote.services, Mode.MX), new Listener.Options(50, 1000, Duration.ofSeconds(1)))) {
            await("delivered once the MX is back", () -> inbox(remote, carol).size() == 1);
            await("the queue empties", () -> local.model.queue().list(10).isEmpty());
        }
        assertEquals(0, inbox(local, alice).size(), "no bounce");
    }

    @Test
    void aDelayedRecipientsSenderIsToldOnce() throws Exception {
        local.close();
        local = new SmtpTestServer(dir.resolve("local"), "example.org", SmtpLimits.DEFAULT, true, options(Duration.ZERO));
        remote.mx.close(); // down for good in this test
        submit("carol@example.net", "slow");
        await("a delay notice arrives", () -> inbox(local, alice).size() == 1);
        String notice = text(local, alice, inbox(local, alice).getFirst());
        assertTrue(notice.contains("Subject: Delayed mail (still being retried)") && notice.contains("Action: delayed\r\nStatus: 4.4.1"), notice);
        await("more attempts", () -> local.model.queue().list(10).getFirst().recipients().getFirst().attempts() >= 3);
        assertEquals(1, inbox(local, alice).size(), "told once, not at every attempt");
        assertTrue(local.model.queue().list(10).getFirst().recipients().getFirst().delayNotified());
    }

    @Test
    void aPeerThatIsNoSmtpServerIsATemporaryFailure() throws Exception {
        int port = SmtpTestServer.port(remote.mx);
        remote.mx.close();
        try (java.net.ServerSocket fake = new java.net.ServerSocket()) {
            fake.setReuseAddress(true);
            fake.bind(new InetSocketAddress("127.0.0.1", port));
            Thread peer = Thread.ofVirtual().start(() -> {
                try (java.net.Socket s = fake.accept()) {
                    s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                } catch (java.io.IOException ignored) {
                    // the test looks at what the sender recorded
                }
            });
            submit("carol@example.net", "to a web server");
            await("the attempt is recorded", () -> local.model.queue().list(10).getFirst().recipients().getFirst().attempts() >= 1);
            peer.join(5000);
        }
        var r = local.model.queue().list(10).getFirst().recipients().getFirst();
        assertEquals(org.postiljon.mailbox.api.OutboundQueue.State.QUEUED, r.state(), "kept for another try");
        assertTrue(r.lastReply().startsWith("451 4.4.1") && r.lastReply().contains("not an SMTP reply"), r.lastReply());
        assertEquals(0, inbox(local, alice).size(), "no bounce for a temporary failure");
    }

    @Test
    void queuedMailSurvivesARestartAndIsSentOnce() throws Exception {
        local.close();
        local = new SmtpTestServer(dir.resolve("local"), "example.org", SmtpLimits.DEFAULT, true, null); // no sender running
        submit("carol@example.net", "across a restart");
        assertEquals(1, local.model.queue().list(10).size());
        local.close();
        local = new SmtpTestServer(dir.resolve("local"), "example.org", SmtpLimits.DEFAULT, true, options());
        await("delivered after the restart", () -> inbox(remote, carol).size() == 1);
        await("the queue empties", () -> local.model.queue().list(10).isEmpty());
        Thread.sleep(1000);
        assertEquals(1, inbox(remote, carol).size(), "sent once");
    }
}
