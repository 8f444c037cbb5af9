package org.postiljon.mailbox;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.AppendResult;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.QuotaLimits;
import org.postiljon.store.embedded.EmbeddedStore;

/** A mailbox model over a real embedded store in a temporary directory. */
final class TestModels implements AutoCloseable {

    /** Cheap hashing so tests that create many accounts stay fast; one test checks the real cost. */
    static final Passwords FAST = new Passwords(256, 1, 1);

    final EmbeddedStore store;
    final MailboxModel model;

    TestModels(Path dir) throws IOException {
        this(dir, java.time.Clock.systemUTC());
    }

    TestModels(Path dir, java.time.Clock clock) throws IOException {
        store = EmbeddedStore.open(dir);
        model = MailboxModel.over(store.metadata(), store.blobs(), store.index(), new InProcessChangeBus(), MailboxLimits.DEFAULT, FAST,
                java.util.Set.of(), clock);
    }

    Account account(String address) {
        EmailAddress a = EmailAddress.parse(address);
        if (!model.directory().isLocal(a.domain())) model.directory().addDomain(DomainName.of(a.domain().ascii()));
        return model.directory().addAccount(a, "correct horse battery".toCharArray(), QuotaLimits.UNLIMITED);
    }

    AppendResult append(Account account, String mailbox, String message, Flags flags) {
        return model.messages().append(account, MailboxName.of(mailbox),
                new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)), flags, Instant.parse("2026-11-01T12:00:00Z"));
    }

    static String message(String subject) {
        return "From: Bob <bob@example.org>\r\nTo: alice@example.org\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + subject.hashCode() + "@example.org>\r\n\r\nHello " + subject + "\r\n";
    }

    @Override
    public void close() {
        store.close();
    }
}
