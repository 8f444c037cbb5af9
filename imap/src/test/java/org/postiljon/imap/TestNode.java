package org.postiljon.imap;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import org.postiljon.imap.server.ImapServer;
import org.postiljon.imap.server.ImapServices;
import org.postiljon.imap.server.ParseCache;
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

/**
 * The one harness the protocol suites build their servers on (IMAP's, POP3's and SMTP's test
 * servers; published in imap's test jar): a real store (embedded, or PostgreSQL: {@link TestStore}),
 * the mailbox model over it, a local domain, a self-signed certificate, SASL, a login throttle
 * fast enough for tests, and listeners on free loopback ports, all closed with the node, listeners
 * first.
 */
public final class TestNode implements AutoCloseable {

    public static final String PASSWORD = "correct horse battery";
    /** Small enough that the limit tests reach it, large enough for the load tests. */
    public static final Listener.Options LISTENER = new Listener.Options(50, 1000, Duration.ofSeconds(2));

    public final TestStore store;
    public final MailboxModel model;
    public final Tls tls;
    public final Sasl sasl;
    public final AuthThrottle throttle;
    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    /**
     * @param domain a local domain, added unless the store already has it (a node reopened over the same directory)
     * @param admins the server's admin accounts (admin.accounts)
     */
    public TestNode(Path dir, String domain, Set<EmailAddress> admins) throws IOException {
        store = TestStore.open(dir.resolve("data"));
        model = MailboxModel.over(store.metadata(), store.blobs(), store.index(), store.bus(), MailboxLimits.DEFAULT,
                new Passwords(256, 1, 1), admins, Clock.systemUTC());
        if (!model.directory().isLocal(DomainName.of(domain))) model.directory().addDomain(DomainName.of(domain));
        tls = Tls.generateSelfSigned(dir.resolve("tls"), "localhost");
        sasl = new Sasl(model.directory());
        throttle = new AuthThrottle(new AuthThrottle.Options(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofMinutes(1),
                1000, 1000), Clock.systemUTC());
    }

    public Account account(String address) {
        return model.directory().addAccount(EmailAddress.parse(address), PASSWORD.toCharArray(), QuotaLimits.UNLIMITED);
    }

    /** A listener on a free port of 127.0.0.1, with TLS from the first byte when {@code implicitTls}; closed with the node. */
    public Listener listen(String name, boolean implicitTls, Listener.Handler handler) throws IOException {
        return closing(Listener.start(name, new InetSocketAddress("127.0.0.1", 0), implicitTls ? tls : null, handler, LISTENER));
    }

    /** A Unix-domain socket listener at {@code path}; closed with the node. */
    public Listener listenUnix(String name, Path path, Listener.Handler handler) throws IOException {
        return closing(Listener.startUnix(name, path, handler, LISTENER));
    }

    /** An IMAP server over this node's model. */
    public ImapServer imap(ImapLimits limits, boolean plaintextOnLoopback) {
        return new ImapServer(new ImapServices(model.directory(), model.mailboxes(), model.messages(), model.changes(), tls, sasl,
                throttle, limits, plaintextOnLoopback, new RecentTracker(), new ParseCache(1000), model.quotas(), model.acl()));
    }

    /** Closes {@code c} with the node, before what was opened earlier. */
    public <T extends AutoCloseable> T closing(T c) {
        open.push(c);
        return c;
    }

    @Override
    public void close() {
        IllegalStateException failed = null;
        while (!open.isEmpty()) {
            try {
                open.pop().close();
            } catch (Exception e) {
                if (failed == null) failed = new IllegalStateException("closing a test node", e); else failed.addSuppressed(e);
            }
        }
        store.close();
        if (failed != null) throw failed;
    }
}
