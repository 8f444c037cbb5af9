package org.postiljon.imap.server;

import java.io.IOException;
import java.util.List;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxId;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.Messages;
import org.postiljon.mailbox.api.Rights;
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
        Qresync[] resync = {null};
        if (in.peek() == ' ') { // RFC 7162 §3.1.8 / §3.2.5: (CONDSTORE) or (QRESYNC (...))
            in.sp();
            in.atomList(p -> {
                switch (p) {
                    case "CONDSTORE" -> s.enableCondstore();
                    case "QRESYNC" -> {
                        if (!s.qresync()) throw new org.postiljon.imap.wire.BadSyntax("QRESYNC must be enabled first (ENABLE QRESYNC)");
                        in.sp();
                        resync[0] = Qresync.parse(in);
                    }
                    default -> throw new org.postiljon.imap.wire.BadSyntax("unknown SELECT parameter " + p);
                }
            });
        }
        Qresync qresync = resync[0];
        in.end();
        // §6.3.2: a failed SELECT leaves no mailbox selected.
        s.close();
        var svc = s.services();
        // Two reads: which mailbox it is (to listen to its owner's changes before reading, so no
        // change falls between), then everything SELECT shows from one snapshot: the rights, the
        // UIDs (only: a 100,000-message mailbox opens without reading its message rows), the
        // keywords and the first unseen.
        Mailbox listened = svc.mailboxes().get(s.account, name);
        SelectedMailbox view = new SelectedMailbox(listened, this.readOnly);
        view.listenTo(svc.changes());
        Messages.Opened opened;
        try {
            opened = svc.messages().open(s.account, name, !s.rev2());
            if (opened.mailbox().id() != listened.id() || opened.mailbox().uidValidity() != listened.uidValidity()) {
                throw new MailboxException.NoSuchMailbox(name + " was replaced while it was being opened");
            }
            if (!opened.rights().has('r')) throw new MailboxException.NoRights("no permission to read " + name + " (needs the 'r' right)");
        } catch (RuntimeException e) {
            view.close();
            throw e;
        }
        Mailbox m = opened.mailbox();
        Rights rights = opened.rights();
        // RFC 4314 §5.2: READ-ONLY unless the user may insert, expunge or change a flag.
        boolean readOnly = this.readOnly || !(rights.has('i') || rights.has('e') || rights.has('s') || rights.has('w') || rights.has('t'));
        view.readOnly(readOnly);
        long[] uids = opened.uids();
        view.load(uids, m.highestModSeq());
        s.selected = view;
        s.state = Session.State.SELECTED;
        long highestUid = uids.length == 0 ? 0 : uids[uids.length - 1];
        if (!readOnly) {
            long firstRecent = svc.recent().claimUpTo(m.id(), m.uidValidity(), highestUid);
            if (firstRecent > 0) view.markRecent(firstRecent);
        } else {
            // RFC 3501 §6.3.2: EXAMINE shows what is recent but leaves it so for the session that selects.
            view.markRecent(svc.recent().claimed(m.id(), m.uidValidity()) + 1);
        }
        var out = s.out();
        view.flags(opened.keywords(), permanentFlags(rights), rights.has('w'));
        view.writeFlags(s);
        out.untagged(uids.length + " EXISTS");
        if (!s.rev2()) {
            out.untagged(view.recentCount() + " RECENT");
            int seq = opened.firstUnseen() == 0 ? 0 : view.seqOf(opened.firstUnseen());
            if (seq > 0) out.untagged("OK [UNSEEN " + seq + "] first unseen");
        }
        out.untagged("OK [UIDVALIDITY " + m.uidValidity() + "] UIDs valid");
        out.untagged("OK [UIDNEXT " + Math.max(m.uidNext(), highestUid + 1) + "] predicted next UID");
        if (s.rev2()) {
            out.raw("* LIST () \"/\" ").string(s.wireName(m.name())).crlf();
        }
        out.untagged("OK [MAILBOXID (" + MailboxId.of(m) + ")] object id"); // RFC 8474 §4.1
        if (s.condstore()) out.untagged("OK [HIGHESTMODSEQ " + m.highestModSeq() + "] highest modseq"); // RFC 7162 §3.1.2.1
        if (qresync != null && qresync.uidValidity() == m.uidValidity()) resync(s, view, name, qresync);
        s.ok(tag, "[" + (readOnly ? "READ-ONLY" : "READ-WRITE") + "] " + (this.readOnly ? "EXAMINE" : "SELECT") + " completed", true);
    }

    /** RFC 4314 §5.1.1: PERMANENTFLAGS shows only the system flags the user's rights let them change. */
    private static String permanentFlags(Rights r) {
        StringBuilder b = new StringBuilder();
        if (r.has('w')) b.append("\\Answered \\Flagged ");
        if (r.has('t')) b.append("\\Deleted ");
        if (r.has('s')) b.append("\\Seen ");
        if (r.has('w')) b.append("\\Draft ");
        return b.toString().strip();
    }

    /** The QRESYNC parameter: what the client last knew (RFC 7162 §3.2.5). */
    record Qresync(long uidValidity, long modSeq, UidSet known) {

        static Qresync parse(CommandReader in) {
            in.expect('(');
            long uv = in.number();
            in.sp();
            long modSeq = in.number();
            UidSet known = UidSet.ALL;
            if (in.skip(' ')) {
                if (in.peek() != '(') {
                    known = uids(in.until(" )"));
                    in.skip(' ');
                }
                if (in.skip('(')) { // the sequence match data only speeds up servers that lost tombstones; ours keep them
                    in.until(")");
                    in.expect(')');
                }
            }
            in.expect(')');
            if (uv < 1 || modSeq < 1) throw new org.postiljon.imap.wire.BadSyntax("QRESYNC needs a UIDVALIDITY and a MODSEQ above 0");
            return new Qresync(uv, modSeq, known);
        }

        private static UidSet uids(String text) {
            java.util.List<UidSet.Range> ranges = new java.util.ArrayList<>();
            for (long[] r : org.postiljon.imap.wire.SequenceSet.parse(text).ranges()) {
                if (r[0] == org.postiljon.imap.wire.SequenceSet.STAR || r[1] == org.postiljon.imap.wire.SequenceSet.STAR) {
                    ranges.add(new UidSet.Range(Math.min(r[0], r[1]), UidSet.MAX_UID));
                } else {
                    ranges.add(new UidSet.Range(Math.min(r[0], r[1]), Math.max(r[0], r[1])));
                }
            }
            return new UidSet(ranges);
        }
    }

    /** RFC 7162 §3.2.5.1: what vanished and what changed since the client's MODSEQ, before the tagged OK. */
    private static void resync(Session s, SelectedMailbox view, MailboxName name, Qresync q) throws IOException {
        var messages = s.services().messages();
        List<Long> vanished = new java.util.ArrayList<>();
        for (long u : messages.vanishedSince(s.account, name, q.modSeq())) if (q.known().contains(u) && view.seqOf(u) == 0) vanished.add(u);
        if (!vanished.isEmpty()) s.out().untagged("VANISHED (EARLIER) " + Copy.compact(vanished));
        for (MessageInfo m : messages.changedSince(s.account, name, q.modSeq())) {
            int seq = view.seqOf(m.uid());
            if (seq > 0) s.fetchFlags(seq, m);
        }
    }
}
