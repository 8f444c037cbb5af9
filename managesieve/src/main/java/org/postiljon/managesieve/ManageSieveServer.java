package org.postiljon.managesieve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.postiljon.net.Connection;
import org.postiljon.net.Listener;

/** ManageSieve (RFC 5804) for a {@link Listener}: one {@link Session} per connection. */
public final class ManageSieveServer implements Listener.Handler {

    private final ManageSieveServices services;

    public ManageSieveServer(ManageSieveServices services) {
        this.services = services;
    }

    @Override
    public void handle(Connection connection) throws IOException {
        new Session(services, connection).run();
    }

    @Override
    public byte[] refusal() {
        return "BYE (TRYLATER) \"too many connections from your address\"\r\n".getBytes(StandardCharsets.US_ASCII);
    }
}
