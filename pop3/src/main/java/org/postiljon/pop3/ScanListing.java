package org.postiljon.pop3;

import java.io.IOException;

/** LIST, RFC 1939 §5: scan listings, one message or all but the deleted. */
final class ScanListing implements Command {
    @Override
    public void run(Session s, String args) throws IOException {
        Maildrop d = s.maildrop;
        if (!args.isEmpty()) {
            int n = d.live(args);
            s.ok(n + " " + d.at(n).size());
            return;
        }
        s.ok(d.count() + " messages (" + d.octets() + " octets)");
        for (int n = 1; n <= d.size(); n++) if (!d.isDeleted(n)) s.line(n + " " + d.at(n).size());
        s.end();
    }
}
