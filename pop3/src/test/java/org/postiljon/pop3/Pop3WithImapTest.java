package org.postiljon.pop3;

import org.junit.jupiter.api.Test;
import org.postiljon.testkit.Transcript;

/** POP3 and IMAP on one INBOX: a POP3 delete reaches IMAP sessions; POP3's maildrop is a snapshot. */
class Pop3WithImapTest extends Pop3TranscriptTest {

    @Test
    void aPop3DeleteIsSeenByAnIdlingImapSession() throws Exception {
        server.deliver(alice, Pop3TestServer.message("first", "1\r\n"));
        server.deliver(alice, Pop3TestServer.message("second", "2\r\n"));
        t.port(2, server.imapPort());
        run("""
            S2: * OK *
            C2: a1 LOGIN alice@example.org "correct horse battery"
            S2: a1 OK *
            C2: a2 SELECT INBOX
            S2~ a2 OK [READ-WRITE] SELECT completed
            C2: a3 IDLE
            S2: + idling
            """);
        login(1);
        run("""
            C1: DELE 1
            S1: +OK message 1 deleted
            C1: QUIT
            S1: +OK Postiljon POP3 signing off (1 messages deleted)
            S2: * 1 EXPUNGE
            C2: DONE
            S2: a3 OK IDLE terminated
            C2: a4 FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])
            S2: * 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {19}
            S2: Subject: second
            S2:\s
            S2: )
            S2: a4 OK FETCH completed
            """);
    }

    @Test
    void mailArrivingDuringASessionWaitsForTheNextLogin() throws Exception {
        server.deliver(alice, Pop3TestServer.message("before", "1\r\n"));
        login(1);
        t.port(2, server.imapPort());
        String message = Pop3TestServer.message("during", "2\r\n");
        run("""
            C1: STAT
            S1: +OK 1 *
            S2: * OK *
            C2: a1 LOGIN alice@example.org "correct horse battery"
            S2: a1 OK *
            """);
        t.send(2, "a2 APPEND INBOX {" + message.length() + "+}\r\n" + message + "\r\n");
        run("""
            S2: a2 OK [APPENDUID *
            C1: STAT
            S1: +OK 1 *
            C1: LIST
            S1: +OK 1 messages *
            S1: 1 *
            S1: .
            C1: RETR 2
            S1: -ERR no such message, only 1 in maildrop
            C1: QUIT
            S1: +OK *
            """);
        t.close();
        t = new Transcript(server.port());
        login(3);
        run("""
            C3: STAT
            S3: +OK 2 *
            """);
    }

    @Test
    void downloadingAndDeletingFreesTheQuotaButKeepingInTrashDoesNot() throws Exception {
        String first = Pop3TestServer.message("first", "x".repeat(2000) + "\r\n");
        server.model.directory().setQuota(alice.address(), new org.postiljon.mailbox.api.QuotaLimits(
                java.util.OptionalLong.of(first.length() + 1000), java.util.OptionalLong.empty()));
        server.deliver(alice, first);
        var quotas = server.model.quotas();
        org.junit.jupiter.api.Assertions.assertThrows(org.postiljon.mailbox.api.MailboxException.OverQuota.class,
                () -> server.deliver(alice, first));
        // With pop3.delete=trash the message only moves: Trash still counts, the mailbox stays full.
        server.model.directory().setSetting(alice.address(), org.postiljon.mailbox.api.AccountSetting.POP3_DELETE, "trash");
        login(1);
        run("""
            C1: DELE 1
            S1: +OK message 1 deleted
            C1: QUIT
            S1: +OK *
            """);
        org.junit.jupiter.api.Assertions.assertEquals(first.length(), quotas.own(alice).usage().bytes());
        org.junit.jupiter.api.Assertions.assertThrows(org.postiljon.mailbox.api.MailboxException.OverQuota.class,
                () -> server.deliver(alice, first));
        // Expunged for good: room again.
        server.model.messages().delete(alice, org.postiljon.mailbox.api.MailboxName.of("Trash"), org.postiljon.mailbox.api.UidSet.ALL);
        server.deliver(alice, first);
        server.model.directory().setSetting(alice.address(), org.postiljon.mailbox.api.AccountSetting.POP3_DELETE, "expunge");
        login(2);
        run("""
            C2: DELE 1
            S2: +OK message 1 deleted
            C2: QUIT
            S2: +OK Postiljon POP3 signing off (1 messages deleted)
            """);
        org.junit.jupiter.api.Assertions.assertEquals(0, quotas.own(alice).usage().bytes());
        server.deliver(alice, first);
    }
}
