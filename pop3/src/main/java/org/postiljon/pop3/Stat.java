package org.postiljon.pop3;

import java.io.IOException;

/** STAT, RFC 1939 §5: messages and octets, deleted ones left out. */
final class Stat implements Command {
    @Override
    public void run(Session s, String args) throws IOException {
        if (!args.isEmpty()) throw new Pop3Error("STAT takes no argument");
        s.ok(s.maildrop.count() + " " + s.maildrop.octets());
    }
}
