package org.postiljon.imap.server;

import java.io.IOException;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.mailbox.api.UidSet;

/** CLOSE (expunges silently, RFC 9051 §6.4.1) and UNSELECT (does not, RFC 3691). */
final class Close implements Command {

    private final boolean expunge;

    Close(boolean expunge) {
        this.expunge = expunge;
    }

    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.end();
        SelectedMailbox view = s.selected();
        if (expunge && !view.readOnly) {
            try {
                s.services().messages().expunge(s.account, view.mailbox.name(), UidSet.ALL);
            } catch (org.postiljon.mailbox.api.MailboxException.NoRights e) {
                // RFC 4314 §4: without "e", CLOSE closes without expunging and still answers OK.
            }
        }
        s.close();
        s.out().tagged(tag, "OK", null, (expunge ? "CLOSE" : "UNSELECT") + " completed");
    }
}
