package org.postiljon.mailbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.AppendResult;
import org.postiljon.mailbox.api.Change;
import org.postiljon.mailbox.api.CopyResult;
import org.postiljon.mailbox.api.Directory;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.FlagUpdate;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.Scram;
import org.postiljon.mailbox.api.SpecialUse;
import org.postiljon.mailbox.api.UidSet;

class MailboxModelTest {

    @TempDir
    Path dir;
    TestModels t;
    MailboxModel m;
    Account alice;

    @BeforeEach
    void setUp() throws Exception {
        t = new TestModels(dir);
        m = t.model;
        alice = t.account("alice@example.org");
    }

    @AfterEach
    void tearDown() {
        t.close();
    }

    private static MailboxName n(String s) {
        return MailboxName.of(s);
    }

    @Test
    void newAccountHasTheStandardFoldersSubscribedWithSpecialUse() {
        List<Mailbox> boxes = m.mailboxes().list(alice);
        assertEquals(List.of("Archive", "Drafts", "INBOX", "Junk", "Sent", "Trash"), boxes.stream().map(b -> b.name().path()).toList());
        assertEquals(Optional.of(SpecialUse.TRASH), m.mailboxes().get(alice, n("Trash")).specialUse());
        assertEquals(6, m.mailboxes().subscriptions(alice).size());
    }

    /**
     * Delivery rules are shared for a second (SharedDirectoryReads), and every change made through
     * this node's services is met by the next read: a spam training, a vacation response, an
     * account's and a domain's setting.
     */
    @Test
    void deliveryRulesMeetEveryChangeMadeThroughThisNodeAtOnce() {
        var domain = org.postiljon.mailbox.api.DomainName.of("example.org");
        var spamMode = org.postiljon.mailbox.api.AccountSetting.SPAM_MODE;
        var threshold = org.postiljon.mailbox.api.AccountSetting.SPAM_THRESHOLD;
        t.append(alice, "INBOX", TestModels.message("cheap pills"), Flags.NONE);
        Directory.DeliveryRules before = m.directory().deliveryRules(alice);
        assertEquals(0, before.spamTrained());
        assertFalse(before.vacation().enabled());
        assertEquals(before, m.directory().deliveryRules(alice), "remembered");

        var blob = m.messages().list(alice, MailboxName.INBOX, UidSet.ALL).getFirst().blobId();
        assertTrue(m.spam().train(alice, blob, true));
        assertEquals(1, m.directory().deliveryRules(alice).spamTrained(), "a training is met at once");

        m.vacations().set(alice, new org.postiljon.mailbox.api.Vacation(true, null, null, "Away", "away", null));
        assertTrue(m.directory().deliveryRules(alice).vacation().enabled(), "a vacation response is met at once");

        m.directory().setSetting(alice.address(), spamMode, "mark");
        assertEquals("mark", m.directory().deliveryRules(alice).settings().get(spamMode), "an account's setting is met at once");

        assertEquals("5", before.settings().get(threshold));
        m.directory().setDomainSetting(domain, threshold, "7");
        assertEquals("7", m.directory().deliveryRules(alice).settings().get(threshold), "a domain's default is met at once");
    }

