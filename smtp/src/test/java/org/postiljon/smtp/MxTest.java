package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.postiljon.mailbox.api.AliasSource;
import org.postiljon.mailbox.api.EmailAddress;

/** Port 25: local recipients only, never a relay; DATA read safely. */
class MxTest extends SmtpTranscriptTest {

    @Test
    void mailToATeamAddressLandsInTheTeamMailboxWhereMembersSeeIt() throws Exception {
        var sales = org.postiljon.mailbox.api.EmailAddress.parse("sales@example.org");
        var team = server.model.directory().addTeam(sales, org.postiljon.mailbox.api.QuotaLimits.UNLIMITED);
        server.model.directory().setTeamMember(sales, alice.address(), org.postiljon.mailbox.api.Rights.MEMBER);
        run(ehloMx(1) + """
            C1: MAIL FROM:<customer@example.net>
            S1: 250 2.1.0 sender OK
            C1: RCPT TO:<sales@example.org>
            S1: 250 2.1.5 recipient OK
            C1: DATA
            S1: 354 *
            C1: Subject: an order
            C1:
            C1: ten boxes please
            C1: .
            S1: 250 2.0.0 message accepted and delivered
            """);
        assertEquals(1, inbox(team).size());
        assertEquals(0, inbox(alice).size());
        var shared = org.postiljon.mailbox.api.MailboxName.of("Shared/sales/INBOX");
        assertEquals("an order", server.model.messages().keys(alice, shared, 1).subject());
        assertEquals(0, server.model.messages().list(bob, org.postiljon.mailbox.api.MailboxName.INBOX,
                org.postiljon.mailbox.api.UidSet.ALL).size());
        org.junit.jupiter.api.Assertions.assertThrows(org.postiljon.mailbox.api.MailboxException.NoSuchMailbox.class,
                () -> server.model.messages().keys(bob, shared, 1));
    }

    @Test
    void mailForALocalUserIsDeliveredWithTraceFields() throws Exception {
        run(ehloMx(1) + """
            C1: MAIL FROM:<sender@example.net> SIZE=120 BODY=8BITMIME
            S1: 250 2.1.0 sender OK
            C1: RCPT TO:<alice@example.org>
            S1: 250 2.1.5 recipient OK
            C1: DATA
            S1: 354 end data with <CR><LF>.<CR><LF>
            C1: From: sender@example.net
            C1: Subject: hello
            C1:
            C1: ..a line that starts with a dot
            C1: .
            S1: 250 2.0.0 message accepted and delivered
            C1: QUIT
            S1: 221 2.0.0 mx.example.org closing connection
            """);
        assertEquals(1, inbox(alice).size());
        String m = text(alice, inbox(alice).getFirst());
        assertTrue(m.startsWith("Return-Path: <sender@example.net>\r\nDelivered-To: alice@example.org\r\nReceived: from client.example.net ([127.0.0.1])\r\n"
                + "\tby mx.example.org (Postiljon) with ESMTP id "), m);
        assertTrue(m.endsWith("\r\nFrom: sender@example.net\r\nSubject: hello\r\n\r\n.a line that starts with a dot\r\n"), m);
        assertTrue(m.matches("(?s)Return-Path: [^\r\n]+\r\nDelivered-To: [^\r\n]+\r\nReceived: [^\r\n]+(\r\n\t[^\r\n]+)+\r\n"
                        // the spam filter's fields for this recipient (docs/filters.md), then the message's
                        + "X-Spam-Status: No, score=1\\.5 required=5\\.0 tests=MISSING_DATE,MISSING_MID\r\nX-Spam-Score: 1\\.5\r\n"
                        + "Authentication-Results: mx\\.example\\.org;\r\n\tspf=none \\(no SPF record at example\\.net\\) smtp\\.mailfrom=sender@example\\.net;\r\n"
                        + "\tdkim=none \\(no signature\\);\r\n\tdmarc=none \\(no DMARC record\\) header\\.from=example\\.net\r\nFrom: .*"),
                "the trace fields are well-formed header fields (continuation lines start with a tab): " + m);
        assertEquals("hello", server.model.messages().keys(alice, org.postiljon.mailbox.api.MailboxName.INBOX, inbox(alice).getFirst().uid()).subject());
        assertEquals(0, inbox(bob).size());
    }

