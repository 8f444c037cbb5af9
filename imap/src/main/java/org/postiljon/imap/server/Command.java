package org.postiljon.imap.server;

import java.io.IOException;
import org.postiljon.imap.wire.CommandReader;

/** One IMAP command: parses its arguments, calls the mailbox API once or a few times, answers. */
interface Command {
    void run(Session s, String tag, CommandReader in) throws IOException;
}
