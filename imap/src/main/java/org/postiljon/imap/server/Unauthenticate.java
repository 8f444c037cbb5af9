package org.postiljon.imap.server;

import java.io.IOException;
import org.postiljon.imap.wire.CommandReader;

/** UNAUTHENTICATE, RFC 8437 §3: the connection goes back to not authenticated, TLS kept; never NO. */
final class Unauthenticate implements Command {
    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.end();
        s.out().tagged(tag, "OK", null, "UNAUTHENTICATE completed");
        s.unauthenticate();
    }
}
