package org.postiljon.imap.server;

import java.io.IOException;
import org.postiljon.imap.wire.CommandFailed;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.imap.wire.SequenceSet;
import org.postiljon.mailbox.api.UidSet;

/** EXPUNGE (RFC 9051 §6.4.3) and UID EXPUNGE (§6.4.9): the EXPUNGE responses come from the view. */
final class Expunge implements Command {

    private final boolean uid;

    Expunge(boolean uid) {
        this.uid = uid;
    }

    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        UidSet set = UidSet.ALL;
        SelectedMailbox view = s.selected();
        if (uid) {
            in.sp();
            set = view.resolve(SequenceSet.parse(in.until("")), true, s.savedSearch);
        }
        in.end();
        if (view.readOnly) throw new CommandFailed("READ-ONLY", "mailbox is read-only");
        s.services().messages().expunge(s.account, view.mailbox.name(), set);
        s.ok(tag, (uid ? "UID EXPUNGE" : "EXPUNGE") + " completed", true);
    }
}
