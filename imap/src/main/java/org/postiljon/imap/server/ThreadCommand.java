package org.postiljon.imap.server;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.postiljon.imap.wire.BadSyntax;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.mailbox.api.Messages;
import org.postiljon.mailbox.api.SearchQuery;
import org.postiljon.mailbox.api.ThreadNode;

/** THREAD and UID THREAD, RFC 5256 §4: ORDEREDSUBJECT and REFERENCES, from the stored keys. */
final class ThreadCommand implements Command {

    private final boolean uid;

    ThreadCommand(boolean uid) {
        this.uid = uid;
    }

    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        String name = in.atom().toUpperCase(Locale.ROOT);
        Messages.ThreadAlgorithm algorithm;
        try {
            algorithm = Messages.ThreadAlgorithm.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new BadSyntax("unknown threading algorithm " + name + "; ORDEREDSUBJECT and REFERENCES are");
        }
        in.sp();
        Search.charset(in.astring());
        in.sp();
        List<SearchQuery> criteria = Search.criteria(s, in);
        in.end();
        SelectedMailbox view = s.selected();
        List<ThreadNode> threads = s.services().messages().thread(s.account, view.mailbox.name(), algorithm,
                criteria.size() == 1 ? criteria.getFirst() : new SearchQuery.And(criteria));
        StringBuilder b = new StringBuilder("THREAD");
        if (!threads.isEmpty()) b.append(' ');
        for (ThreadNode t : threads) {
            StringBuilder one = new StringBuilder();
            render(t, view, one);
            if (!one.isEmpty()) b.append('(').append(one).append(')');
        }
        s.out().untagged(b.toString());
        s.ok(tag, (uid ? "UID THREAD" : "THREAD") + " completed", uid);
    }

    /** RFC 5256 §4: "3 6 (4 23)(44 7 96)": a chain is spaced, siblings are parenthesised. */
    private void render(ThreadNode n, SelectedMailbox view, StringBuilder out) {
        long id = n.uid() == 0 ? 0 : uid ? n.uid() : view.seqOf(n.uid());
        if (id > 0) out.append(id);
        List<ThreadNode> kids = n.children();
        if (kids.size() == 1) {
            if (id > 0) out.append(' ');
            render(kids.getFirst(), view, out);
        } else if (!kids.isEmpty()) {
            if (id > 0) out.append(' ');
            for (ThreadNode k : kids) {
                out.append('(');
                render(k, view, out);
                out.append(')');
            }
        }
    }
}
