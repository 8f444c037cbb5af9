package org.postiljon.pop3;

import java.io.IOException;

/** CAPA, RFC 2449 §5: changes after STLS and after login. */
final class Capa implements Command {
    @Override
    public void run(Session s, String args) throws IOException {
        s.ok("capability list follows");
        for (String c : s.capabilities()) s.line(c);
        s.end();
    }
}
