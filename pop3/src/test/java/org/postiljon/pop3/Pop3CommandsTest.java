package org.postiljon.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.postiljon.mailbox.api.AccountSetting;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.UidSet;

class Pop3CommandsTest extends Pop3TranscriptTest {

    private List<MessageInfo> inbox() {
        return server.model.messages().list(alice, MailboxName.INBOX, UidSet.ALL);
    }

    @Test
    void capaBeforeAndAfterLogin() throws Exception {
        run("""
            S1: +OK Postiljon POP3 ready
            C1: CAPA
            S1: +OK capability list follows
            S1: TOP
            S1: UIDL
            S1: RESP-CODES
            S1: AUTH-RESP-CODE
            S1: PIPELINING
            S1: SASL PLAIN LOGIN SCRAM-SHA-256
            S1: USER
            S1: STLS
            S1: EXPIRE NEVER
            S1: IMPLEMENTATION Postiljon
            S1: .
            C1: USER alice@example.org
            S1: +OK send PASS
            C1: PASS correct horse battery
            S1: +OK maildrop has 0 messages (0 octets)
            C1: CAPA
            S1: +OK capability list follows
            S1: TOP
            S1: UIDL
            S1: RESP-CODES
            S1: AUTH-RESP-CODE
            S1: PIPELINING
            S1: EXPIRE NEVER
            S1: IMPLEMENTATION Postiljon
            S1: .
            C1: QUIT
            S1: +OK Postiljon POP3 signing off (0 messages deleted)
            """);
    }

    @Test
    void statListUidlRetrTopAndDotStuffing() throws Exception {
        server.deliver(alice, Pop3TestServer.message("one", "first line\r\n.hidden dot\r\n..two dots\r\nlast\r\n"));
        server.deliver(alice, Pop3TestServer.message("two", "no final newline"));
        int size1 = (int) inbox().get(0).size();
        int size2 = (int) inbox().get(1).size();
        long validity = server.model.mailboxes().get(alice, MailboxName.INBOX).uidValidity();
        login(1);
        run("""
            C1: STAT
            S1: +OK 2 %d
            C1: LIST
            S1: +OK 2 messages (%d octets)
            S1: 1 %d
            S1: 2 %d
            S1: .
            C1: LIST 2
            S1: +OK 2 %d
            C1: UIDL
            S1: +OK unique-id listing follows
            S1: 1 00000001%08X
            S1: 2 00000002%08X
            S1: .
            C1: UIDL 1
            S1: +OK 1 00000001%08X
            C1: RETR 1
            S1: +OK %d octets
            S1: From: Bob <bob@example.net>
            S1: To: alice@example.org
            S1: Subject: one
            S1: Date: Fri, 20 Nov 2026 10:00:00 +0000
            S1: Message-ID: *
            S1:\s
            S1: first line
            S1: ..hidden dot
            S1: ...two dots
            S1: last
            S1: .
            C1: TOP 1 1
            S1: +OK top of message follows
            S1: From: Bob <bob@example.net>
            S1: To: alice@example.org
            S1: Subject: one
            S1: Date: Fri, 20 Nov 2026 10:00:00 +0000
            S1: Message-ID: *
            S1:\s
            S1: first line
            S1: .
            C1: TOP 2 0
            S1: +OK top of message follows
            S1: From: Bob <bob@example.net>
            S1: To: alice@example.org
            S1: Subject: two
            S1: Date: Fri, 20 Nov 2026 10:00:00 +0000
            S1: Message-ID: *
            S1:\s
            S1: .
            C1: RETR 2
            S1: +OK %d octets
            S1: From: *
            S1: To: *
            S1: Subject: two
            S1: Date: *
            S1: Message-ID: *
            S1:\s
            S1: no final newline
            S1: .
            """.formatted(size1 + size2, size1 + size2, size1, size2, size2, validity, validity, validity, size1, size2));
    }

    @Test
    void deleIsCarriedOutOnlyByQuitAndRsetUndoes() throws Exception {
        for (int i = 1; i <= 3; i++) server.deliver(alice, Pop3TestServer.message("m" + i, "body\r\n"));
        login(1);
        run("""
            C1: DELE 1
            S1: +OK message 1 deleted
            C1: DELE 1
            S1: -ERR message 1 already deleted
            C1: RETR 1
            S1: -ERR message 1 already deleted
            C1: LIST 1
            S1: -ERR message 1 already deleted
            C1: STAT
            S1: +OK 2 *
            C1: RSET
            S1: +OK maildrop has 3 messages *
            C1: DELE 2
            S1: +OK message 2 deleted
            """);
        assertEquals(3, inbox().size(), "nothing is removed before QUIT");
        t.close(); // the connection drops without QUIT
        t = new org.postiljon.testkit.Transcript(server.port());
        login(2);
        run("""
            C2: STAT
            S2: +OK 3 *
            C2: DELE 2
            S2: +OK message 2 deleted
            C2: QUIT
            S2: +OK Postiljon POP3 signing off (1 messages deleted)
            """);
        assertEquals(List.of(1L, 3L), inbox().stream().map(MessageInfo::uid).toList());
    }

