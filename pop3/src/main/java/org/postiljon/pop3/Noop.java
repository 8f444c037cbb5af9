package org.postiljon.pop3;

import java.io.IOException;

/** NOOP, RFC 1939 §5. */
final class Noop implements Command {
    @Override
    public void run(Session s, String args) throws IOException {
        s.ok("");
    }
}
