package org.postiljon.pop3;

import java.io.IOException;

/** STLS, RFC 2595 §4. */
final class Stls implements Command {
    @Override
    public void run(Session s, String args) throws IOException {
        if (s.services().tls() == null) throw new Pop3Error("STLS is not available on this port");
        if (s.connection().isSecure()) throw new Pop3Error("already using TLS");
        // Bytes pipelined after STLS would be read as if they came over TLS: a command injection.
        if (s.connection().input().available() > 0) throw new Pop3Error("no commands may follow STLS before the handshake");
        s.ok("begin TLS negotiation");
        s.startTls();
    }
}