    @Test
    void errorsAreClearAndTheSessionGoesOn() throws Exception {
        server.deliver(alice, Pop3TestServer.message("m", "body\r\n"));
        run("""
            S1: +OK Postiljon POP3 ready
            C1: STAT
            S1: -ERR STAT is not allowed in the AUTHORIZATION state
            C1: PASS secret
            S1: -ERR USER first
            C1: USER alice@example.org
            S1: +OK send PASS
            C1: PASS wrong
            S1: -ERR [AUTH] invalid credentials
            C1: APOP alice@example.org 0123456789abcdef0123456789abcdef
            S1: -ERR [AUTH] APOP is not available: passwords are stored hashed; use AUTH SCRAM-SHA-256
            C1: FROB\u0001NICATE
            S1: -ERR unknown command FROB?NICATE
            C1: USER alice@example.org
            S1: +OK send PASS
            C1: PASS correct horse battery
            S1: +OK maildrop has 1 messages *
            C1: USER bob
            S1: -ERR USER is not allowed in the TRANSACTION state
            C1: RETR
            S1: -ERR invalid message number
            C1: RETR 0
            S1: -ERR no such message, only 1 in maildrop
            C1: RETR 2
            S1: -ERR no such message, only 1 in maildrop
            C1: RETR -1
            S1: -ERR invalid message number
            C1: RETR 99999999999999999999
            S1: -ERR invalid message number
            C1: TOP 1
            S1: -ERR TOP needs a message number and a line count
            C1: TOP 1 x
            S1: -ERR invalid line count
            C1: STAT now
            S1: -ERR STAT takes no argument
            C1: NOOP
            S1: +OK
            """);
        t.send(1, "NOOP " + "x".repeat(9000) + "\r\n");
        run("""
            S1: -ERR line too long
            C1: QUIT
            S1: +OK *
            """);
    }

    @Test
    void tooManyErrorsInARowCloseTheConnection() throws Exception {
        run("S1: +OK Postiljon POP3 ready");
        for (int i = 0; i < 10; i++) run("C1: BOGUS\nS1: -ERR unknown command BOGUS");
        run("S1: -ERR too many errors, closing");
        assertEquals(true, t.closed(1));
    }

    @Test
    void aSecondSessionOnTheSameMaildropIsRefusedAsInUse() throws Exception {
        login(1);
        run("""
            S2: +OK Postiljon POP3 ready
            C2: USER alice@example.org
            S2: +OK send PASS
            C2: PASS correct horse battery
            S2: -ERR [IN-USE] maildrop already in use by another POP3 session
            C1: QUIT
            S1: +OK *
            C2: USER alice@example.org
            S2: +OK send PASS
            C2: PASS correct horse battery
            S2: +OK maildrop has 0 messages (0 octets)
            """);
    }

    @Test
    void authWithInitialResponseListingAndCancel() throws Exception {
        String plain = java.util.Base64.getEncoder().encodeToString("\0alice@example.org\0correct horse battery".getBytes());
        run("""
            S1: +OK Postiljon POP3 ready
            C1: AUTH
            S1: +OK mechanisms follow
            S1: PLAIN
            S1: LOGIN
            S1: SCRAM-SHA-256
            S1: .
            C1: AUTH LOGIN
            S1: + VXNlcm5hbWU6
            C1: *
            S1: -ERR authentication cancelled
            C1: AUTH CRAM-MD5
            S1: -ERR unsupported mechanism CRAM-MD5
            C1: AUTH PLAIN !!!
            S1: -ERR invalid base64 in SASL response
            C1: AUTH PLAIN %s
            S1: +OK maildrop has 0 messages (0 octets)
            """.formatted(plain));
    }

    @Test
    void retrievedMessagesAreSeenAfterQuitAndTrashModeMovesDeletedOnes() throws Exception {
        long kept = server.deliver(alice, Pop3TestServer.message("kept", "x\r\n"));
        server.deliver(alice, Pop3TestServer.message("binned", "y\r\n"));
        server.model.directory().setSetting(EmailAddress.parse("alice@example.org"), AccountSetting.POP3_DELETE, "trash");
        login(1);
        run("""
            C1: RETR 1
            S1: +OK *
            S1: From: *
            S1: To: *
            S1: Subject: kept
            S1: Date: *
            S1: Message-ID: *
            S1:\s
            S1: x
            S1: .
            C1: DELE 2
            S1: +OK message 2 deleted
            C1: QUIT
            S1: +OK Postiljon POP3 signing off (1 messages deleted)
            """);
        assertEquals(List.of(kept), inbox().stream().map(MessageInfo::uid).toList());
        assertEquals(true, inbox().getFirst().flags().contains(Flags.SEEN));
        assertEquals(1, server.model.messages().list(alice, MailboxName.of("Trash"), UidSet.ALL).size());
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrder() throws Exception {
        server.deliver(alice, Pop3TestServer.message("m", "body\r\n"));
        run("S1: +OK Postiljon POP3 ready");
        t.send(1, "USER alice@example.org\r\nPASS correct horse battery\r\nSTAT\r\nUIDL 1\r\nNOOP\r\nQUIT\r\n");
        run("""
            S1: +OK send PASS
            S1: +OK maildrop has 1 messages *
            S1: +OK 1 *
            S1: +OK 1 00000001*
            S1: +OK
            S1: +OK *
            """);
    }
}
