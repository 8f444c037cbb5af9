package org.postiljon.imap.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.postiljon.imap.wire.BadSyntax;
import org.postiljon.imap.wire.CommandReader;

/** CANCELUPDATE, RFC 5267 §4.3.5: no more ADDTO/REMOVEFROM for the searches with these tags. */
final class CancelUpdate implements Command {
    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        // §5: "CANCELUPDATE" 1*(SP quoted)
        int n = 0;
        do {
            in.sp();
            if (in.peek() != '"') throw new BadSyntax("expected a quoted tag");
            s.contexts.cancel(new String(in.stringBytes(), StandardCharsets.UTF_8));
            if (++n > 100) throw new BadSyntax("too many tags");
        } while (in.peek() == ' ');
        in.end();
        s.ok(tag, "CANCELUPDATE completed", true);
    }
}