    @Test
    void unknownUsersAndForeignDomainsAreRefusedAlsoThroughTricks() throws Exception {
        run(ehloMx(1) + """
            C1: MAIL FROM:<spammer@example.net>
            S1: 250 2.1.0 sender OK
            C1: RCPT TO:<nobody@example.org>
            S1: 550 5.1.1 no such user here
            C1: RCPT TO:<victim@example.net>
            S1: 554 5.7.1 relay access denied: example.net is not a domain of this server
            C1: RCPT TO:<postmaster@example.net>
            S1: 554 5.7.1 relay access denied: example.net is not a domain of this server
            C1: RCPT TO:<alice+tag@example.net>
            S1: 554 5.7.1 relay access denied: example.net is not a domain of this server
            C1: RCPT TO:<victim%example.net@example.org>
            S1: 550 5.1.1 no such user here
            C1: RCPT TO:<@example.org:victim@example.net>
            S1: 554 5.7.1 relay access denied: example.net is not a domain of this server
            C1: RCPT TO:<victim@example.net@example.org>
            S1: 501 5.1.3 bad recipient address: *
            C1: RCPT TO:<"victim@example.net"@example.org>
            S1: 501 5.1.3 bad recipient address: *
            C1: RCPT TO:<alice@example.org@example.net>
            S1: 501 5.1.3 bad recipient address: *
            C1: RCPT TO:<victim@[192.0.2.1]>
            S1: 501 5.1.3 bad recipient address: *
            C1: RCPT TO:victim@example.net
            S1: 501 5.5.4 the address must be in angle brackets
            C1: DATA
            S1: 554 5.5.1 no valid recipients
            C1: RSET
            S1: 250 2.0.0 reset
            """);
        assertEquals(0, inbox(alice).size() + inbox(bob).size());
    }

    @Test
    void aliasesCatchAllSubaddressesAndPostmaster() throws Exception {
        server.model.directory().addAlias(AliasSource.parse("team@example.org"), EmailAddress.parse("alice@example.org"));
        server.model.directory().addAlias(AliasSource.parse("team@example.org"), EmailAddress.parse("bob@example.org"));
        server.model.directory().addAlias(AliasSource.parse("postmaster@example.org"), EmailAddress.parse("bob@example.org"));
        run(ehloMx(1) + """
            C1: MAIL FROM:<>
            S1: 250 2.1.0 sender OK
            C1: RCPT TO:<team@example.org>
            S1: 250 2.1.5 recipient OK
            C1: RCPT TO:<Alice+lists@Example.ORG>
            S1: 250 2.1.5 recipient OK
            C1: RCPT TO:<postmaster>
            S1: 250 2.1.5 recipient OK
            C1: DATA
            S1: 354 *
            C1: Subject: to the team
            C1:
            C1: hi
            C1: .
            S1: 250 2.0.0 message accepted and delivered
            """);
        assertEquals(1, inbox(alice).size(), "alice once, though named twice");
        assertEquals(1, inbox(bob).size(), "bob once, as team member and postmaster");
        assertTrue(text(alice, inbox(alice).getFirst()).startsWith("Return-Path: <>\r\n"));
    }

    @Test
    void subaddressesGoToTheirFolderWhenItExistsUnlessTheUserOptedOut() throws Exception {
        String send = """
            C1: MAIL FROM:<list@example.net>
            S1: 250 2.1.0 sender OK
            C1: RCPT TO:<alice+lists@example.org>
            S1: 250 2.1.5 recipient OK
            C1: DATA
            S1: 354 *
            C1: Subject: digest
            C1:
            C1: x
            C1: .
            S1: 250 2.0.0 message accepted and delivered
            """;
        run(ehloMx(1) + send);
        assertEquals(1, inbox(alice).size(), "no folder 'lists': INBOX (a sender never creates folders)");
        server.model.mailboxes().create(alice, org.postiljon.mailbox.api.MailboxName.of("lists"), java.util.Set.of());
        run(send);
        assertEquals(1, inbox(alice).size());
        assertEquals(1, server.model.messages().list(alice, org.postiljon.mailbox.api.MailboxName.of("lists"),
                org.postiljon.mailbox.api.UidSet.ALL).size(), "the folder named by the tag, as Dovecot's lmtp_save_to_detail_mailbox");
        server.model.directory().setSetting(EmailAddress.parse("alice@example.org"),
                org.postiljon.mailbox.api.AccountSetting.SUBADDRESS_FOLDER, "off");
        run(send);
        assertEquals(2, inbox(alice).size(), "opted out: INBOX");
    }

