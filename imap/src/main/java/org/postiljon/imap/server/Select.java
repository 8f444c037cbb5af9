package org.postiljon.imap.server;

import java.io.IOException;
import java.util.List;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.Rights;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.UidSet;

/** SELECT and EXAMINE, RFC 9051 §6.3.2-3. */
final class Select implements Command {

    private final boolean readOnly;

    Select(boolean readOnly) {
        this.readOnly = readOnly;
    }

    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        MailboxName name = s.mailboxName(in.astringBytes());
        in.end();
        // §6.3.2: a failed SELECT leaves no mailbox selected.
        s.close();
        var svc = s.services();
        Mailbox m = svc.mailboxes().get(s.account, name);
        Rights rights = svc.acl().myRights(s.account, name);
        if (!rights.has('r')) throw new MailboxException.NoRights("no permission to read " + name + " (needs the 'r' right)");
        // RFC 4314 §5.2: READ-ONLY unless the user may insert, expunge or change a flag.
        boolean readOnly = this.readOnly || !(rights.has('i') || rights.has('e') || rights.has('s') || rights.has('w') || rights.has('t'));
        SelectedMailbox view = new SelectedMailbox(m, readOnly);
        view.listenTo(svc.changes()); // before reading, so no change falls between
        List<MessageInfo> messages = svc.messages().list(s.account, name, UidSet.ALL);
        view.load(messages);
        s.selected = view;
        s.state = Session.State.SELECTED;
        long highestUid = messages.isEmpty() ? 0 : messages.getLast().uid();
        if (!readOnly) {
            long firstRecent = svc.recent().claimUpTo(m.id(), highestUid);
            if (firstRecent > 0) view.markRecent(firstRecent);
        }
        var out = s.out();
        out.untagged("FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)");
        out.untagged("OK [PERMANENTFLAGS " + (readOnly ? "()" : permanentFlags(rights)) + "] flags");
        out.untagged(messages.size() + " EXISTS");
        if (!s.rev2()) {
            out.untagged(view.recentCount() + " RECENT");
            for (int i = 0; i < messages.size(); i++) {
                if (!messages.get(i).flags().contains(Flags.SEEN)) {
                    out.untagged("OK [UNSEEN " + (i + 1) + "] first unseen");
                    break;
                }
            }
        }
        out.untagged("OK [UIDVALIDITY " + m.uidValidity() + "] UIDs valid");
        out.untagged("OK [UIDNEXT " + Math.max(m.uidNext(), highestUid + 1) + "] predicted next UID");
        if (s.rev2()) {
            out.raw("* LIST () \"/\" ").string(s.wireName(m.name())).crlf();
        }
        s.ok(tag, "[" + (readOnly ? "READ-ONLY" : "READ-WRITE") + "] " + (this.readOnly ? "EXAMINE" : "SELECT") + " completed", true);
    }

    /** RFC 4314 §5.1.1: PERMANENTFLAGS shows only the flags the user's rights let them change. */
    private static String permanentFlags(Rights r) {
        StringBuilder b = new StringBuilder("(");
        if (r.has('w')) b.append("\\Answered \\Flagged ");
        if (r.has('t')) b.append("\\Deleted ");
        if (r.has('s')) b.append("\\Seen ");
        if (r.has('w')) b.append("\\Draft \\* ");
        return b.toString().strip() + ")";
    }
}
