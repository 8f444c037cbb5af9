package org.postiljon.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.AccountSetting;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MessageKeys;
import org.postiljon.mailbox.api.Retention;
import org.postiljon.mailbox.api.SpecialUse;
import org.postiljon.mailbox.api.UidSet;

/** Retention by SAVEDATE with a clock the test moves. */
class RetentionTest {

    /** A clock that stands still until told to move. */
    static final class TestClock extends Clock {
        Instant now;

        TestClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static List<String> subjects(TestModels t, Account a, String mailbox) {
        return t.model.messages().keys(a, MailboxName.of(mailbox), UidSet.ALL, false).values().stream().map(MessageKeys::subject).toList();
    }

    private static List<String> summary(List<Retention.Expiry> l) {
        return l.stream().map(e -> e.account() + " " + e.mailbox() + " " + e.days() + "d " + e.messages()).toList();
    }

    @Test
    void theJobRemovesExactlyTheExpiredMessages(@TempDir Path dir) throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-01-01T12:00:00Z"));
        Instant t0 = clock.now;
        try (TestModels t = new TestModels(dir, clock)) {
            Account a = t.account("alice@example.org");
            t.model.mailboxes().create(a, MailboxName.of("Old"), java.util.Set.of());
            t.model.mailboxes().create(a, MailboxName.of("Projects"), java.util.Set.of());
            QuotaTest.append(t, a, "Trash", 100, "A");
            long moved = QuotaTest.append(t, a, "INBOX", 100, "moved later");
            QuotaTest.append(t, a, "Projects", 100, "kept forever");
            clock.advance(Duration.ofDays(10));
            QuotaTest.append(t, a, "Trash", 100, "B");
            QuotaTest.append(t, a, "Junk", 100, "C");
            QuotaTest.append(t, a, "Old", 100, "D");
            clock.advance(Duration.ofDays(15));
            QuotaTest.append(t, a, "Trash", 100, "E");
            // Deleting to Trash starts the clock again: SAVEDATE is when it was put there.
            t.model.messages().move(a, MailboxName.INBOX, UidSet.of(moved), MailboxName.of("Trash"));
            t.model.retention().setPolicy(a.address(), MailboxName.of("Old"), OptionalInt.of(20));
            assertEquals(20, t.model.retention().policy(a.address(), MailboxName.of("Old")));
            assertEquals(0, t.model.retention().policy(a.address(), MailboxName.of("Projects")));
            assertEquals(30, t.model.retention().policy(a.address(), MailboxName.of("Trash")));

            Instant day31 = t0.plus(Duration.ofDays(31));
            List<String> expected = List.of("alice@example.org Old 20d 1", "alice@example.org Trash 30d 1");
            assertEquals(expected, summary(t.model.retention().preview(Optional.empty(), day31)));
            assertEquals(List.of("A", "B", "E", "moved later"), subjects(t, a, "Trash")); // a preview changes nothing
            assertEquals(expected, summary(t.model.retention().run(day31)));
            assertEquals(List.of("B", "E", "moved later"), subjects(t, a, "Trash"));
            assertEquals(List.of(), subjects(t, a, "Old"));
            assertEquals(List.of("C"), subjects(t, a, "Junk"));
            assertEquals(List.of("kept forever"), subjects(t, a, "Projects"));
            assertEquals(List.of(), t.model.retention().run(day31)); // nothing left to do

            // Junk kept for good by the account; Trash follows the default.
            t.model.directory().setSetting(a.address(), AccountSetting.RETENTION_JUNK, "never");
            assertEquals(List.of("alice@example.org Trash 30d 3"), summary(t.model.retention().run(t0.plus(Duration.ofDays(100)))));
            assertEquals(List.of("C"), subjects(t, a, "Junk"));
            assertEquals(List.of(), subjects(t, a, "Trash"));
            assertEquals(List.of("kept forever"), subjects(t, a, "Projects"));
            assertEquals(Optional.of(SpecialUse.TRASH), t.model.mailboxes().get(a, MailboxName.of("Trash")).specialUse());
        }
    }
}
