package org.postiljon.store.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.Alias;
import org.postiljon.mailbox.api.AliasSource;
import org.postiljon.mailbox.api.BlobId;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.MessageKeys;
import org.postiljon.mailbox.api.QuotaLimits;
import org.postiljon.mailbox.api.ScramSecret;
import org.postiljon.mailbox.api.UidSet;
import org.postiljon.mailbox.api.structure.Address;
import org.postiljon.mailbox.api.structure.BodyPart;
import org.postiljon.mailbox.api.structure.Envelope;
import org.postiljon.mailbox.api.structure.MessageStructure;
import org.postiljon.mailbox.api.structure.Param;

/** What every {@link MetadataStore} must do. A store's test class extends this and opens itself. */
public abstract class MetadataStoreContract {

    protected abstract MetadataStore open(Path dir) throws Exception;

    @TempDir
    Path dir;
    protected MetadataStore store;
    private Account alice;
    private static final BlobId BLOB = new BlobId("a".repeat(64));
    /** A structure with every kind of value (null, list, nested entity, non-ASCII), so a store's own form must keep each. */
    static final MessageStructure STRUCTURE = new MessageStructure(
            new Envelope("Tue, 1 Dec 2026 10:00:00 +0100", "=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=",
                    List.of(new Address("=?UTF-8?Q?J=C3=B6rg?=", "Jörg", null, "jorg", "x.test")), List.of(), null,
                    List.of(Address.groupStart("team"), new Address(null, null, null, "b", "x.test"), Address.GROUP_END),
                    List.of(), null, "<parent@x>", "<id@x>"),
            new BodyPart("multipart", "mixed", List.of(new Param("boundary", "b1")), null, null, "7bit", null, null, null, null, null,
                    0, 120, 400, 9, List.of(
                            new BodyPart("text", "plain", List.of(new Param("charset", "utf-8")), null, null, "quoted-printable", null,
                                    "inline", List.of(), List.of("de", "en"), null, 130, 170, 200, 2, List.of(), null, null),
                            new BodyPart("message", "rfc822", List.of(), "<part@x>", "fwd", "7bit", null, "attachment",
                                    List.of(new Param("filename", "a \"b\".eml")), null, "http://x.test/", 210, 250, 390, 5, List.of(),
                                    new Envelope(null, "inner", List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), null, null),
                                    new BodyPart("text", "plain", List.of(), null, null, "7bit", null, null, null, null, null,
                                            250, 300, 390, 3, List.of(), null, null))),
                    null, null));
    private static final MessageKeys KEYS = new MessageKeys("s", "s", "a", "b", "", "a", null, "<id@x>", List.of(), "",
            "A <a@x>", "B <b@x>", "", "", STRUCTURE, "b");
    private static final ScramSecret SCRAM = new ScramSecret(new byte[16], 4096, new byte[32], new byte[32]);

    @BeforeEach
    void setUp() throws Exception {
        store = open(dir);
        alice = store.write(tx -> {
            tx.insertDomain(DomainName.of("example.org"));
            return tx.insertAccount(EmailAddress.parse("alice@example.org"), "$argon2id$x", SCRAM, QuotaLimits.UNLIMITED);
        });
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private Mailbox mailbox(String name) {
        return store.write(tx -> tx.insertMailbox(alice.id(), MailboxName.of(name), Optional.empty(), tx.nextModSeq(alice.id())));
    }

    private MessageInfo append(Mailbox m, Flags flags) {
        return store.write(tx -> tx.insertMessage(m.id(), tx.nextModSeq(alice.id()), flags, Instant.ofEpochSecond(1_700_000_000),
                Instant.now(), 100, BLOB, KEYS));
    }

    private org.postiljon.mailbox.api.QuotaUsage usage() {
        return store.read(tx -> tx.usage(alice.id()));
    }

    @Test
    void usageFollowsEveryMessageChangeInTheSameTransaction() {
        Mailbox inbox = mailbox("INBOX");
        Mailbox trash = mailbox("Trash");
        MessageInfo a = append(inbox, Flags.NONE);
        append(inbox, Flags.NONE);
        store.write(tx -> tx.copyMessage(a, trash.id(), tx.nextModSeq(alice.id()), Instant.now(), a.flags()));
        assertEquals(new org.postiljon.mailbox.api.QuotaUsage(300, 3), usage());
        assertEquals(usage(), store.read(tx -> tx.usages()).get(alice.id()), "the list of every account's usage says the same");
        assertEquals(store.read(tx -> tx.totals()).usage().bytes(), store.read(tx -> tx.usages()).values().stream()
                .mapToLong(org.postiljon.mailbox.api.QuotaUsage::bytes).sum(), "and adds up to the totals");
        store.write(tx -> {
            tx.deleteMessages(inbox.id(), List.of(a.uid()), tx.nextModSeq(alice.id()));
            return null;
        });
        assertEquals(new org.postiljon.mailbox.api.QuotaUsage(200, 2), usage());
        // A failed transaction leaves usage as it was.
        assertThrows(IllegalStateException.class, () -> store.write(tx -> {
            tx.insertMessage(inbox.id(), tx.nextModSeq(alice.id()), Flags.NONE, Instant.now(), Instant.now(), 5000, BLOB, KEYS);
            throw new IllegalStateException("rolled back");
        }));
        store.write(tx -> {
            tx.deleteMailbox(trash.id(), tx.nextModSeq(alice.id()));
            return null;
        });
        assertEquals(new org.postiljon.mailbox.api.QuotaUsage(100, 1), usage());
        org.postiljon.mailbox.api.QuotaUsage counted = store.read(tx -> tx.countUsage(alice.id()));
        assertEquals(counted, usage());
    }

    @Test
    void duplicatesBecomeDomainErrors() {
        assertThrows(MailboxException.DomainExists.class, () -> store.write(tx -> { tx.insertDomain(DomainName.of("EXAMPLE.org")); return null; }));
        assertThrows(MailboxException.AccountExists.class, () -> store.write(tx ->
                tx.insertAccount(EmailAddress.parse("Alice@example.org"), "h", SCRAM, QuotaLimits.UNLIMITED)));
        mailbox("Work");
        assertThrows(MailboxException.MailboxExists.class, () -> mailbox("Work"));
        assertThrows(MailboxException.NoSuchDomain.class, () -> store.write(tx ->
                tx.insertAccount(EmailAddress.parse("bob@nowhere.test"), "h", SCRAM, QuotaLimits.UNLIMITED)));
    }

    @Test
    void accountRoundTripsWithCredentialsAndQuota() {
        store.write(tx -> { tx.updateQuota(alice.id(), new QuotaLimits(java.util.OptionalLong.of(1000), java.util.OptionalLong.empty())); return null; });
        AccountRecord r = store.read(tx -> tx.account(EmailAddress.parse("alice@example.org"))).orElseThrow();
        assertEquals("$argon2id$x", r.passwordHash());
        assertEquals(4096, r.scram().iterations());
        assertEquals(1000, r.account().quota().storageBytes().getAsLong());
        assertTrue(r.account().quota().messages().isEmpty());
    }

    @Test
    void domainSettingsReadOneByOneOrAllAtOnce() {
        DomainName example = DomainName.of("example.org");
        assertEquals(java.util.Map.of(), store.read(tx -> tx.domainSettings(example)));
        store.write(tx -> {
            tx.setDomainSetting(example, "quota.storage-mb", "100");
            tx.setDomainSetting(example, "quota.messages", "5000");
            tx.setDomainSetting(example, "quota.messages", "6000");
            return null;
        });
        assertEquals(java.util.Map.of("quota.storage-mb", "100", "quota.messages", "6000"), store.read(tx -> tx.domainSettings(example)));
        assertEquals(java.util.Optional.of("6000"), store.read(tx -> tx.domainSetting(example, "quota.messages")));
        assertEquals(java.util.Map.of(), store.read(tx -> tx.domainSettings(DomainName.of("nowhere.test"))));
        // A transaction sees its own change after it read the settings.
        store.write(tx -> {
            assertEquals("6000", tx.domainSettings(example).get("quota.messages"));
            tx.setDomainSetting(example, "quota.messages", "7000");
            assertEquals("7000", tx.domainSettings(example).get("quota.messages"));
            return null;
        });
    }

    /** Jobs grouped with failing ones that changed a setting and read it back never see the rolled-back value. */
    @Test
    void aRolledBackSettingIsNotSeenByTheRestOfItsGroup() throws Exception {
        DomainName example = DomainName.of("example.org");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> seen = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                boolean fail = i % 2 == 0;
                seen.add(pool.submit(() -> store.write(tx -> {
                    if (!fail) return tx.domainSettings(example).getOrDefault("quota.messages", "none");
                    tx.setDomainSetting(example, "quota.messages", "rolled back");
                    tx.domainSettings(example);
                    throw new IllegalStateException("boom");
                })));
            }
            for (int i = 1; i < seen.size(); i += 2) assertEquals("none", seen.get(i).get());
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void theNextModSeqComesWithTheAccountItLocked() {
        long before = store.read(tx -> tx.highestModSeq(alice.id()));
        WriteTx.LockedAccount locked = store.write(tx -> tx.nextModSeqOf(alice.id()));
        assertEquals(before + 1, locked.modSeq());
        assertEquals(alice, locked.account().account());
        assertThrows(MailboxException.NoSuchAccount.class, () -> store.write(tx -> tx.nextModSeqOf(999_999)));
    }

    @Test
    void uidsIncreaseAndUidValidityChangesWhenANameIsReused() {
        Mailbox m = mailbox("Work");
        long u1 = append(m, Flags.NONE).uid();
        long u2 = append(m, Flags.NONE).uid();
        assertEquals(u1 + 1, u2);
        store.write(tx -> { tx.deleteMailbox(m.id(), tx.nextModSeq(alice.id())); return null; });
        Mailbox again = mailbox("Work");
        assertNotEquals(m.uidValidity(), again.uidValidity());
        assertEquals(1, append(again, Flags.NONE).uid());
    }

    @Test
    void modSeqNeverGoesBackwardsAndChangesAreLogged() {
        Mailbox m = mailbox("INBOX");
        MessageInfo a = append(m, Flags.NONE);
        long before = store.read(tx -> tx.highestModSeq(alice.id()));
        store.write(tx -> { tx.updateFlags(m, new java.util.TreeMap<>(java.util.Map.of(a.uid(), Flags.of(Flags.SEEN))), tx.nextModSeq(alice.id())); return null; });
        store.write(tx -> { tx.deleteMessages(m.id(), List.of(a.uid()), tx.nextModSeq(alice.id())); return null; });
        List<ChangeRecord> log = store.read(tx -> tx.changesSince(alice.id(), before));
        assertEquals(List.of(ChangeRecord.Kind.FLAGS, ChangeRecord.Kind.EXPUNGE), log.stream().map(ChangeRecord::kind).toList());
        assertTrue(log.get(0).modSeq() < log.get(1).modSeq());
        assertEquals(a.uid(), log.get(1).uid(), "expunge tombstone names the UID");
    }

    @Test
    void flagsAndCountsAreKept() {
        Mailbox m = mailbox("INBOX");
        append(m, Flags.of(Flags.SEEN, "$Forwarded"));
        append(m, Flags.of(Flags.DELETED));
        append(m, Flags.NONE);
        List<MessageInfo> all = store.read(tx -> tx.messages(m.id(), UidSet.ALL));
        assertEquals(Flags.of("\\seen", "$forwarded"), all.get(0).flags());
        var status = store.read(tx -> tx.status(tx.mailbox(alice.id(), MailboxName.INBOX).orElseThrow()));
        assertEquals(3, status.messages());
        assertEquals(2, status.unseen());
        assertEquals(1, status.deleted());
        assertEquals(300, status.sizeBytes());
        assertEquals(List.of(2L), store.read(tx -> tx.messages(m.id(), UidSet.of(2))).stream().map(MessageInfo::uid).toList());
    }

    @Test
    void aClaimedQueueEntryIsNobodyElsesUntilReleasedOrItsClaimRunsOut() {
        Instant t0 = Instant.ofEpochSecond(1_800_000_000);
        List<QueueRecord.Target> to = List.of(new QueueRecord.Target("x@example.net", null, null));
        assertEquals(new org.postiljon.mailbox.api.OutboundQueue.Summary(0, java.util.Optional.empty()), store.read(tx -> tx.queueSummary()));
        long a = store.write(tx -> tx.enqueue("alice@example.org", null, null, BLOB, 100, to, t0.minusSeconds(60)));
        assertEquals(new org.postiljon.mailbox.api.OutboundQueue.Summary(1, java.util.Optional.of(t0.minusSeconds(60))),
                store.read(tx -> tx.queueSummary()));
        long b = store.write(tx -> tx.enqueue("alice@example.org", null, null, BLOB, 100, to, t0));
        assertEquals(new org.postiljon.mailbox.api.OutboundQueue.Summary(2, java.util.Optional.of(t0.minusSeconds(60))),
                store.read(tx -> tx.queueSummary()), "two messages, the oldest a minute before the other");
        Instant until = t0.plusSeconds(1800);
        assertEquals(List.of(a), store.write(tx -> tx.claimDue(t0, 1, "node-1", until)).stream().map(QueueRecord::id).toList(), "most overdue first");
        assertEquals(List.of(b), store.write(tx -> tx.claimDue(t0, 10, "node-2", until)).stream().map(QueueRecord::id).toList(), "the other one");
        assertEquals(List.of(), store.write(tx -> tx.claimDue(t0, 10, "node-3", until)), "both are claimed");
        store.write(tx -> { tx.releaseClaim(a, "node-2"); return null; });
        assertEquals(List.of(), store.write(tx -> tx.claimDue(t0, 10, "node-3", until)), "only the holder releases a claim");
        store.write(tx -> { tx.releaseClaim(a, "node-1"); return null; });
        assertEquals(List.of(a), store.write(tx -> tx.claimDue(t0, 10, "node-3", until.plusSeconds(1800))).stream().map(QueueRecord::id).toList(), "released");
        assertEquals(List.of(b), store.write(tx -> tx.claimDue(until, 10, "node-3", until.plusSeconds(1800))).stream().map(QueueRecord::id).toList(),
                "node-2's claim ran out (it died): another node takes the message");
        Instant later = until.plusSeconds(1800);
        assertEquals(2, (int) store.write(tx -> tx.renewLeases("node-3", later.plusSeconds(120))), "node-3's heartbeat renews both its claims");
        assertEquals(List.of(), store.write(tx -> tx.claimDue(later, 10, "node-4", later.plusSeconds(120))), "so they hold past their first time");
        assertEquals(java.util.Optional.empty(), store.write(tx -> tx.claimOne(a, later, "node-4", later.plusSeconds(120))), "the operator's claim too");
        store.write(tx -> { tx.releaseClaim(a, "node-3"); return null; });
        assertEquals(a, store.write(tx -> tx.claimOne(a, later, "node-4", later.plusSeconds(120))).orElseThrow().id(), "released: the operator has it");
        assertEquals(List.of(), store.write(tx -> tx.claimDue(later.plusSeconds(60), 10, "node-3", later.plusSeconds(180))).stream()
                .filter(q -> q.id() == a).toList(), "and no sender takes it meanwhile");
        assertEquals(java.util.Optional.empty(), store.write(tx -> tx.claimOne(999_999, later, "node-4", later.plusSeconds(120))), "no such message");
    }

    @Test
    void aWebSessionIsFoundByItsKeyTouchedClosedAndExpired() {
        Instant t0 = Instant.ofEpochSecond(1_800_000_000);
        store.write(tx -> { tx.openWebSession("hash-1", new WebSessionRecord(7, "stamp", "csrf-1", t0)); return null; });
        store.write(tx -> { tx.openWebSession("hash-2", new WebSessionRecord(8, "stamp", "csrf-2", t0)); return null; });
        assertEquals(Optional.of(new WebSessionRecord(7, "stamp", "csrf-1", t0)), store.read(tx -> tx.webSession("hash-1")));
        assertEquals(Optional.empty(), store.read(tx -> tx.webSession("hash-3")));
        store.write(tx -> { tx.touchWebSession("hash-1", t0.plusSeconds(600)); return null; });
        assertEquals(t0.plusSeconds(600), store.read(tx -> tx.webSession("hash-1")).orElseThrow().lastUsed());
        assertEquals(1, (int) store.write(tx -> tx.expireWebSessions(t0.plusSeconds(300))), "the one unused since t0");
        assertEquals(Optional.empty(), store.read(tx -> tx.webSession("hash-2")));
        store.write(tx -> { tx.closeWebSession("hash-1"); return null; });
        assertEquals(Optional.empty(), store.read(tx -> tx.webSession("hash-1")), "signed out");
    }

    @Test
    void aLeaseHasOneHolderUntilReleasedOrItsTimeRunsOut() {
        Instant t0 = Instant.ofEpochSecond(1_800_000_000), until = t0.plusSeconds(120);
        assertTrue((boolean) store.write(tx -> tx.takeLease("pop3:7", "node-a", "a/1", t0, until)));
        assertFalse((boolean) store.write(tx -> tx.takeLease("pop3:7", "node-b", "b/1", t0, until)), "held by a/1");
        assertEquals(Optional.of("a/1"), store.read(tx -> tx.leaseHolder("pop3:7", t0)));
        assertTrue((boolean) store.write(tx -> tx.takeLease("pop3:7", "node-a", "a/1", t0, until.plusSeconds(60))), "the holder renews");
        assertTrue((boolean) store.write(tx -> tx.takeLease("pop3:8", "node-b", "b/1", t0, until)), "another name is another lease");
        store.write(tx -> { tx.releaseLease("pop3:7", "b/1"); return null; });
        assertFalse((boolean) store.write(tx -> tx.takeLease("pop3:7", "node-b", "b/2", t0, until)), "only the holder releases");
        store.write(tx -> { tx.releaseLease("pop3:7", "a/1"); return null; });
        assertEquals(Optional.empty(), store.read(tx -> tx.leaseHolder("pop3:7", t0)));
        assertTrue((boolean) store.write(tx -> tx.takeLease("pop3:7", "node-b", "b/2", t0, until)), "released, so free");

        assertTrue((boolean) store.write(tx -> tx.takeLease("sweep", "node-a", "a/9", t0, until)));
        assertEquals(1, (int) store.write(tx -> tx.renewLeases("node-a", until.plusSeconds(600))), "node-a's heartbeat renews what it holds");
        Instant later = until.plusSeconds(1);
        assertTrue((boolean) store.write(tx -> tx.takeLease("pop3:7", "node-a", "a/2", later, later.plusSeconds(60))),
                "node-b stopped renewing (it died): its lease ran out");
        assertFalse((boolean) store.write(tx -> tx.takeLease("sweep", "node-b", "b/3", later, later.plusSeconds(60))), "renewed by the heartbeat");
        assertEquals(2, (int) store.write(tx -> tx.releaseLeases("node-a")), "a node starting again drops what it held");
        assertEquals(Optional.empty(), store.read(tx -> tx.leaseHolder("sweep", later)));
    }

    @Test
    void theOutboundQueueKeepsItsBlobUntilEveryRecipientIsFinal() {
        Instant t0 = Instant.ofEpochSecond(1_800_000_000);
        long id = store.write(tx -> tx.enqueue("alice@example.org", "HDRS", "id+2B1", BLOB, 100,
                List.of(new QueueRecord.Target("x@Example.NET", "FAILURE,DELAY", "rfc822;x@Example.NET"), new QueueRecord.Target("y@example.com", null, null)), t0));
        assertEquals(true, store.read(tx -> tx.isReferenced(BLOB)), "a queued message keeps its bytes");
        QueueRecord q = store.read(tx -> tx.dueQueue(t0, 10)).getFirst();
        assertEquals(id, q.id());
        assertEquals(List.of("example.net", "example.com"), q.recipients().stream().map(QueueRecord.Recipient::domain).toList());
        assertEquals("HDRS", q.ret());
        assertEquals("id+2B1", q.envid());
        assertEquals("FAILURE,DELAY", q.recipients().get(0).notifyOn());
        assertEquals("rfc822;x@Example.NET", q.recipients().get(0).orcpt());
        assertEquals(null, q.recipients().get(1).notifyOn());
        long x = q.recipients().get(0).id(), y = q.recipients().get(1).id();
        store.write(tx -> { tx.recordAttempt(x, QueueRecord.State.QUEUED, t0.plusSeconds(300), "451 4.3.0 later"); return null; });
        store.write(tx -> { tx.recordAttempt(y, QueueRecord.State.DELIVERED, t0, "250 ok"); return null; });
        assertEquals(List.of(), store.read(tx -> tx.dueQueue(t0.plusSeconds(299), 10)), "x waits for its next attempt");
        QueueRecord later = store.read(tx -> tx.dueQueue(t0.plusSeconds(300), 10)).getFirst();
        assertEquals(1, later.recipients().get(0).attempts());
        assertEquals("451 4.3.0 later", later.recipients().get(0).lastReply());
        assertEquals(QueueRecord.State.DELIVERED, later.recipients().get(1).state());
        store.write(tx -> { tx.recordAttempt(x, QueueRecord.State.FAILED, t0.plusSeconds(300), "550 5.1.1 no"); return null; });
        assertEquals(List.of(), store.read(tx -> tx.queue(10)), "every recipient final: the message leaves the queue");
        assertEquals(List.of(BLOB), store.read(tx -> tx.orphanedBlobs(Instant.now().plusSeconds(1), 10)));
    }

    @Test
    void accountSettingsAreKeptReplacedAndRemovedWithTheAccount() {
        assertEquals(java.util.Optional.empty(), store.read(tx -> tx.accountSetting(alice.id(), "pop3.delete")));
        store.write(tx -> { tx.setAccountSetting(alice.id(), "pop3.delete", "trash"); return null; });
        store.write(tx -> { tx.setAccountSetting(alice.id(), "pop3.delete", "expunge"); return null; });
        assertEquals(java.util.Optional.of("expunge"), store.read(tx -> tx.accountSetting(alice.id(), "pop3.delete")));
        store.write(tx -> { tx.deleteAccount(alice.id()); return null; });
        assertEquals(java.util.Optional.empty(), store.read(tx -> tx.accountSetting(alice.id(), "pop3.delete")));
    }

    @Test
    void aDomainSignsWithOneDkimKeyAtATime() {
        Instant t = Instant.ofEpochMilli(1_800_000_000_000L);
        assertEquals(List.of(), store.read(tx -> tx.dkimKeys("example.org")));
        store.write(tx -> { tx.insertDkimKey(new DkimKeyRecord("example.org", "old", "rsa-sha256", "QUJD", t, true)); return null; });
        store.write(tx -> { tx.insertDkimKey(new DkimKeyRecord("example.org", "new", "ed25519-sha256", "REVG", t.plusSeconds(60), true)); return null; });
        store.write(tx -> { tx.insertDkimKey(new DkimKeyRecord("example.net", "x", "rsa-sha256", "R0hJ", t, true)); return null; });
        assertEquals(List.of(new DkimKeyRecord("example.org", "old", "rsa-sha256", "QUJD", t, false, t.plusSeconds(60)),
                        new DkimKeyRecord("example.org", "new", "ed25519-sha256", "REVG", t.plusSeconds(60), true)),
                store.read(tx -> tx.dkimKeys("example.org")), "the newer key signs; the older stays listed");
        assertEquals(true, store.write(tx -> tx.useDkimKey("example.org", "old", t.plusSeconds(120))));
        assertEquals(List.of(true, false), store.read(tx -> tx.dkimKeys("example.org")).stream().map(DkimKeyRecord::signing).toList());
        assertEquals(java.util.Arrays.asList(null, t.plusSeconds(120)), store.read(tx -> tx.dkimKeys("example.org")).stream().map(DkimKeyRecord::retired)
                .toList(), "the key that stopped signing is retired from then; the signing one is not");
        assertEquals(false, store.write(tx -> tx.useDkimKey("example.org", "gone", t)));
        assertEquals(true, store.write(tx -> tx.deleteDkimKey("example.org", "old")));
        assertEquals(false, store.write(tx -> tx.deleteDkimKey("example.org", "old")));
        assertEquals(List.of("new"), store.read(tx -> tx.dkimKeys("example.org")).stream().map(DkimKeyRecord::selector).toList());
        assertEquals(true, store.read(tx -> tx.dkimKeys("example.net")).getFirst().signing(), "another domain's key is its own");
    }

    @Test
    void mtaStsPoliciesAreReplacedAndTlsSessionsCountedPerDay() {
        Instant t = Instant.ofEpochMilli(1_800_000_000_000L);
        var first = new org.postiljon.mailbox.api.TransportSecurity.CachedPolicy("example.net", "a1", "version: STSv1\n", t, t.plusSeconds(60));
        var second = new org.postiljon.mailbox.api.TransportSecurity.CachedPolicy("example.net", "b2", "version: STSv1\nmode: none\n", t.plusSeconds(5),
                t.plusSeconds(600));
        assertEquals(java.util.Optional.empty(), store.read(tx -> tx.mtaStsPolicy("example.net")));
        store.write(tx -> { tx.putMtaStsPolicy(first); return null; });
        store.write(tx -> { tx.putMtaStsPolicy(second); return null; });
        assertEquals(java.util.Optional.of(second), store.read(tx -> tx.mtaStsPolicy("example.net")));

        java.time.LocalDate day = java.time.LocalDate.of(2026, 12, 1);
        var ok = new org.postiljon.mailbox.api.TransportSecurity.Tally(day, "example.net", "sts", "mx.example.net", "192.0.2.1", "", "p1", "", 1);
        var bad = new org.postiljon.mailbox.api.TransportSecurity.Tally(day, "example.net", "sts", "mx.example.net", "192.0.2.1",
                "certificate-expired", "p1", "first", 1);
        store.write(tx -> { tx.countTlsResult(ok); tx.countTlsResult(ok); tx.countTlsResult(bad); return null; });
        store.write(tx -> { tx.countTlsResult(new org.postiljon.mailbox.api.TransportSecurity.Tally(day, "example.net", "sts", "mx.example.net",
                "192.0.2.1", "certificate-expired", "p2", "second", 2)); return null; });
        store.write(tx -> { tx.countTlsResult(new org.postiljon.mailbox.api.TransportSecurity.Tally(day.plusDays(1), "example.net", "sts",
                "mx.example.net", "192.0.2.1", "", "p2", "", 1)); return null; });
        assertEquals(List.of(ok.withSessions(2), new org.postiljon.mailbox.api.TransportSecurity.Tally(day, "example.net", "sts", "mx.example.net",
                "192.0.2.1", "certificate-expired", "p2", "second", 3)), store.read(tx -> tx.tlsResultsBefore(day.plusDays(1).toEpochDay())),
                "counts add up; the last policy and detail are kept; the later day is not due");
        store.write(tx -> { tx.forgetTlsResults("example.net", day.toEpochDay()); return null; });
        assertEquals(1, store.read(tx -> tx.tlsResultsBefore(day.plusDays(2).toEpochDay())).size(), "only the later day is left");
    }

    @Test
    void dmarcOutcomesAreCountedPerKindAndDay() {
        java.time.LocalDate day = java.time.LocalDate.of(2026, 12, 1);
        var pass = new org.postiljon.mailbox.api.TransportSecurity.DmarcTally(day, "example.org", "example.org", "192.0.2.1", "none", true, true,
                "example.org s1 pass", "example.org mfrom pass", "p=reject; sp=reject; adkim=r; aspf=r; pct=100", 1);
        var fail = new org.postiljon.mailbox.api.TransportSecurity.DmarcTally(day, "example.org", "example.org", "198.51.100.7", "reject", false,
                false, "", "example.org mfrom fail", "p=reject; sp=reject; adkim=r; aspf=r; pct=100", 1);
        store.write(tx -> { tx.countDmarcResult(pass); tx.countDmarcResult(pass); tx.countDmarcResult(fail); return null; });
        assertEquals(List.of(new org.postiljon.mailbox.api.TransportSecurity.DmarcTally(day, "example.org", "example.org", "192.0.2.1", "none",
                true, true, "example.org s1 pass", "example.org mfrom pass", "p=reject; sp=reject; adkim=r; aspf=r; pct=100", 2), fail),
                store.read(tx -> tx.dmarcResultsBefore(day.plusDays(1).toEpochDay())));
        assertEquals(List.of(), store.read(tx -> tx.dmarcResultsBefore(day.toEpochDay())), "the day is not over before it");
        store.write(tx -> { tx.forgetDmarcResults("example.org", day.toEpochDay()); return null; });
        assertEquals(List.of(), store.read(tx -> tx.dmarcResultsBefore(day.plusDays(1).toEpochDay())));
    }

    @Test
    void keysAreReadWithOrWithoutTheCachedParse() {
        Mailbox m = mailbox("INBOX");
        append(m, Flags.NONE);
        append(m, Flags.NONE);
        var full = store.read(tx -> tx.keys(m.id(), UidSet.ALL, true));
        var lean = store.read(tx -> tx.keys(m.id(), UidSet.of(2), false));
        assertEquals(List.of(1L, 2L), List.copyOf(full.keySet()));
        assertEquals(STRUCTURE, full.get(2L).parse(), "the structure reads back as it was stored, value for value");
        assertEquals(java.util.Optional.of(STRUCTURE), store.read(tx -> tx.parseOf(BLOB)));
        assertEquals(List.of(2L), List.copyOf(lean.keySet()));
        assertEquals(null, lean.get(2L).parse());
        assertEquals("A <a@x>", lean.get(2L).fromText());
        assertEquals("<id@x>", lean.get(2L).messageId());
    }

    @Test
    void copySharesTheBlobAndKeysAndDeletingTheLastReferenceOrphansIt() {
        Mailbox a = mailbox("A");
        Mailbox b = mailbox("B");
        MessageInfo m = append(a, Flags.of(Flags.FLAGGED));
        MessageInfo copy = store.write(tx -> tx.copyMessage(m, b.id(), tx.nextModSeq(alice.id()), Instant.now(), m.flags()));
        assertEquals(m.blobId(), copy.blobId());
        assertEquals(Flags.of(Flags.FLAGGED), copy.flags());
        assertEquals("<id@x>", store.read(tx -> tx.keys(b.id(), copy.uid())).orElseThrow().messageId());
        store.write(tx -> { tx.deleteMessages(a.id(), List.of(m.uid()), tx.nextModSeq(alice.id())); return null; });
        assertTrue(store.read(tx -> tx.orphanedBlobs(Instant.now().plusSeconds(1), 10)).isEmpty(), "still referenced by the copy");
        store.write(tx -> { tx.deleteMessages(b.id(), List.of(copy.uid()), tx.nextModSeq(alice.id())); return null; });
        assertEquals(List.of(BLOB), store.read(tx -> tx.orphanedBlobs(Instant.now().plusSeconds(1), 10)));
        assertFalse((boolean) store.read(tx -> tx.isReferenced(BLOB)));
        append(a, Flags.NONE);
        // A new reference leaves the note (a delivery spends no statement on it); the sweeper checks for references first.
        assertTrue((boolean) store.read(tx -> tx.isReferenced(BLOB)), "a new reference is seen by the sweeper");
    }

    @Test
    void aliasesAndCatchAll() {
        store.write(tx -> {
            tx.insertAlias(new Alias(AliasSource.parse("info@example.org"), EmailAddress.parse("alice@example.org")));
            tx.insertAlias(new Alias(AliasSource.parse("@example.org"), EmailAddress.parse("alice@example.org")));
            return null;
        });
        assertEquals(List.of(EmailAddress.parse("alice@example.org")), store.read(tx -> tx.aliasTargets(AliasSource.parse("@example.org"))));
        assertEquals(2, store.read(tx -> tx.aliases(Optional.of(DomainName.of("example.org")))).size());
        assertThrows(MailboxException.AliasExists.class, () -> store.write(tx -> {
            tx.insertAlias(new Alias(AliasSource.parse("info@example.org"), EmailAddress.parse("alice@example.org")));
            return null;
        }));
    }

    @Test
    void aFailingWriteRollsBackOnlyItselfEvenWhenGroupedWithOthers() throws Exception {
        Mailbox m = mailbox("INBOX");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                boolean fail = i % 3 == 0;
                results.add(pool.submit((Callable<Object>) () -> store.write(tx -> {
                    MessageInfo info = tx.insertMessage(m.id(), tx.nextModSeq(alice.id()), Flags.NONE, Instant.now(), Instant.now(), 1, BLOB, KEYS);
                    if (fail) throw new IllegalStateException("boom");
                    return info;
                })));
            }
            int failed = 0;
            java.util.Set<Long> told = new java.util.TreeSet<>();
            for (Future<?> f : results) {
                try {
                    told.add(((MessageInfo) f.get()).uid());
                } catch (java.util.concurrent.ExecutionException e) {
                    assertEquals("boom", e.getCause().getMessage());
                    failed++;
                }
            }
            assertEquals(67, failed);
            // What each caller was told is what committed (a group that ran again tells the second run's result).
            assertEquals(told, store.read(tx -> tx.messages(m.id(), UidSet.ALL)).stream().map(MessageInfo::uid)
                    .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)));
        } finally {
            pool.shutdown();
        }
        List<MessageInfo> all = store.read(tx -> tx.messages(m.id(), UidSet.ALL));
        assertEquals(133, all.size());
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i).uid() > all.get(i - 1).uid());
            assertTrue(all.get(i).modSeq() != all.get(i - 1).modSeq());
        }
    }

    @Test
    void dataSurvivesReopening() throws Exception {
        Mailbox m = mailbox("Keep");
        append(m, Flags.of(Flags.SEEN));
        store.close();
        store = open(dir);
        Mailbox again = store.read(tx -> tx.mailbox(alice.id(), MailboxName.of("Keep"))).orElseThrow();
        assertEquals(m.uidValidity(), again.uidValidity());
        assertEquals(2, again.uidNext());
        assertFalse(store.read(tx -> tx.messages(again.id(), UidSet.ALL)).isEmpty());
    }
}
