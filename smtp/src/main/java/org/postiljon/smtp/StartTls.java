package org.postiljon.smtp;

import java.io.IOException;

/** STARTTLS, RFC 3207. */
final class StartTls implements Command {
    @Override
    public void run(Session s, String args) throws IOException {
        if (!args.isEmpty()) throw SmtpError.syntax("STARTTLS takes no argument");
        if (s.services.tls() == null) throw new SmtpError(454, "4.7.0", "TLS not available");
        if (s.connection().isSecure()) throw SmtpError.sequence("already using TLS");
        // Commands pipelined behind STARTTLS would be taken as sent over TLS (CVE-2011-0411).
        if (s.rawInput().available() > 0) throw SmtpError.sequence("no commands may follow STARTTLS before the handshake");
        s.reply(220, "2.0.0", "ready to start TLS");
        s.startTls();
    }
}
