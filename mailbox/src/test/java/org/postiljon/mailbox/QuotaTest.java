package org.postiljon.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.AccountSetting;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MessageKeys;
import org.postiljon.mailbox.api.QuotaLimits;
import org.postiljon.mailbox.api.QuotaUsage;
import org.postiljon.mailbox.api.UidSet;

/** Quota: usage kept exactly, enforcement on every way in, warnings once per threshold. */
class QuotaTest {

    @TempDir
    Path dir;

    /** A message of exactly {@code size} octets. */
    static String sized(int size, String subject) {
        String head = "Subject: " + subject + "\r\n\r\n";
        return head + "x".repeat(size - head.length());
    }

    static long append(TestModels t, Account a, String mailbox, int size, String subject) {
        return t.model.messages().append(a, MailboxName.of(mailbox),
                new ByteArrayInputStream(sized(size, subject).getBytes(StandardCharsets.US_ASCII)), Flags.NONE, Instant.now()).uid();
    }

    static Account limited(TestModels t, String address, long bytes, Long messages) {
        Account a = t.account(address);
        t.model.directory().setQuota(a.address(), new QuotaLimits(OptionalLong.of(bytes), messages == null ? OptionalLong.empty() : OptionalLong.of(messages)));
        return t.model.directory().find(a.address()).orElseThrow();
    }

    @Test
    void usageCountsEveryFolderAndEveryWayInIsChecked() throws Exception {
        try (TestModels t = new TestModels(dir)) {
            Account a = limited(t, "alice@example.org", 10_000, null);
            append(t, a, "INBOX", 3000, "one");
            long inTrash = append(t, a, "Trash", 4000, "two");
            assertEquals(new QuotaUsage(7000, 2), t.model.quotas().own(a).usage());
            assertEquals(70, t.model.quotas().own(a).percentUsed());
            var over = assertThrows(MailboxException.OverQuota.class, () -> append(t, a, "INBOX", 3001, "three"));
            assertFalse(over.permanent());
            assertEquals("storage quota exceeded: 7000 of 10000 bytes in use", over.getMessage());
            assertTrue(assertThrows(MailboxException.OverQuota.class, () -> append(t, a, "INBOX", 10_001, "huge")).permanent());
            // COPY adds usage and is refused; MOVE within the account is always allowed.
            assertThrows(MailboxException.OverQuota.class, () -> t.model.messages().copy(a, MailboxName.of("Trash"), UidSet.of(inTrash), MailboxName.of("Junk")));
            t.model.messages().move(a, MailboxName.of("Trash"), UidSet.of(inTrash), MailboxName.of("Junk"));
            assertEquals(new QuotaUsage(7000, 2), t.model.quotas().own(a).usage());
            // Deleting a folder frees what it held; expunging is always allowed.
            t.model.mailboxes().delete(a, MailboxName.of("Junk"));
            assertEquals(new QuotaUsage(3000, 1), t.model.quotas().own(a).usage());
            t.model.messages().delete(a, MailboxName.INBOX, UidSet.ALL);
            assertEquals(QuotaUsage.NONE, t.model.quotas().own(a).usage());
            assertEquals(List.of(), t.model.quotas().repair(Optional.empty()));

            Account b = limited(t, "bob@example.org", 1_000_000, 10L);
            for (int i = 0; i < 7; i++) append(t, b, "INBOX", 100, "m" + i);
            assertEquals(0, warnings(t, b, "Your mailbox is 80% full"));
            append(t, b, "INBOX", 100, "m7"); // 8 of 10: warned, and the warning is a message too (delivered past the quota)
            assertEquals(1, warnings(t, b, "Your mailbox is 80% full"));
            append(t, b, "INBOX", 100, "m8"); // 10 of 10 with the warning of 90 % on top
            assertEquals("message quota exceeded: 11 of 10 messages", assertThrows(MailboxException.OverQuota.class,
                    () -> append(t, b, "INBOX", 100, "m9")).getMessage());
        }
    }

    @Test
    void theDomainDefaultAppliesToAccountsWithoutTheirOwn() throws Exception {
        try (TestModels t = new TestModels(dir)) {
            Account a = t.account("alice@example.org");
            t.model.directory().setDomainSetting(DomainName.of("example.org"), AccountSetting.QUOTA_STORAGE_MB, "1");
            assertEquals(OptionalLong.of(1024 * 1024), t.model.quotas().own(a).limits().storageBytes());
            assertThrows(MailboxException.OverQuota.class, () -> append(t, a, "INBOX", 1024 * 1024 + 1, "big"));
            t.model.directory().setQuota(a.address(), new QuotaLimits(OptionalLong.of(3 * 1024 * 1024), OptionalLong.empty()));
            append(t, a, "INBOX", 1024 * 1024 + 1, "big");
        }
    }

