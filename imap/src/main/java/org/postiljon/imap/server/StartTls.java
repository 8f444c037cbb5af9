package org.postiljon.imap.server;

import java.io.IOException;
import org.postiljon.imap.wire.CommandFailed;
import org.postiljon.imap.wire.CommandReader;

/** STARTTLS, RFC 9051 §6.2.1. */
final class StartTls implements Command {
    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.end();
        if (s.connection().isSecure()) throw new CommandFailed(null, "TLS is already active");
        if (s.services().tls() == null) throw new CommandFailed(null, "TLS is not configured");
        // Bytes pipelined behind STARTTLS would be read as if protected: refuse them (CVE-2011-0411).
        if (s.connection().input().available() > 0) {
            s.out().tagged(tag, "BAD", null, "no commands may follow STARTTLS before the handshake");
            s.state = Session.State.LOGOUT;
            return;
        }
        s.out().tagged(tag, "OK", null, "Begin TLS negotiation now");
        s.startTls();
    }
}
