package org.postiljon.smtp;

import java.io.IOException;

/** RSET, RFC 5321 §4.1.1.5. */
final class Rset implements Command {
    @Override
    public void run(Session s, String args) throws IOException {
        s.reset();
        s.reply(250, "2.0.0", "reset");
    }
}