    @Test
    void appendStoresCrlfBytesParsesOnceAndPublishesAfterCommit() throws Exception {
        List<Change> seen = new CopyOnWriteArrayList<>();
        List<Long> visibleWhenPublished = new CopyOnWriteArrayList<>();
        m.changes().subscribe(alice.id(), c -> {
            seen.add(c);
            visibleWhenPublished.add((long) m.messages().list(alice, MailboxName.INBOX, UidSet.ALL).size());
        });
        AppendResult r = m.messages().append(alice, MailboxName.INBOX,
                new ByteArrayInputStream("Subject: Re: [list] hi\nFrom: Bob <bob@example.org>\n\nline\n".getBytes(StandardCharsets.UTF_8)),
                Flags.of(Flags.SEEN), Instant.parse("2026-01-01T00:00:00Z"));
        assertEquals(1, r.uid());
        assertEquals(m.mailboxes().get(alice, MailboxName.INBOX).uidValidity(), r.uidValidity());
        byte[] crlf = "Subject: Re: [list] hi\r\nFrom: Bob <bob@example.org>\r\n\r\nline\r\n".getBytes(StandardCharsets.UTF_8);
        try (InputStream in = m.messages().open(alice, MailboxName.INBOX, 1)) {
            assertArrayEquals(crlf, in.readAllBytes());
        }
        MessageInfo info = m.messages().list(alice, MailboxName.INBOX, UidSet.ALL).getFirst();
        assertEquals(crlf.length, info.size(), "the size counts the CRLFs that are sent");
        assertEquals(Flags.of(Flags.SEEN), info.flags());
        var keys = m.messages().keys(alice, MailboxName.INBOX, 1);
        assertEquals("HI", keys.baseSubject(), "sort keys are i;unicode-casemap keys (title case)");
        assertEquals("BOB", keys.sortFrom());
        assertEquals("line", keys.preview());
        assertEquals("Re: [list] hi", keys.parse().envelope().subject());
        assertInstanceOf(Change.MessageAdded.class, seen.getFirst());
        assertEquals(List.of(1L), visibleWhenPublished, "the listener already sees the committed message");
    }

    @Test
    void appendToAMissingMailboxFailsClearly() {
        var e = assertThrows(MailboxException.NoSuchMailbox.class, () -> t.append(alice, "Nope", TestModels.message("x"), Flags.NONE));
        assertEquals("no such mailbox: Nope", e.getMessage());
    }

    @Test
    void tooLargeMessageIsRefusedAndLeavesNothing() throws Exception {
        TestModels small = new TestModels(dir.resolve("small"));
        try (small) {
            MailboxModel tiny = MailboxModel.over(small.store.metadata(), small.store.blobs(), new InProcessChangeBus(),
                    new MailboxLimits(100), TestModels.FAST);
            Account a = small.account("bob@example.org");
            assertThrows(MailboxException.TooBig.class, () -> tiny.messages().append(a, MailboxName.INBOX,
                    new ByteArrayInputStream(new byte[101]), Flags.NONE, Instant.now()));
            assertTrue(tiny.messages().list(a, MailboxName.INBOX, UidSet.ALL).isEmpty());
        }
    }

    @Test
    void copySharesBytesKeepsFlagsAndReportsUidPairs() {
        t.append(alice, "INBOX", TestModels.message("one"), Flags.of(Flags.FLAGGED));
        t.append(alice, "INBOX", TestModels.message("two"), Flags.NONE);
        t.append(alice, "Archive", TestModels.message("old"), Flags.NONE);
        CopyResult r = m.messages().copy(alice, MailboxName.INBOX, UidSet.range(1, 2), n("Archive"));
        assertEquals(List.of(1L, 2L), r.sourceUids());
        assertEquals(List.of(2L, 3L), r.destinationUids());
        List<MessageInfo> archive = m.messages().list(alice, n("Archive"), UidSet.ALL);
        List<MessageInfo> inbox = m.messages().list(alice, MailboxName.INBOX, UidSet.ALL);
        assertEquals(inbox.get(0).blobId(), archive.get(1).blobId());
        assertEquals(Flags.of(Flags.FLAGGED), archive.get(1).flags());
        assertEquals(2, inbox.size(), "copy leaves the source");
    }

    @Test
    void moveIsAtomicAndTellsBothSides() {
        t.append(alice, "INBOX", TestModels.message("one"), Flags.NONE);
        List<Change> seen = new CopyOnWriteArrayList<>();
        m.changes().subscribe(alice.id(), seen::add);
        CopyResult r = m.messages().move(alice, MailboxName.INBOX, UidSet.ALL, n("Trash"));
        assertEquals(List.of(1L), r.destinationUids());
        assertTrue(m.messages().list(alice, MailboxName.INBOX, UidSet.ALL).isEmpty());
        assertEquals(1, m.messages().list(alice, n("Trash"), UidSet.ALL).size());
        assertEquals(2, seen.size());
        assertEquals(seen.get(0).modSeq(), seen.get(1).modSeq(), "one operation, one MODSEQ");
        assertThrows(MailboxException.NoSuchMailbox.class, () -> m.messages().move(alice, n("Trash"), UidSet.ALL, n("Nowhere")));
        assertEquals(1, m.messages().list(alice, n("Trash"), UidSet.ALL).size(), "a failed move moves nothing");
    }

