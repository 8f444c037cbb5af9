package org.postiljon.smtp;

import java.io.IOException;

/** VRFY, RFC 5321 §3.5.3: 252, so the address list cannot be harvested. */
final class Vrfy implements Command {
    @Override
    public void run(Session s, String args) throws IOException {
        s.reply(252, "2.5.0", "cannot VRFY; send the mail and it will be delivered if the address exists");
    }
}
