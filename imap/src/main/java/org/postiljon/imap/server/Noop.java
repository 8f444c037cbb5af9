package org.postiljon.imap.server;

import java.io.IOException;
import org.postiljon.imap.wire.CommandReader;

/** NOOP and CHECK (RFC 9051 §6.1.2; CHECK is NOOP in IMAP4rev2): a chance to hear about changes. */
final class Noop implements Command {
    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.end();
        s.ok(tag, "NOOP completed", true);
    }
}
