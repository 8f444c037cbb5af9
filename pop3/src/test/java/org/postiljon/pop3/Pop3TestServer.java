package org.postiljon.pop3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.QuotaLimits;
import org.postiljon.mime.ParseCache;
import org.postiljon.net.AuthThrottle;
import org.postiljon.net.Listener;
import org.postiljon.net.Sasl;
import org.postiljon.net.Tls;
import org.postiljon.store.postgres.TestStore;

/** POP3 (plain and implicit TLS) and IMAP on free loopback ports over one real store (embedded, or PostgreSQL: TestStore). */
final class Pop3TestServer implements AutoCloseable {

    static final String PASSWORD = "correct horse battery";

    final TestStore store;
    final MailboxModel model;
    final Tls tls;
    final Listener pop3;
    final Listener pop3s;
    final Listener imap;

    Pop3TestServer(Path dir, boolean plaintextOnLoopback) throws IOException {
        store = TestStore.open(dir.resolve("data"));
        model = MailboxModel.over(store.metadata(), store.blobs(), store.index(), store.bus(), MailboxLimits.DEFAULT, new Passwords(256, 1, 1),
                java.util.Set.of(), java.time.Clock.systemUTC());
        model.directory().addDomain(DomainName.of("example.org"));
        tls = Tls.generateSelfSigned(dir.resolve("tls"), "localhost");
        AuthThrottle throttle = new AuthThrottle(new AuthThrottle.Options(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofMinutes(1), 1000, 1000), Clock.systemUTC());
        Sasl sasl = new Sasl(model.directory());
        Listener.Options options = new Listener.Options(50, 1000, Duration.ofSeconds(2));
        Pop3Server server = new Pop3Server(new Pop3Services(model.directory(), model.mailboxes(), model.messages(), tls, sasl,
                throttle, Pop3Limits.DEFAULT, plaintextOnLoopback, model.leases()));
        pop3 = Listener.start("pop3", new InetSocketAddress("127.0.0.1", 0), null, server, options);
        pop3s = Listener.start("pop3s", new InetSocketAddress("127.0.0.1", 0), tls, server, options);
        imap = Listener.start("imap", new InetSocketAddress("127.0.0.1", 0), null, new ImapServer(new ImapServices(model.directory(),
                model.mailboxes(), model.messages(), model.changes(), tls, sasl, throttle, ImapLimits.DEFAULT, true,
                new RecentTracker(), new ParseCache(100), model.quotas(), model.acl())), options);
    }

    Account account(String address) {
        return model.directory().addAccount(EmailAddress.parse(address), PASSWORD.toCharArray(), QuotaLimits.UNLIMITED);
    }

    /** Delivers a message to the account's INBOX as SMTP would; returns its UID. */
    long deliver(Account a, String message) {
        return model.messages().append(a, MailboxName.INBOX, new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)),
                Flags.NONE, Instant.parse("2026-11-20T10:00:00Z")).uid();
    }

    static String message(String subject, String body) {
        return "From: Bob <bob@example.net>\r\nTo: alice@example.org\r\nSubject: " + subject
                + "\r\nDate: Fri, 20 Nov 2026 10:00:00 +0000\r\nMessage-ID: <" + subject.hashCode() + "@example.net>\r\n\r\n" + body;
    }

    int port() {
        return pop3.address().getPort();
    }

    int tlsPort() {
        return pop3s.address().getPort();
    }

    int imapPort() {
        return imap.address().getPort();
    }

    @Override
    public void close() {
        pop3.close();
        pop3s.close();
        imap.close();
        store.close();
    }
}