    @Test
    void smugglingProbesNeverEndTheMessageEarly() throws Exception {
        run(ehloMx(1) + """
            C1: MAIL FROM:<sender@example.net>
            S1: 250 2.1.0 sender OK
            C1: RCPT TO:<alice@example.org>
            S1: 250 2.1.5 recipient OK
            C1: DATA
            S1: 354 *
            """);
        // Each probe is a way another server might end DATA; here none does, and the message with
        // a bare line ending is refused whole after its real end. No second message appears.
        for (String probe : new String[] {"\n.\n", "\r.\r", "\n.\r\n", "\r.\n"}) {
            t.send(1, "Subject: first\r\n\r\nbody" + probe
                    + "MAIL FROM:<evil@example.net>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\nSubject: smuggled\r\n\r\nx\r\n.\r\n");
            run("""
                S1: 550 5.6.0 message refused: it contains a bare CR or LF; lines must end in CRLF
                C1: MAIL FROM:<sender@example.net>
                S1: 250 2.1.0 sender OK
                C1: RCPT TO:<alice@example.org>
                S1: 250 2.1.5 recipient OK
                C1: DATA
                S1: 354 *
                """);
        }
        t.send(1, ".\r\n");
        run("S1: 250 2.0.0 message accepted and delivered");
        assertEquals(1, inbox(alice).size(), "only the empty last message");
        assertEquals(0, inbox(bob).size(), "nothing was smuggled");
    }

    @Test
    void pipelinedTransactionsAreAnsweredInOrder() throws Exception {
        run(ehloMx(1));
        t.send(1, "MAIL FROM:<a@example.net>\r\nRCPT TO:<alice@example.org>\r\nRCPT TO:<ghost@example.org>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n");
        run("""
            S1: 250 2.1.0 sender OK
            S1: 250 2.1.5 recipient OK
            S1: 550 5.1.1 no such user here
            S1: 250 2.1.5 recipient OK
            S1: 354 *
            """);
        t.send(1, "Subject: p\r\n\r\nx\r\n.\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<ghost@example.org>\r\nDATA\r\nNOOP\r\n");
        run("""
            S1: 250 2.0.0 message accepted and delivered
            S1: 250 2.1.0 sender OK
            S1: 550 5.1.1 no such user here
            S1: 554 5.5.1 no valid recipients
            S1: 250 2.0.0 OK
            """);
        assertEquals(1, inbox(alice).size());
        assertEquals(1, inbox(bob).size());
    }

    /** DATA is read in chunks: a message longer than a chunk, with the next transaction sent behind it in one write, keeps both whole. */
    @Test
    void commandsPipelinedBehindALargeMessageAreReadAfterIt() throws Exception {
        run(ehloMx(1));
        String body = ("x".repeat(998) + "\r\n").repeat(11); // 11,000 bytes: the end falls past two chunks
        t.send(1, "MAIL FROM:<a@example.net>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\n");
        run("""
            S1: 250 2.1.0 sender OK
            S1: 250 2.1.5 recipient OK
            S1: 354 *
            """);
        t.send(1, "Subject: big\r\n\r\n" + body + ".\r\nMAIL FROM:<a@example.net>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n");
        run("""
            S1: 250 2.0.0 message accepted and delivered
            S1: 250 2.1.0 sender OK
            S1: 250 2.1.5 recipient OK
            S1: 354 *
            """);
        t.send(1, "Subject: small\r\n\r\nbehind\r\n.\r\nNOOP\r\n");
        run("""
            S1: 250 2.0.0 message accepted and delivered
            S1: 250 2.0.0 OK
            """);
        assertTrue(text(alice, inbox(alice).getFirst()).endsWith("Subject: big\r\n\r\n" + body), "the large message is whole");
        assertTrue(text(bob, inbox(bob).getFirst()).endsWith("Subject: small\r\n\r\nbehind\r\n"), "the one behind it too");
    }