    @Test
    void concurrentAppendsNeverPassTheLimit() throws Exception {
        try (TestModels t = new TestModels(dir)) {
            int size = 1000;
            Account a = limited(t, "race@example.org", 100L * size + size / 2, null);
            AtomicInteger ok = new AtomicInteger(), refused = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < 16; w++) {
                int writer = w;
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < 10; i++) {
                        try {
                            append(t, a, i % 2 == 0 ? "INBOX" : "Trash", size, "w" + writer + "." + i);
                            ok.incrementAndGet();
                        } catch (MailboxException.OverQuota e) {
                            refused.incrementAndGet();
                        }
                    }
                }));
            }
            for (Thread th : threads) th.join();
            // The 80/90/95 % warnings are messages too, delivered past the quota; the user's own mail never passes it.
            var keys = t.model.messages().keys(a, MailboxName.INBOX, UidSet.ALL, false);
            long warningBytes = 0, warned = 0;
            for (var m : t.model.messages().list(a, MailboxName.INBOX, UidSet.ALL)) {
                if (keys.get(m.uid()).subject().startsWith("Your mailbox is")) {
                    warned++;
                    warningBytes += m.size();
                }
            }
            assertEquals(3, warned);
            QuotaUsage used = t.model.quotas().own(a).usage();
            assertEquals(ok.get() + warned, used.messages());
            assertEquals(160, ok.get() + refused.get());
            assertTrue(ok.get() >= 97, "appended " + ok.get());
            long limit = 100L * size + size / 2;
            assertTrue(used.bytes() - warningBytes <= limit, "usage " + used);
            assertTrue(used.bytes() + size > limit, "room was left: " + used);
            assertEquals(List.of(), t.model.quotas().repair(Optional.empty()));
        }
    }

    private static long warnings(TestModels t, Account a, String subject) {
        return t.model.messages().keys(a, MailboxName.INBOX, UidSet.ALL, false).values().stream()
                .map(MessageKeys::subject).filter(subject::equals).count();
    }

    @Test
    void oneWarningPerThresholdUntilUsageFallsBelowIt() throws Exception {
        try (TestModels t = new TestModels(dir)) {
            Account a = limited(t, "alice@example.org", 100_000, null);
            long big = append(t, a, "Archive", 70_000, "seventy");
            assertEquals(0, warnings(t, a, "Your mailbox is 80% full"));
            append(t, a, "Archive", 10_000, "eighty");
            assertEquals(1, warnings(t, a, "Your mailbox is 80% full"));
            append(t, a, "Archive", 5_000, "eighty-five");
            assertEquals(1, warnings(t, a, "Your mailbox is 80% full"));
            assertEquals(0, warnings(t, a, "Your mailbox is 90% full"));
            append(t, a, "Archive", 4_500, "ninety");
            assertEquals(1, warnings(t, a, "Your mailbox is 90% full"));
            // Below the thresholds again, then back up: told again.
            t.model.messages().delete(a, MailboxName.of("Archive"), UidSet.of(big));
            append(t, a, "Archive", 60_000, "back up");
            assertEquals(2, warnings(t, a, "Your mailbox is 80% full"));
            assertEquals(1, warnings(t, a, "Your mailbox is 90% full"));
            // In the account's language.
            Account b = limited(t, "bernd@example.org", 10_000, null);
            t.model.directory().setSetting(b.address(), AccountSetting.LOCALE, "de");
            append(t, b, "INBOX", 9_600, "voll");
            assertEquals(1, warnings(t, b, "Ihr Postfach ist zu 95% voll"));
            try (var in = t.model.messages().open(b, MailboxName.INBOX, 2)) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(text.contains("Ihr Postfach bernd@example.org ist zu 95% voll: 10 KB von 10 KB sind belegt."), text);
                assertTrue(text.contains("Nachrichten im Papierkorb und im Spam-Ordner zählen mit"), text);
            }
        }
    }

    @Test
    void repairFindsAndCorrectsDrift() throws Exception {
        try (TestModels t = new TestModels(dir)) {
            Account a = t.account("alice@example.org");
            append(t, a, "INBOX", 500, "one");
            t.store.metadata().write(tx -> {
                tx.setUsage(a.id(), new QuotaUsage(7, 3));
                return null;
            });
            var drift = t.model.quotas().repair(Optional.of(EmailAddress.parse("alice@example.org")));
            assertEquals(1, drift.size());
            assertEquals(new QuotaUsage(7, 3), drift.getFirst().stored());
            assertEquals(new QuotaUsage(500, 1), drift.getFirst().counted());
            assertEquals(new QuotaUsage(500, 1), t.model.quotas().own(a).usage());
            assertEquals(List.of(), t.model.quotas().repair(Optional.empty()));
        }
    }
}
