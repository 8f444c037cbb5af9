package org.postiljon.imap.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.postiljon.net.Connection;
import org.postiljon.net.Listener;

/** The IMAP protocol for a {@link Listener}: one {@link Session} per connection. */
public final class ImapServer implements Listener.Handler {

    private final ImapServices services;

    public ImapServer(ImapServices services) {
        this.services = services;
    }

    @Override
    public void handle(Connection connection) throws IOException {
        new Session(services, connection).run();
    }

    @Override
    public byte[] refusal() {
        return "* BYE too many connections from your address\r\n".getBytes(StandardCharsets.US_ASCII);
    }
}
