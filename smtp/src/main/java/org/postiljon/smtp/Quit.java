package org.postiljon.smtp;

import java.io.IOException;

/** QUIT, RFC 5321 §4.1.1.10. */
final class Quit implements Command {
    @Override
    public void run(Session s, String args) throws IOException {
        s.reply(221, "2.0.0", s.services.hostname() + " closing connection");
        s.quit();
    }
}
