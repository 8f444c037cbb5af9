package org.postiljon.smtp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.postiljon.net.Connection;
import org.postiljon.net.Listener;

/** SMTP in one {@link Mode} for a {@link Listener}: one {@link Session} per connection. */
public final class SmtpServer implements Listener.Handler {

    private final SmtpServices services;
    private final Mode mode;

    public SmtpServer(SmtpServices services, Mode mode) {
        this.services = services;
        this.mode = mode;
    }

    @Override
    public void handle(Connection connection) throws IOException {
        new Session(services, mode, connection).run();
    }

    @Override
    public byte[] refusal() {
        // RFC 5321 §3.8: 421 and close.
        return ("421 4.7.0 " + services.hostname() + " too many connections from your address\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