    @Test
    void orderSyntaxAndLimitsGiveClearReplies() throws Exception {
        run("""
            S1: 220 *
            C1: MAIL FROM:<a@example.net>
            S1: 503 5.5.1 EHLO first
            C1: EHLO
            S1: 501 5.5.4 a domain or address literal, please
            C1: HELO client.example.net
            S1: 250 mx.example.org greets client.example.net
            C1: RCPT TO:<alice@example.org>
            S1: 503 5.5.1 MAIL first
            C1: MAIL FROM:<a@example.net> SIZE=999999999999
            S1: 552 5.3.4 message too big; the limit is 52428800 bytes
            C1: MAIL FROM:<a@example.net> SIZE=9999999999999999999
            S1: 552 5.3.4 message too big; the limit is 52428800 bytes
            C1: MAIL FROM:<a@example.net> SIZE=12a
            S1: 501 5.5.4 SIZE needs a number
            C1: MAIL FROM:<a@example.net> FROB=1
            S1: 555 5.5.4 unsupported parameter FROB
            C1: MAIL FROM:<ünïcode@example.net>
            S1: 553 5.6.7 a UTF-8 address needs the SMTPUTF8 parameter
            C1: MAIL FROM:<a@example.net>
            S1: 250 2.1.0 sender OK
            C1: MAIL FROM:<a@example.net>
            S1: 503 5.5.1 nested MAIL command
            C1: AUTH PLAIN AGFsaWNlQGV4YW1wbGUub3JnAGNvcnJlY3QgaG9yc2UgYmF0dGVyeQ==
            S1: 500 5.5.1 unknown command AUTH
            C1: LHLO x
            S1: 500 5.5.1 unknown command LHLO
            C1: VRFY alice
            S1: 252 2.5.0 *
            C1: BDAT x
            S1: 501 5.5.4 BDAT size [LAST]
            """);
        t.send(1, "NOOP " + "x".repeat(5000) + "\r\n");
        run("""
            S1: 500 5.5.2 line too long
            C1: QUIT
            S1: 221 *
            """);
    }

    @Test
    void oversizedDataIsReadToItsEndAndRefused() throws Exception {
        try (SmtpTestServer small = new SmtpTestServer(dir.resolve("small"), SmtpLimits.DEFAULT.withMaxMessageBytes(1000), true)) {
            var a = small.account("alice@example.org");
            try (var t2 = new org.postiljon.testkit.Transcript(SmtpTestServer.port(small.mx))) {
                t2.run("""
                    S1: 220 *
                    C1: EHLO c
                    S1~ 250-SIZE 1000
                    S1~ 250 *
                    C1: MAIL FROM:<a@example.net>
                    S1: 250 *
                    C1: RCPT TO:<alice@example.org>
                    S1: 250 *
                    C1: DATA
                    S1: 354 *
                    """);
                t2.send(1, ("Subject: big\r\n\r\n" + "0123456789".repeat(30) + "\r\n").repeat(10) + ".\r\nNOOP\r\n");
                t2.run("""
                    S1: 552 5.3.4 message too big; the limit is 1000 bytes
                    S1: 250 2.0.0 OK
                    """);
            }
            assertEquals(0, small.model.messages().list(a, org.postiljon.mailbox.api.MailboxName.INBOX, org.postiljon.mailbox.api.UidSet.ALL).size());
        }
    }

