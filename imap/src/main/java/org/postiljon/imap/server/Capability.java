package org.postiljon.imap.server;

import java.io.IOException;
import org.postiljon.imap.wire.CommandReader;

/** CAPABILITY, RFC 9051 §6.1.1: what this connection can do now. */
final class Capability implements Command {
    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.end();
        s.out().untagged("CAPABILITY " + s.capabilities());
        s.ok(tag, "CAPABILITY completed", true);
    }
}
