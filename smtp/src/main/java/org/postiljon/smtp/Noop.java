package org.postiljon.smtp;

import java.io.IOException;

/** NOOP, RFC 5321 §4.1.1.9. */
final class Noop implements Command {
    @Override
    public void run(Session s, String args) throws IOException {
        s.reply(250, "2.0.0", "OK");
    }
}