    @Test
    void storeChangesOnlyWhatDiffersAndExpungeRemovesOnlyDeleted() {
        for (int i = 0; i < 3; i++) t.append(alice, "INBOX", TestModels.message("m" + i), Flags.NONE);
        List<MessageInfo> changed = m.messages().store(alice, MailboxName.INBOX, UidSet.range(1, 2), new FlagUpdate(FlagUpdate.Mode.ADD, Flags.of(Flags.DELETED)));
        assertEquals(2, changed.size());
        assertTrue(m.messages().store(alice, MailboxName.INBOX, UidSet.range(1, 2), new FlagUpdate(FlagUpdate.Mode.ADD, Flags.of(Flags.DELETED))).isEmpty());
        assertEquals(List.of(2L), m.messages().expunge(alice, MailboxName.INBOX, UidSet.of(2, 3)), "only within the UID set");
        assertEquals(List.of(1L), m.messages().expunge(alice, MailboxName.INBOX, UidSet.ALL));
        assertEquals(List.of(3L), m.messages().list(alice, MailboxName.INBOX, UidSet.ALL).stream().map(MessageInfo::uid).toList());
        assertEquals(4, m.mailboxes().get(alice, MailboxName.INBOX).uidNext(), "UIDs are not reused");
    }

    @Test
    void createMakesParentsAndRefusesDuplicatesAndBadNames() {
        m.mailboxes().create(alice, n("Projects/2026/Q4"), Set.of());
        assertTrue(m.mailboxes().find(alice, n("Projects/2026")).isPresent());
        assertThrows(MailboxException.MailboxExists.class, () -> m.mailboxes().create(alice, n("projects/2026/Q4".replace("p", "P")), Set.of()));
        assertThrows(MailboxException.MailboxExists.class, () -> m.mailboxes().create(alice, n("inbox"), Set.of()));
        for (String bad : List.of("a//b", "/a", " a", "a /b", "a*", "b%", "x\u0001")) {
            assertThrows(MailboxException.InvalidName.class, () -> MailboxName.of(bad), bad);
        }
    }

    @Test
    void renameMovesTheSubtreeAndSubscriptions() {
        m.mailboxes().create(alice, n("Work/Clients/ACME"), Set.of());
        m.mailboxes().subscribe(alice, n("Work/Clients"));
        Mailbox before = m.mailboxes().get(alice, n("Work/Clients/ACME"));
        m.mailboxes().rename(alice, n("Work"), n("Job"));
        assertTrue(m.mailboxes().find(alice, n("Work")).isEmpty());
        Mailbox after = m.mailboxes().get(alice, n("Job/Clients/ACME"));
        assertEquals(before.uidValidity(), after.uidValidity(), "a rename keeps UIDVALIDITY");
        assertTrue(m.mailboxes().subscriptions(alice).contains(n("Job/Clients")));
        assertFalse(m.mailboxes().subscriptions(alice).contains(n("Work/Clients")));
        assertThrows(MailboxException.NotAllowed.class, () -> m.mailboxes().rename(alice, n("Job"), n("Job/Inner")));
        assertThrows(MailboxException.MailboxExists.class, () -> m.mailboxes().rename(alice, n("Job"), n("Trash")));
    }

    @Test
    void renamingInboxMovesItsMessagesAndLeavesItEmpty() {
        t.append(alice, "INBOX", TestModels.message("keep"), Flags.NONE);
        m.mailboxes().rename(alice, MailboxName.INBOX, n("Old Inbox"));
        assertTrue(m.messages().list(alice, MailboxName.INBOX, UidSet.ALL).isEmpty());
        assertEquals(1, m.messages().list(alice, n("Old Inbox"), UidSet.ALL).size());
    }

