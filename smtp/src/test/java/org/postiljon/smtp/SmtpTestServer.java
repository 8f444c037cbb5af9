package org.postiljon.smtp;

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
import org.postiljon.mime.ParseCache;
import org.postiljon.net.AuthThrottle;
import org.postiljon.net.Listener;
import org.postiljon.net.Sasl;
import org.postiljon.net.Tls;
import org.postiljon.store.postgres.TestStore;

/** MX, submission (STARTTLS and implicit TLS), LMTP and IMAP on free loopback ports over one real store (embedded, or PostgreSQL: TestStore). */
final class SmtpTestServer implements AutoCloseable {

    static final String PASSWORD = "correct horse battery";

    final TestStore store;
    final MailboxModel model;
    final Listener mx;
    final Listener submission;
    final Listener submissions;
    final Listener lmtp;
    final Listener imap;
    final Listener lmtpUnix;
    final Path lmtpSocket;
    final SmtpServices services;
    /** Works off the outbound queue; null unless outbound options were given. */
    final OutboundSender sender;

    /**
     * @param domain   the local domain; the host name is "mx." + domain
     * @param outbound how the queue delivers; null to leave queued mail alone
     */
    SmtpTestServer(Path dir, String domain, SmtpLimits limits, boolean plaintextOnLoopback, OutboundOptions outbound) throws IOException {
        store = TestStore.open(dir.resolve("data"));
        model = MailboxModel.over(store.metadata(), store.blobs(), store.index(), store.bus(), MailboxLimits.DEFAULT, new Passwords(256, 1, 1),
                java.util.Set.of(), java.time.Clock.systemUTC());
        if (!model.directory().isLocal(DomainName.of(domain))) model.directory().addDomain(DomainName.of(domain)); // kept across a restart
        sender = outbound == null ? null
                : new OutboundSender(model.queue(), model.directory(), model.messages(), outbound).start(Duration.ofMillis(200));
        Tls tls = Tls.generateSelfSigned(dir.resolve("tls"), "localhost");
        AuthThrottle throttle = new AuthThrottle(new AuthThrottle.Options(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofMinutes(1), 1000, 1000), Clock.systemUTC());
        Sasl sasl = new Sasl(model.directory());
        services = new SmtpServices("mx." + domain, model.directory(), model.mailboxes(), model.messages(), tls, sasl,
                throttle, limits, dir.resolve("spool"), plaintextOnLoopback, model.queue(), sender == null ? () -> { } : sender::wake, model.quotas(), model.deliveries("mx." + domain, null));
        Listener.Options options = new Listener.Options(50, 1000, Duration.ofSeconds(2));
        InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
        mx = Listener.start("smtp", any, null, new SmtpServer(services, Mode.MX), options);
        submission = Listener.start("submission", any, null, new SmtpServer(services, Mode.SUBMISSION), options);
        submissions = Listener.start("submissions", any, tls, new SmtpServer(services, Mode.SUBMISSION), options);
        lmtp = Listener.start("lmtp", any, null, new SmtpServer(services, Mode.LMTP), options);
        lmtpSocket = dir.resolve("lmtp.sock");
        lmtpUnix = Listener.startUnix("lmtp-unix", lmtpSocket, new SmtpServer(services.withoutTls(), Mode.LMTP), options);
        imap = Listener.start("imap", any, null, new ImapServer(new ImapServices(model.directory(), model.mailboxes(), model.messages(),
                model.changes(), tls, sasl, throttle, ImapLimits.DEFAULT, true, new RecentTracker(), new ParseCache(100), model.quotas(), model.acl())), options);
    }

    SmtpTestServer(Path dir, SmtpLimits limits, boolean plaintextOnLoopback) throws IOException {
        this(dir, "example.org", limits, plaintextOnLoopback, null);
    }

    SmtpTestServer(Path dir) throws IOException {
        this(dir, SmtpLimits.DEFAULT, true);
    }

    Account account(String address) {
        return model.directory().addAccount(EmailAddress.parse(address), PASSWORD.toCharArray(), QuotaLimits.UNLIMITED);
    }

    static int port(Listener l) {
        return l.address().getPort();
    }

    @Override
    public void close() {
        for (Listener l : new Listener[] {mx, submission, submissions, lmtp, lmtpUnix, imap}) l.close();
        if (sender != null) sender.close();
        store.close();
    }
}
