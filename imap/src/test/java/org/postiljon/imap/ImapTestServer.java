package org.postiljon.imap;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.postiljon.imap.server.ImapServer;
import org.postiljon.imap.server.ImapServices;
import org.postiljon.imap.server.RecentTracker;
import org.postiljon.imap.wire.ImapLimits;
import org.postiljon.mailbox.MailboxLimits;
import org.postiljon.mailbox.MailboxModel;
import org.postiljon.mailbox.Passwords;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.QuotaLimits;
import org.postiljon.net.AuthThrottle;
import org.postiljon.net.Listener;
import org.postiljon.net.Sasl;
import org.postiljon.net.Tls;
import org.postiljon.store.postgres.TestStore;

/** A real IMAP server on free loopback ports over a real store (embedded, or PostgreSQL: TestStore). */
final class ImapTestServer implements AutoCloseable {

    static final String PASSWORD = "correct horse battery";
    /** May SETQUOTA (the server's admin.accounts). */
    static final String ADMIN = "admin@example.org";

    final TestStore store;
    final MailboxModel model;
    final Tls tls;
    final Listener plain;
    final Listener implicitTls;

    ImapTestServer(Path dir, ImapLimits limits, boolean plaintextOnLoopback) throws IOException {
        store = TestStore.open(dir.resolve("data"));
        model = MailboxModel.over(store.metadata(), store.blobs(), store.index(), store.bus(), MailboxLimits.DEFAULT, new Passwords(256, 1, 1),
                java.util.Set.of(EmailAddress.parse(ADMIN)), Clock.systemUTC());
        model.directory().addDomain(DomainName.of("example.org"));
        tls = Tls.generateSelfSigned(dir.resolve("tls"), "localhost");
        AuthThrottle throttle = new AuthThrottle(new AuthThrottle.Options(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofMinutes(1), 1000, 1000), Clock.systemUTC());
        ImapServices services = new ImapServices(model.directory(), model.mailboxes(), model.messages(), model.changes(), tls,
                new Sasl(model.directory()), throttle, limits, plaintextOnLoopback, new RecentTracker(),
                new org.postiljon.mime.ParseCache(1000), model.quotas(), model.acl());
        ImapServer server = new ImapServer(services);
        Listener.Options options = new Listener.Options(50, 1000, Duration.ofSeconds(2));
        plain = Listener.start("imap", new InetSocketAddress("127.0.0.1", 0), null, server, options);
        implicitTls = Listener.start("imaps", new InetSocketAddress("127.0.0.1", 0), tls, server, options);
    }

    ImapTestServer(Path dir) throws IOException {
        this(dir, ImapLimits.DEFAULT, true);
    }

    Account account(String address) {
        return model.directory().addAccount(EmailAddress.parse(address), PASSWORD.toCharArray(), QuotaLimits.UNLIMITED);
    }

    /** Appends a message of exactly {@code size} octets through the mailbox model. */
    void append(Account a, String mailbox, int size) {
        String head = "Subject: filler\r\n\r\n";
        model.messages().append(a, org.postiljon.mailbox.api.MailboxName.of(mailbox), new java.io.ByteArrayInputStream(
                (head + "x".repeat(size - head.length())).getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                org.postiljon.mailbox.api.Flags.NONE, java.time.Instant.now());
    }

    int port() {
        return plain.address().getPort();
    }

    int tlsPort() {
        return implicitTls.address().getPort();
    }

    @Override
    public void close() {
        plain.close();
        implicitTls.close();
        store.close();
    }
}