    @Test
    void deleteRefusesInboxAndNewMailboxOfSameNameGetsNewUidValidity() {
        assertThrows(MailboxException.NotAllowed.class, () -> m.mailboxes().delete(alice, MailboxName.INBOX));
        Mailbox first = m.mailboxes().create(alice, n("Temp"), Set.of());
        t.append(alice, "Temp", TestModels.message("t"), Flags.NONE);
        m.mailboxes().delete(alice, n("Temp"));
        Mailbox second = m.mailboxes().create(alice, n("Temp"), Set.of());
        assertNotEquals(first.uidValidity(), second.uidValidity());
        assertEquals(0, m.mailboxes().status(alice, n("Temp")).messages());
    }

    @Test
    void sweeperDeletesFilesOnlyOnceUnreferenced() {
        t.append(alice, "INBOX", TestModels.message("gone"), Flags.of(Flags.DELETED));
        MessageInfo info = m.messages().list(alice, MailboxName.INBOX, UidSet.ALL).getFirst();
        m.messages().copy(alice, MailboxName.INBOX, UidSet.ALL, n("Archive"));
        m.messages().expunge(alice, MailboxName.INBOX, UidSet.ALL);
        assertEquals(0, m.sweeper().sweep(java.time.Duration.ofSeconds(-5)), "the copy still refers to it");
        m.messages().store(alice, n("Archive"), UidSet.ALL, new FlagUpdate(FlagUpdate.Mode.ADD, Flags.of(Flags.DELETED)));
        m.messages().expunge(alice, n("Archive"), UidSet.ALL);
        assertTrue(t.store.blobs().exists(info.blobId()));
        assertEquals(1, m.sweeper().sweep(java.time.Duration.ofSeconds(-5)));
        assertFalse(t.store.blobs().exists(info.blobId()));
    }

    @Test
    void stagedMessagesThatAreNeverAppendedAreSwept() {
        var kept = m.messages().stage(new ByteArrayInputStream(TestModels.message("kept").getBytes(StandardCharsets.UTF_8)), Flags.NONE, Instant.now());
        var dropped = m.messages().stage(new ByteArrayInputStream(TestModels.message("dropped").getBytes(StandardCharsets.UTF_8)), Flags.NONE, Instant.now());
        var failed = m.messages().stage(new ByteArrayInputStream(TestModels.message("failed").getBytes(StandardCharsets.UTF_8)), Flags.NONE, Instant.now());
        m.messages().appendAll(alice, MailboxName.INBOX, List.of(kept));
        m.messages().discard(List.of(dropped, kept)); // kept is referenced by now: it must survive
        assertThrows(MailboxException.NoSuchMailbox.class, () -> m.messages().appendAll(alice, n("Nowhere"), List.of(failed)));
        assertEquals(2, m.sweeper().sweep(java.time.Duration.ofSeconds(-5)));
        assertTrue(t.store.blobs().exists(kept.blob()));
        assertFalse(t.store.blobs().exists(dropped.blob()));
        assertFalse(t.store.blobs().exists(failed.blob()));
    }

    @Test
    void openReadsWhatSelectShowsAtOnce() {
        long first = t.append(alice, "INBOX", TestModels.message("read"), Flags.of(Flags.SEEN)).uid();
        long second = t.append(alice, "INBOX", TestModels.message("unread"), Flags.of("$Work")).uid();
        var opened = m.messages().open(alice, MailboxName.INBOX, true);
        assertEquals(m.mailboxes().get(alice, MailboxName.INBOX), opened.mailbox());
        assertTrue(opened.rights().has('r') && opened.rights().has('a'), "the owner has every right");
        assertArrayEquals(new long[] {first, second}, opened.uids());
        assertEquals(new java.util.TreeSet<>(List.of("$Work")), opened.keywords());
        assertEquals(second, opened.firstUnseen());
        assertEquals(0, m.messages().open(alice, MailboxName.INBOX, false).firstUnseen(), "not asked for");
        assertThrows(MailboxException.NoSuchMailbox.class, () -> m.messages().open(alice, n("Nowhere"), true));
    }

