package org.postiljon.imap;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.postiljon.imap.server.ImapServer;
import org.postiljon.imap.wire.ImapLimits;
import org.postiljon.mailbox.MailboxModel;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.net.Listener;
import org.postiljon.net.Tls;
import org.postiljon.store.postgres.TestStore;

/** A real IMAP server (plain and implicit TLS) on free loopback ports of a {@link TestNode}. */
final class ImapTestServer implements AutoCloseable {

    static final String PASSWORD = TestNode.PASSWORD;
    /** May SETQUOTA (the server's admin.accounts). */
    static final String ADMIN = "admin@example.org";

    final TestNode node;
    final TestStore store;
    final MailboxModel model;
    final Tls tls;
    final Listener plain;
    final Listener implicitTls;

    ImapTestServer(Path dir, ImapLimits limits, boolean plaintextOnLoopback) throws IOException {
        node = new TestNode(dir, "example.org", Set.of(EmailAddress.parse(ADMIN)));
        store = node.store;
        model = node.model;
        tls = node.tls;
        ImapServer server = node.imap(limits, plaintextOnLoopback);
        plain = node.listen("imap", false, server);
        implicitTls = node.listen("imaps", true, server);
    }

    ImapTestServer(Path dir) throws IOException {
        this(dir, ImapLimits.DEFAULT, true);
    }

    Account account(String address) {
        return node.account(address);
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
        node.close();
    }
}
