package org.postiljon.smtp;

import java.io.IOException;

/** HELP, RFC 5321 §4.1.1.8. */
final class Help implements Command {
    @Override
    public void run(Session s, String args) throws IOException {
        s.reply(214, "2.0.0", "see RFC 5321; this is Postiljon");
    }
}