    @Test
    void directoryResolvesAccountsAliasesAndCatchAll() {
        var d = m.directory();
        EmailAddress aliceAddr = EmailAddress.parse("alice@example.org");
        d.addAlias(org.postiljon.mailbox.api.AliasSource.parse("sales@example.org"), aliceAddr);
        d.addAlias(org.postiljon.mailbox.api.AliasSource.parse("fwd@example.org"), EmailAddress.parse("someone@elsewhere.test"));
        var alice = d.find(aliceAddr).orElseThrow();
        var toAlice = new Directory.Targets(true, List.of(alice), List.of());
        var nowhere = new Directory.Targets(true, List.of(), List.of());
        assertEquals(toAlice, d.targets(EmailAddress.parse("ALICE@Example.ORG")));
        assertEquals(toAlice, d.targets(EmailAddress.parse("sales@example.org")));
        assertEquals(new Directory.Targets(true, List.of(), List.of(EmailAddress.parse("someone@elsewhere.test"))), d.targets(EmailAddress.parse("fwd@example.org")));
        assertEquals(nowhere, d.targets(EmailAddress.parse("nobody@example.org")));
        assertEquals(new Directory.Targets(false, List.of(), List.of()), d.targets(EmailAddress.parse("alice@elsewhere.test")), "not a local domain");
        d.addAlias(org.postiljon.mailbox.api.AliasSource.parse("team@example.org"), aliceAddr);
        d.addAlias(org.postiljon.mailbox.api.AliasSource.parse("team@example.org"), EmailAddress.parse("someone@elsewhere.test"));
        assertEquals(new Directory.Targets(true, List.of(alice), List.of(EmailAddress.parse("someone@elsewhere.test"))), d.targets(EmailAddress.parse("team@example.org")));
        d.addAlias(org.postiljon.mailbox.api.AliasSource.parse("@example.org"), aliceAddr);
        assertEquals(toAlice, d.targets(EmailAddress.parse("nobody@example.org")));
        assertThrows(MailboxException.NoSuchAccount.class,
                () -> d.addAlias(org.postiljon.mailbox.api.AliasSource.parse("x@example.org"), EmailAddress.parse("ghost@example.org")));
        assertThrows(MailboxException.AccountExists.class,
                () -> d.addAlias(org.postiljon.mailbox.api.AliasSource.parse("alice@example.org"), EmailAddress.parse("someone@elsewhere.test")));
    }

    @Test
    void authenticationChecksArgon2idAndKeepsScramSecret() throws Exception {
        TestModels real = new TestModels(dir.resolve("real"));
        try (real) {
            MailboxModel rm = MailboxModel.over(real.store.metadata(), real.store.blobs(), new InProcessChangeBus(), MailboxLimits.DEFAULT, Passwords.DEFAULT);
            rm.directory().addDomain(org.postiljon.mailbox.api.DomainName.of("example.org"));
            rm.directory().addAccount(EmailAddress.parse("bob@example.org"), "s3cret-passw0rd".toCharArray(), org.postiljon.mailbox.api.QuotaLimits.UNLIMITED);
            assertTrue(rm.directory().authenticate("Bob@Example.org", "s3cret-passw0rd".toCharArray()).isPresent());
            assertTrue(rm.directory().authenticate("bob@example.org", "wrong".toCharArray()).isEmpty());
            assertTrue(rm.directory().authenticate("nobody@example.org", "s3cret-passw0rd".toCharArray()).isEmpty());
            assertTrue(rm.directory().authenticate("not an address", "x".toCharArray()).isEmpty());
            var scram = rm.directory().scramSecret("bob@example.org").orElseThrow();
            byte[] salted = Scram.saltedPassword("s3cret-passw0rd".toCharArray(), scram.salt(), scram.iterations());
            assertArrayEquals(scram.storedKey(), Scram.sha256(Scram.hmac(salted, "Client Key")));
            assertThrows(MailboxException.InvalidName.class,
                    () -> rm.directory().setPassword(EmailAddress.parse("bob@example.org"), "short".toCharArray()));
        }
    }
}