    @Test
    void recipientAndErrorLimitsHold() throws Exception {
        run(ehloMx(1) + """
            C1: MAIL FROM:<a@example.net>
            S1: 250 2.1.0 sender OK
            """);
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 101; i++) many.append("RCPT TO:<alice@example.org>\r\n");
        t.send(1, many.toString());
        for (int i = 0; i < 100; i++) run("S1: 250 2.1.5 recipient OK");
        run("S1: 452 4.5.3 too many recipients; send the rest in another message");
        // RFC 5321 §4.5.3.1.10: the 452 is a normal answer, not one of the 20 errors that close the session.
        for (int i = 0; i < 20; i++) run("C1: BOGUS\nS1: 500 5.5.1 unknown command BOGUS");
        run("S1: 421 4.7.0 mx.example.org too many errors, closing connection");
        assertTrue(t.closed(1));
    }

    @Test
    void deliveryStatusNotificationsAreCheckedAndSuccessIsReported() throws Exception {
        run(ehloMx(1) + """
            C1: MAIL FROM:<bob@example.org> RET=SOME
            S1: 501 5.5.4 RET is FULL or HDRS
            C1: MAIL FROM:<bob@example.org> ENVID=bad=id
            S1: 501 5.5.4 ENVID must be 1-100 characters of xtext, printable once decoded
            C1: MAIL FROM:<bob@example.org> RET=HDRS ENVID=QQ+2B123
            S1: 250 2.1.0 sender OK
            C1: RCPT TO:<alice@example.org> NOTIFY=NEVER,SUCCESS
            S1: 501 5.5.4 NOTIFY is NEVER or a list of SUCCESS, FAILURE, DELAY
            C1: RCPT TO:<alice@example.org> ORCPT=nosemicolon
            S1: 501 5.5.4 ORCPT is addr-type;xtext, printable once decoded
            C1: RCPT TO:<alice@example.org> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Alice@example.org
            S1: 250 2.1.5 recipient OK
            C1: DATA
            S1: 354 *
            C1: Subject: please confirm
            C1:
            C1: x
            C1: .
            S1: 250 2.0.0 message accepted and delivered
            """);
        assertEquals(1, inbox(alice).size());
        // RFC 3461 §5.2.2 allows ignoring NOTIFY=SUCCESS: on port 25 the sender is unproven, and a notice would
        // mail the message to whoever the client named as sender (a reflection).
        assertEquals(0, inbox(bob).size(), "no success notice to an unproven sender");
    }

    @Test
    void aSignedInSenderGetsSuccessNoticesWithTheWholeMessage() throws Exception {
        t.port(2, SmtpTestServer.port(server.submission));
        String plain = java.util.Base64.getEncoder().encodeToString("\0bob@example.org\0correct horse battery".getBytes());
        run(ehloSubmission(2) + """
            C2: AUTH PLAIN %s
            S2: 235 2.7.0 authentication successful
            C2: MAIL FROM:<bob@example.org> RET=FULL ENVID=QQ+2B123
            S2: 250 2.1.0 sender OK
            C2: RCPT TO:<alice@example.org> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Alice@example.org
            S2: 250 2.1.5 recipient OK
            C2: DATA
            S2: 354 *
            C2: From: bob@example.org
            C2: Subject: please confirm
            C2:
            C2: the body
            C2: .
            S2: 250 2.0.0 message accepted and delivered
            """.formatted(plain));
        assertEquals(1, inbox(alice).size());
        assertEquals(1, inbox(bob).size(), "bob, the signed-in sender, gets the success notice");
        String report = text(bob, inbox(bob).getFirst());
        assertTrue(report.contains("report-type=delivery-status") && report.contains("Original-Envelope-Id: QQ+123\r\n")
                && report.contains("Original-Recipient: rfc822; Alice@example.org\r\nFinal-Recipient: rfc822; alice@example.org\r\nAction: delivered\r\nStatus: 2.0.0"), report);
        assertTrue(report.contains("Content-Type: message/rfc822") && report.contains("the body"), "RET=FULL: " + report);
    }

    @Test
    void anUnprovenSenderNeverGetsTheWholeMessageBackAndReportsCarryNoInjectedLines() throws Exception {
        server.account("carol@example.org");
        // Room for the RCPT check, not for the message: alice's delivery fails after DATA, carol's succeeds.
        server.model.directory().setQuota(alice.address(), new org.postiljon.mailbox.api.QuotaLimits(java.util.OptionalLong.of(100), java.util.OptionalLong.empty()));
        run(ehloMx(1) + """
            C1: MAIL FROM:<bob@example.org> ENVID=x+0D+0AX-Injected:+20yes
            S1: 501 5.5.4 ENVID must be 1-100 characters of xtext, printable once decoded
            C1: MAIL FROM:<bob@example.org> RET=FULL ENVID=e1
            S1: 250 2.1.0 sender OK
            C1: RCPT TO:<alice@example.org> ORCPT=rfc822;a+0Ab
            S1: 501 5.5.4 ORCPT is addr-type;xtext, printable once decoded
            C1: RCPT TO:<alice@example.org> NOTIFY=SUCCESS,FAILURE
            S1: 250 2.1.5 recipient OK
            C1: RCPT TO:<carol@example.org> NOTIFY=SUCCESS,FAILURE
            S1: 250 2.1.5 recipient OK
            C1: DATA
            S1: 354 *
            C1: Subject: secret payload
            C1:
            C1: the whole body
            C1: .
            S1: 250 2.0.0 message accepted and delivered
            """);
        assertEquals(1, inbox(bob).size(), "one report: alice's mailbox was full (carol's success is not reported)");
        String report = text(bob, inbox(bob).getFirst());
        assertTrue(report.contains("Action: failed") && !report.contains("Action: delivered"), report);
        assertTrue(report.contains("Subject: secret payload") && !report.contains("the whole body"), "RET=FULL ignored: headers only: " + report);
    }

    @Test
    void postmasterOfEveryLocalDomainIsAcceptedWithoutAnAlias() throws Exception {
        server.model.directory().addDomain(org.postiljon.mailbox.api.DomainName.of("other.example"));
        run(ehloMx(1) + """
            C1: MAIL FROM:<someone@example.net>
            S1: 250 2.1.0 sender OK
            C1: RCPT TO:<PostMaster@example.org>
            S1: 250 2.1.5 recipient OK
            C1: RCPT TO:<postmaster@other.example>
            S1: 250 2.1.5 recipient OK
            C1: RCPT TO:<postmistress@example.org>
            S1: 550 5.1.1 no such user here
            C1: DATA
            S1: 354 *
            C1: Subject: abuse report
            C1:
            C1: hi
            C1: .
            S1: 250 2.0.0 message accepted and delivered
            """);
        assertEquals(1, inbox(alice).size(), "example.org's first account takes its postmaster mail");
        assertEquals(1, inbox(alice).size() + inbox(bob).size(), "other.example has no account: the first account of all takes it, once");
    }

    @Test
    void utf8AddressesWorkEndToEndWithSmtputf8() throws Exception {
        var juergen = server.account("jürgen@example.org");
        run(ehloMx(1) + """
            C1: MAIL FROM:<zoë@example.net>
            S1: 553 5.6.7 a UTF-8 address needs the SMTPUTF8 parameter
            C1: MAIL FROM:<zoë@example.net> SMTPUTF8
            S1: 250 2.1.0 sender OK
            C1: RCPT TO:<Jürgen@example.org>
            S1: 250 2.1.5 recipient OK
            C1: DATA
            S1: 354 *
            C1: From: Zoë <zoë@example.net>
            C1: Subject: Grüße
            C1:
            C1: hallo
            C1: .
            S1: 250 2.0.0 message accepted and delivered
            """);
        assertEquals(1, inbox(juergen).size());
        String m = text(juergen, inbox(juergen).getFirst());
        assertTrue(m.startsWith("Return-Path: <zoë@example.net>\r\nDelivered-To: Jürgen@example.org\r\n"), m);
        assertEquals("Grüße", server.model.messages().keys(juergen, org.postiljon.mailbox.api.MailboxName.INBOX, inbox(juergen).getFirst().uid()).subject());
    }

    @Test
    void aMessageInALoopIsRefused() throws Exception {
        run(ehloMx(1) + """
            C1: MAIL FROM:<a@example.net>
            S1: 250 2.1.0 sender OK
            C1: RCPT TO:<alice@example.org>
            S1: 250 2.1.5 recipient OK
            C1: DATA
            S1: 354 *
            """);
        t.send(1, "Received: from somewhere by somewhere\r\n".repeat(100) + "RECEIVED: from elsewhere\r\n" + "Subject: round and round\r\n\r\nx\r\n.\r\n");
        run("S1: 554 5.4.6 mail loop: more than 100 Received fields");
        assertEquals(0, inbox(alice).size());
    }

    @Test
    void chunkingDeliversBinaryAsSent() throws Exception {
        String m = "Subject: chunked\r\n\r\nline one\r\n.not stuffed\r\n";
        run(ehloMx(1) + """
            C1: MAIL FROM:<a@example.net> BODY=BINARYMIME
            S1: 250 2.1.0 sender OK
            C1: RCPT TO:<alice@example.org>
            S1: 250 2.1.5 recipient OK
            """);
        t.send(1, "BDAT 10\r\n" + m.substring(0, 10));
        run("S1: 250 2.0.0 10 octets received");
        t.send(1, "BDAT " + (m.length() - 10) + " LAST\r\n" + m.substring(10));
        run("S1: 250 2.0.0 message accepted and delivered");
        assertTrue(text(alice, inbox(alice).getFirst()).endsWith("\r\n" + m));
    }

    @Test
    void aDeliveryToThirtyRecipientsStoresItsContentOnceAndEachRecipientSeesItsOwnTrace() throws Exception {
        StringBuilder script = new StringBuilder(ehloMx(1)).append("C1: MAIL FROM:<news@example.net>\nS1: 250 2.1.0 sender OK\n");
        java.util.List<org.postiljon.mailbox.api.Account> rcpts = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            rcpts.add(server.account("r" + i + "@example.org"));
            script.append("C1: RCPT TO:<r").append(i).append("@example.org>\nS1: 250 2.1.5 recipient OK\n");
        }
        script.append("""
            C1: DATA
            S1: 354 *
            C1: Subject: newsletter
            C1: Content-Type: multipart/mixed; boundary=b
            C1:
            C1: --b
            C1: Content-Type: text/plain
            C1:
            C1: first part
            C1: --b
            C1: Content-Type: text/plain
            C1:
            C1: second part
            C1: --b--
            C1: .
            S1: 250 2.0.0 message accepted and delivered
            """);
        run(script.toString());
        // One content for all thirty: one file in the blob store (and so one parse and one index entry, both by content).
        java.util.Set<org.postiljon.mailbox.api.BlobId> contents = new java.util.HashSet<>();
        for (org.postiljon.mailbox.api.Account a : rcpts) contents.add(inbox(a).getFirst().blobId());
        assertEquals(1, contents.size(), "the recipients share one content");
        assertEquals(1, server.store.contents().getAsLong(), "one content stored for thirty recipients");
        // Each recipient's copy starts with its own trace fields, and every section is where IMAP says it is.
        try (org.postiljon.testkit.Transcript imap = new org.postiljon.testkit.Transcript(SmtpTestServer.port(server.imap))) {
            for (int i : new int[] {0, 17, 29}) {
                String who = "r" + i + "@example.org";
                int n = 10 * i;
                imap.run("S" + n + ": * OK *\n"
                        + "C" + n + ": a LOGIN " + who + " \"" + SmtpTestServer.PASSWORD + "\"\n"
                        + "S" + n + ": a OK *\n"
                        + "C" + n + ": b EXAMINE INBOX\n"
                        + "S" + n + "~ b OK [READ-ONLY] *\n"
                        + "C" + n + ": c FETCH 1 (BODY[HEADER.FIELDS (DELIVERED-TO SUBJECT)] BODY[2] BODY[1.MIME])\n"
                        + "S" + n + ": * 1 FETCH (BODY[HEADER.FIELDS (DELIVERED-TO SUBJECT)] {" + (("Delivered-To: " + who).length() + 2 + 21 + 2) + "}\n"
                        + "S" + n + ": Delivered-To: " + who + "\n"
                        + "S" + n + ": Subject: newsletter\n"
                        + "S" + n + ": \n"
                        + "S" + n + ":  BODY[2] {11}\n"
                        + "S" + n + ": second part BODY[1.MIME] {28}\n"
                        + "S" + n + ": Content-Type: text/plain\n"
                        + "S" + n + ": \n"
                        + "S" + n + ": )\n"
                        + "S" + n + ": c OK FETCH completed\n"
                        // RFC 9051 §6.4.4 HEADER: the trace fields kept beside the content are searched as the header
                        + "C" + n + ": d SEARCH HEADER Delivered-To " + who + "\n"
                        + "S" + n + ": * SEARCH 1\n"
                        + "S" + n + ": d OK SEARCH completed\n"
                        + "C" + n + ": e SEARCH HEADER Delivered-To r99@example.org\n"
                        + "S" + n + ": * SEARCH\n"
                        + "S" + n + ": e OK SEARCH completed\n");
            }
        }
        String whole = text(rcpts.get(5), inbox(rcpts.get(5)).getFirst());
        assertTrue(whole.startsWith("Return-Path: <news@example.net>\r\nDelivered-To: r5@example.org\r\nReceived: "), whole);
        assertEquals(inbox(rcpts.get(5)).getFirst().size(), whole.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }
}
