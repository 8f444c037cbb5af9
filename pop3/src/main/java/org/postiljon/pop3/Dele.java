package org.postiljon.pop3;

import java.io.IOException;

/** DELE, RFC 1939 §5: marks only; QUIT removes. */
final class Dele implements Command {
    @Override
    public void run(Session s, String args) throws IOException {
        int n = s.maildrop.live(args); // refuses a message already marked
        s.maildrop.delete(n);
        s.ok("message " + n + " deleted");
    }
}
