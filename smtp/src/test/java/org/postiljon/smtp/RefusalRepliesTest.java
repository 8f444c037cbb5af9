package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postiljon.mailbox.api.MailboxException;

/** Every refusal of the mailbox model has an SMTP reply whose code and enhanced status agree (RFC 3463 §2). */
class RefusalRepliesTest {

    private static final List<MailboxException> ALL = List.of(
            new MailboxException.AccountExists("a@b"), new MailboxException.NoSuchAccount("a@b"),
            new MailboxException.DomainExists("b"), new MailboxException.NoSuchDomain("b"),
            new MailboxException.AliasExists("a@b"), new MailboxException.NoSuchAlias("a@b"),
            new MailboxException.MailboxExists("X"), new MailboxException.NoSuchMailbox("X"),
            new MailboxException.InvalidName("bad"), new MailboxException.NotAllowed("no"),
            new MailboxException.TooBig(10), new MailboxException.OverQuota("full", false),
            new MailboxException.OverQuota("never fits", true), new MailboxException.NoRights("no"),
            new MailboxException.LimitReached("many"), new MailboxException.Unavailable("disk"),
            new MailboxException.Damaged("file"));

    @Test
    void codeAndStatusAgreeForEveryRefusal() {
        Set<Class<?>> seen = new HashSet<>();
        for (MailboxException e : ALL) {
            SmtpError reply = Session.replyTo(e);
            seen.add(e.getClass());
            // RFC 3463 §2: the class of the status (2, 4, 5) is the first digit of the reply code.
            assertEquals(reply.code / 100, reply.status.charAt(0) - '0', e + " -> " + reply.code + " " + reply.status);
            assertTrue(reply.code >= 400 && reply.code < 600, e + " is refused");
        }
        assertEquals(Set.of(MailboxException.class.getPermittedSubclasses()), seen, "every kind of refusal is in the table");
    }

    @Test
    void whatMayPassLaterIsTemporary() {
        assertEquals(452, Session.replyTo(new MailboxException.Unavailable("disk")).code);
        assertEquals(452, Session.replyTo(new MailboxException.OverQuota("full", false)).code);
        assertEquals(552, Session.replyTo(new MailboxException.OverQuota("never fits", true)).code);
        assertEquals(451, Session.replyTo(new MailboxException.Damaged("file")).code);
        assertEquals(550, Session.replyTo(new MailboxException.NoSuchMailbox("X")).code);
    }
}
