package org.postiljon.pop3;

import java.io.IOException;

/** UIDL, RFC 1939 §7: unique ids that stay the same across sessions. */
final class Uidl implements Command {
    @Override
    public void run(Session s, String args) throws IOException {
        Maildrop d = s.maildrop;
        if (!args.isEmpty()) {
            int n = d.live(args);
            s.ok(n + " " + d.uidl(n));
            return;
        }
        s.ok("unique-id listing follows");
        for (int n = 1; n <= d.size(); n++) if (!d.isDeleted(n)) s.line(n + " " + d.uidl(n));
        s.end();
    }
}
