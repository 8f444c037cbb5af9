package org.postiljon.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.AccountSetting;
import org.postiljon.mailbox.api.AliasSource;
import org.postiljon.mailbox.api.Deliveries;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.QuotaLimits;
import org.postiljon.mailbox.api.UidSet;

/** Routing and local delivery, the one implementation SMTP and JMAP submission share. */
class DeliveriesTest {

    @TempDir
    Path dir;

    @Test
    void routesAccountsAliasesSubaddressesAndPostmaster() throws IOException {
        try (TestModels t = new TestModels(dir)) {
            Account alice = t.account("alice@example.org");
            Account bob = t.account("bob@example.org");
            var directory = t.model.directory();
            directory.addAlias(AliasSource.parse("team@example.org"), EmailAddress.parse("alice@example.org"));
            directory.addAlias(AliasSource.parse("team@example.org"), EmailAddress.parse("bob@example.org"));
            t.model.mailboxes().create(alice, MailboxName.of("lists"), java.util.Set.of());
            Deliveries d = t.model.deliveries("mx.example.org", null);

            assertEquals(List.of(alice), d.route(EmailAddress.parse("Alice@example.org")).orElseThrow().accounts());
            assertEquals(List.of(alice, bob), d.route(EmailAddress.parse("team@example.org")).orElseThrow().accounts());
            assertTrue(d.route(EmailAddress.parse("nobody@example.org")).isEmpty());
            // RFC 5233: +tag reaches the user; its folder when it exists (never a new one) and the user did not opt out.
            assertEquals(MailboxName.of("lists"), d.route(EmailAddress.parse("alice+lists@example.org")).orElseThrow().folder());
            assertEquals(MailboxName.INBOX, d.route(EmailAddress.parse("alice+nofolder@example.org")).orElseThrow().folder());
            directory.setSetting(EmailAddress.parse("alice@example.org"), AccountSetting.SUBADDRESS_FOLDER, "off");
            assertEquals(MailboxName.INBOX, d.route(EmailAddress.parse("alice+lists@example.org")).orElseThrow().folder());
            assertEquals(List.of(alice), d.route(EmailAddress.parse("alice+lists@example.org")).orElseThrow().accounts());
            // RFC 5321 §4.5.1: postmaster@ a local domain is accepted; a bare "postmaster" gets the host's domain.
            assertEquals(List.of(alice), d.route(EmailAddress.parse("postmaster@example.org")).orElseThrow().accounts());
            assertEquals(EmailAddress.parse("postmaster@example.org"), d.postmaster().orElseThrow());
        }
    }

    @Test
    void oneContentForEveryRecipientEachWithItsOwnTrace() throws IOException {
        try (TestModels t = new TestModels(dir)) {
            Account alice = t.account("alice@example.org");
            Account bob = t.account("bob@example.org");
            t.model.directory().addAlias(AliasSource.parse("both@example.org"), EmailAddress.parse("alice@example.org"));
            t.model.directory().addAlias(AliasSource.parse("both@example.org"), EmailAddress.parse("bob@example.org"));
            Deliveries d = t.model.deliveries("mx.example.org", null);
            AtomicInteger opened = new AtomicInteger();
            byte[] message = TestModels.message("shared").getBytes(StandardCharsets.UTF_8);
            try (Deliveries.Batch b = d.begin("carol@example.net", new Deliveries.Via("from client ([192.0.2.1])", "ESMTP"), () -> {
                opened.incrementAndGet();
                return new ByteArrayInputStream(message);
            })) {
                b.deliver("alice@example.org", d.route(EmailAddress.parse("alice@example.org")).orElseThrow());
                b.deliver("both@example.org", d.route(EmailAddress.parse("both@example.org")).orElseThrow());
                assertEquals(2, b.delivered(), "alice got it once although two recipients lead to her");
            }
            assertEquals(1, opened.get(), "the content is read once");
            MessageInfo a = t.model.messages().list(alice, MailboxName.INBOX, UidSet.ALL).getFirst();
            MessageInfo o = t.model.messages().list(bob, MailboxName.INBOX, UidSet.ALL).getFirst();
            assertEquals(a.blobId(), o.blobId(), "one stored content");
            String bobs = new String(t.model.messages().open(bob, MailboxName.INBOX, o.uid()).readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(bobs.startsWith("Return-Path: <carol@example.net>\r\nDelivered-To: both@example.org\r\nReceived: from client ([192.0.2.1])\r\n\tby mx.example.org (Postiljon) with ESMTP id "), bobs);
            assertTrue(bobs.contains("\r\n\tfor <both@example.org>;\r\n\t") && bobs.endsWith(new String(message, StandardCharsets.UTF_8)), bobs);
        }
    }

    @Test
    void aFullMailboxRefusesOnlyItsRecipientAndUntakenContentIsGivenUp() throws IOException {
        try (TestModels t = new TestModels(dir)) {
            t.model.directory().addDomain(org.postiljon.mailbox.api.DomainName.of("example.org"));
            Account tiny = t.model.directory().addAccount(EmailAddress.parse("tiny@example.org"), "correct horse battery".toCharArray(), new QuotaLimits(java.util.OptionalLong.of(10), java.util.OptionalLong.empty()));
            Deliveries d = t.model.deliveries("mx.example.org", null);
            byte[] message = TestModels.message("big").getBytes(StandardCharsets.UTF_8);
            try (Deliveries.Batch b = d.begin("", new Deliveries.Via(null, "HTTPS"), () -> new ByteArrayInputStream(message))) {
                var route = d.route(EmailAddress.parse("tiny@example.org")).orElseThrow();
                assertThrows(org.postiljon.mailbox.api.MailboxException.OverQuota.class, () -> b.deliver("tiny@example.org", route));
                assertEquals(0, b.delivered());
            }
            assertEquals(0, t.model.messages().list(tiny, MailboxName.INBOX, UidSet.ALL).size());
        }
    }
}
