package org.postiljon.pop3;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.postiljon.net.Connection;
import org.postiljon.net.Listener;

/** The POP3 protocol for a {@link Listener}: one {@link Session} per connection. */
public final class Pop3Server implements Listener.Handler {

    private final Pop3Services services;

    public Pop3Server(Pop3Services services) {
        this.services = services;
    }

    @Override
    public void handle(Connection connection) throws IOException {
        new Session(services, connection).run();
    }

    @Override
    public byte[] refusal() {
        return "-ERR [SYS/TEMP] too many connections from your address\r\n".getBytes(StandardCharsets.US_ASCII);
    }
}
