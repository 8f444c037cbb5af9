package org.postiljon.imap.server;

import java.io.IOException;
import java.util.List;
import org.postiljon.imap.wire.CommandFailed;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.imap.wire.SequenceSet;
import org.postiljon.mailbox.api.CopyResult;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.UidSet;

/** COPY (RFC 9051 §6.4.7) and MOVE (RFC 6851), with COPYUID (RFC 4315). */
final class Copy implements Command {

    private final boolean uid;
    private final boolean move;

    Copy(boolean uid, boolean move) {
        this.uid = uid;
        this.move = move;
    }

    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        SequenceSet set = SequenceSet.parse(in.until(""));
        in.sp();
        MailboxName target = s.mailboxName(in.astringBytes());
        in.end();
        SelectedMailbox view = s.selected();
        if (move && view.readOnly) throw new CommandFailed("READ-ONLY", "mailbox is read-only");
        UidSet uids = view.resolve(set, uid, s.savedSearch);
        CopyResult r;
        try {
            r = move ? s.services().messages().move(s.account, view.mailbox.name(), uids, target)
                    : s.services().messages().copy(s.account, view.mailbox.name(), uids, target);
        } catch (MailboxException.NoSuchMailbox e) {
            if (!s.services().mailboxes().find(s.account, target).isPresent()) {
                throw new CommandFailed("TRYCREATE", "no such mailbox: " + target);
            }
            throw e;
        }
        String code = r.sourceUids().isEmpty() ? null
                : "COPYUID " + r.destinationUidValidity() + " " + compact(r.sourceUids()) + " " + compact(r.destinationUids());
        String name = (uid ? "UID " : "") + (move ? "MOVE" : "COPY");
        if (move) {
            // RFC 6851 §4.3: COPYUID goes in an untagged OK before the expunges.
            if (code != null) s.out().untagged("OK [" + code + "] moved");
            s.ok(tag, name + " completed", true);
        } else {
            s.ok(tag, (code == null ? "" : "[" + code + "] ") + name + " completed", true);
        }
    }

    /** A UID list as a compact set, keeping the order: 4,5,6,9 becomes 4:6,9. */
    static String compact(List<Long> uids) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < uids.size()) {
            long start = uids.get(i);
            int j = i;
            while (j + 1 < uids.size() && uids.get(j + 1) == uids.get(j) + 1) j++;
            if (!b.isEmpty()) b.append(',');
            b.append(start);
            if (j > i) b.append(':').append(uids.get(j));
            i = j + 1;
        }
        return b.toString();
    }
}
