package org.postiljon.pop3;

import java.io.IOException;

/** RSET, RFC 1939 §5: unmarks every message marked deleted. */
final class Rset implements Command {
    @Override
    public void run(Session s, String args) throws IOException {
        s.maildrop.undeleteAll();
        s.ok("maildrop has " + s.maildrop.count() + " messages (" + s.maildrop.octets() + " octets)");
    }
}
