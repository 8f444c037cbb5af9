package org.postiljon.imap.server;

import java.io.IOException;
import org.postiljon.imap.wire.CommandReader;

/** NAMESPACE, RFC 2342 / RFC 9051 §6.3.10: one personal namespace, "/" separated. */
final class Namespace implements Command {
    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.end();
        s.out().untagged("NAMESPACE ((\"\" \"/\")) NIL NIL");
        s.ok(tag, "NAMESPACE completed", true);
    }
}
