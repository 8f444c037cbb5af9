package org.postiljon.imap.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postiljon.imap.wire.BadSyntax;
import org.postiljon.imap.wire.CommandFailed;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.imap.wire.SequenceSet;
import org.postiljon.mailbox.api.FlagUpdate;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.UidSet;

/** STORE and UID STORE, RFC 9051 §6.4.6. */
final class Store implements Command {

    private final boolean uid;

    Store(boolean uid) {
        this.uid = uid;
    }

    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        SequenceSet set = SequenceSet.parse(in.until(""));
        in.sp();
        long unchangedSince = Long.MAX_VALUE;
        if (in.skip('(')) { // RFC 7162 §3.1.3: (UNCHANGEDSINCE n)
            String modifier = in.atom().toUpperCase(Locale.ROOT);
            if (!modifier.equals("UNCHANGEDSINCE")) throw new BadSyntax("unknown STORE modifier " + modifier);
            in.sp();
            unchangedSince = in.number();
            in.expect(')');
            in.sp();
            s.enableCondstore();
        }
        String item = in.atom().toUpperCase(Locale.ROOT);
        FlagUpdate.Mode mode = switch (item.replace(".SILENT", "")) {
            case "FLAGS" -> FlagUpdate.Mode.REPLACE;
            case "+FLAGS" -> FlagUpdate.Mode.ADD;
            case "-FLAGS" -> FlagUpdate.Mode.REMOVE;
            default -> throw new BadSyntax("unknown STORE item " + item);
        };
        boolean silent = item.endsWith(".SILENT");
        in.sp();
        List<String> names = new ArrayList<>();
        if (in.peek() == '(') {
            names = in.flagList();
        } else {
            do {
                if (!names.isEmpty()) in.sp();
                names.add(in.flag());
            } while (in.peek() == ' ');
        }
        in.end();
        SelectedMailbox view = s.selected();
        if (view.readOnly) throw new CommandFailed("READ-ONLY", "mailbox is read-only");
        UidSet uids = view.resolve(set, uid, s.savedSearch);
        var messages = s.services().messages();
        var result = messages.store(s.account, view.mailbox.name(), uids, new FlagUpdate(mode, Flags.of(names)), unchangedSince);
        List<MessageInfo> changed = result.changed();
        for (MessageInfo m : changed) view.ignoreOwn(m.modSeq());
        // Even when silent: the keyword now exists in the mailbox, and the client that made it is told so.
        if (mode != FlagUpdate.Mode.REMOVE && !changed.isEmpty()) view.announce(s, Flags.of(names));
        if (!silent) {
            for (MessageInfo m : messages.list(s.account, view.mailbox.name(), uids)) {
                int seq = view.seqOf(m.uid());
                if (seq > 0) s.fetchFlags(seq, m);
            }
        }
        // §7.5.1: no EXPUNGE responses while answering STORE; UID STORE may carry them.
        if (!result.modified().isEmpty()) {
            List<Long> ids = new ArrayList<>();
            for (long u : result.modified()) {
                long id = uid ? u : view.seqOf(u);
                if (id > 0) ids.add(id);
            }
            java.util.Collections.sort(ids);
            s.flushChanges(uid);
            s.out().tagged(tag, "OK", "MODIFIED " + Copy.compact(ids), "conditional STORE completed"); // RFC 7162 §3.1.3
            return;
        }
        s.ok(tag, (uid ? "UID STORE" : "STORE") + " completed", uid);
    }
}
