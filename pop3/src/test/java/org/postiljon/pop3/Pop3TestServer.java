package org.postiljon.pop3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import org.postiljon.imap.TestNode;
import org.postiljon.imap.wire.ImapLimits;
import org.postiljon.mailbox.MailboxModel;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.net.Listener;
import org.postiljon.net.Tls;
import org.postiljon.store.postgres.TestStore;

/** POP3 (plain and implicit TLS) and IMAP on free loopback ports of one {@link TestNode}. */
final class Pop3TestServer implements AutoCloseable {

    static final String PASSWORD = TestNode.PASSWORD;

    final TestNode node;
    final TestStore store;
    final MailboxModel model;
    final Tls tls;
    final Listener pop3;
    final Listener pop3s;
    final Listener imap;

    Pop3TestServer(Path dir, boolean plaintextOnLoopback) throws IOException {
        node = new TestNode(dir, "example.org", Set.of());
        store = node.store;
        model = node.model;
        tls = node.tls;
        Pop3Server server = new Pop3Server(new Pop3Services(model.directory(), model.mailboxes(), model.messages(), tls, node.sasl,
                node.throttle, Pop3Limits.DEFAULT, plaintextOnLoopback, model.leases()));
        pop3 = node.listen("pop3", false, server);
        pop3s = node.listen("pop3s", true, server);
        imap = node.listen("imap", false, node.imap(ImapLimits.DEFAULT, true));
    }

    Account account(String address) {
        return node.account(address);
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
        node.close();
    }
}
