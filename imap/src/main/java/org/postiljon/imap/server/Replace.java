package org.postiljon.imap.server;

import java.io.IOException;
import java.util.List;
import org.postiljon.imap.wire.BadSyntax;
import org.postiljon.imap.wire.CommandFailed;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.mailbox.api.AppendResult;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.StagedMessage;

/** REPLACE and UID REPLACE, RFC 8508: APPEND of a new message and expunge of an old one as one action. */
final class Replace implements Command {

    private final boolean uid;

    Replace(boolean uid) {
        this.uid = uid;
    }

    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        String id = in.atom();
        // §3.2/§3.3: one message sequence number (or UID), not a set.
        if (!id.matches("[1-9][0-9]{0,9}")) throw new BadSyntax("expected one message " + (uid ? "UID" : "sequence number"));
        in.sp();
        MailboxName target = s.mailboxName(in.astringBytes());
        in.sp();
        SelectedMailbox view = s.selected();
        // §4.1: the old message is flagged \Deleted and expunged, which a read-only mailbox cannot do.
        if (view.readOnly) throw new CommandFailed("READ-ONLY", "mailbox is read-only");
        long n = Long.parseLong(id);
        if (!uid && n > view.exists()) throw new BadSyntax("message sequence number out of range (mailbox has " + view.exists() + ")");
        long old = uid ? n : view.uidAt((int) n);
        StagedMessage message = Append.stageOne(s, in, target, 0, 0, false);
        try {
            in.end();
        } catch (RuntimeException e) {
            s.services().messages().discard(List.of(message));
            throw e;
        }
        if (view.seqOf(old) == 0) {
            s.services().messages().discard(List.of(message));
            throw new CommandFailed(null, "no message with UID " + id); // §3.2: NO, can't remove the message
        }
        AppendResult r = s.services().messages().replace(s.account, view.mailbox.name(), old, target, message);
        // §3.2 example: APPENDUID in an untagged OK, then EXISTS (when the target is selected) and EXPUNGE.
        s.out().untagged("OK [APPENDUID " + r.uidValidity() + " " + r.uid() + "] Replacement Message ready");
        s.ok(tag, (uid ? "UID " : "") + "REPLACE completed", true);
    }
}
