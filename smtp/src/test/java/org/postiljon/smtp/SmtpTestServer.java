package org.postiljon.smtp;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.postiljon.imap.TestNode;
import org.postiljon.imap.wire.ImapLimits;
import org.postiljon.mailbox.MailboxModel;
import org.postiljon.mailbox.api.Account;
import org.postiljon.net.Listener;
import org.postiljon.store.postgres.TestStore;

/** MX, submission (STARTTLS and implicit TLS), LMTP and IMAP on free loopback ports of one {@link TestNode}. */
final class SmtpTestServer implements AutoCloseable {

    static final String PASSWORD = TestNode.PASSWORD;

    final TestNode node;
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
        this(dir, domain, limits, plaintextOnLoopback, outbound, outbound == null ? null : outbound.dns());
    }

    /** @param dns the DNS server for checking arriving mail (dnsmasq); null: none, every lookup finds nothing */
    SmtpTestServer(Path dir, String domain, SmtpLimits limits, boolean plaintextOnLoopback, OutboundOptions outbound,
                   java.net.InetSocketAddress dns) throws IOException {
        this(dir, domain, limits, plaintextOnLoopback, outbound, dns, SpamFilter.Options.BUILT_IN);
    }

    /** @param spam the spam filter's blocklists and rspamd */
    SmtpTestServer(Path dir, String domain, SmtpLimits limits, boolean plaintextOnLoopback, OutboundOptions outbound,
                   java.net.InetSocketAddress dns, SpamFilter.Options spam) throws IOException {
        node = new TestNode(dir, domain, Set.of());
        store = node.store;
        model = node.model;
        sender = outbound == null ? null : node.closing(
                new OutboundSender(model.queue(), model.directory(), model.messages(), model.signingKeys(), model.transportSecurity(), outbound).start(Duration.ofMillis(200)));
        services = new SmtpServices("mx." + domain, model.directory(), model.mailboxes(), model.messages(), node.tls, node.sasl,
                node.throttle, limits, dir.resolve("spool"), plaintextOnLoopback, model.queue(), sender == null ? () -> { } : sender::wake,
                model.quotas(), model.deliveries("mx." + domain, null), dns == null ? org.postiljon.mailauth.Dns.NONE : new DnsResolver(dns),
                model.signingKeys(), model.sendingLimits(), new org.postiljon.mailauth.Srs("test secret of this server".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                model.vacations(), model.sieveScripts(), new SpamFilter(model.directory(), model.spam(), dns == null ? org.postiljon.mailauth.Dns.NONE : new DnsResolver(dns),
                spam), model.transportSecurity());
        mx = node.listen("smtp", false, new SmtpServer(services, Mode.MX));
        submission = node.listen("submission", false, new SmtpServer(services, Mode.SUBMISSION));
        submissions = node.listen("submissions", true, new SmtpServer(services, Mode.SUBMISSION));
        lmtp = node.listen("lmtp", false, new SmtpServer(services, Mode.LMTP));
        lmtpSocket = dir.resolve("lmtp.sock");
        lmtpUnix = node.listenUnix("lmtp-unix", lmtpSocket, new SmtpServer(services.withoutTls(), Mode.LMTP));
        imap = node.listen("imap", false, node.imap(ImapLimits.DEFAULT, true));
    }

    SmtpTestServer(Path dir, SmtpLimits limits, boolean plaintextOnLoopback) throws IOException {
        this(dir, "example.org", limits, plaintextOnLoopback, null);
    }

    SmtpTestServer(Path dir) throws IOException {
        this(dir, SmtpLimits.DEFAULT, true);
    }

    Account account(String address) {
        return node.account(address);
    }

    static int port(Listener l) {
        return l.address().getPort();
    }

    @Override
    public void close() {
        node.close();
    }
}
