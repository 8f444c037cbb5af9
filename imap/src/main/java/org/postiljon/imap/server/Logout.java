package org.postiljon.imap.server;

import java.io.IOException;
import org.postiljon.imap.wire.CommandReader;

/** LOGOUT, RFC 9051 §6.1.3. */
final class Logout implements Command {
    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.end();
        s.out().untagged("BYE logging out");
        s.out().tagged(tag, "OK", null, "LOGOUT completed");
        s.state = Session.State.LOGOUT;
    }
}
