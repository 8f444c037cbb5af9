package org.postiljon.imap.server;

import java.io.IOException;
import org.postiljon.imap.wire.BadSyntax;
import org.postiljon.imap.wire.CommandReader;

/** ID, RFC 2971: the client's parameters are read and dropped; we name ourselves. */
final class Id implements Command {
    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        if (in.skip('(')) {
            int n = 0;
            while (!in.skip(')')) {
                if (n > 0) in.sp();
                if (in.peek() == 'N' || in.peek() == 'n') in.atom(); else in.stringBytes();
                if (++n > 60) throw new BadSyntax("too many ID fields"); // RFC 2971 §3.3: at most 30 pairs
            }
        } else if (!in.atom().equalsIgnoreCase("NIL")) {
            throw new BadSyntax("expected a list or NIL");
        }
        in.end();
        s.out().untagged("ID (\"name\" \"Postiljon\" \"vendor\" \"Postiljon\")");
        s.ok(tag, "ID completed", true);
    }
}
