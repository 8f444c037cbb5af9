package org.postiljon.imap.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postiljon.mailbox.api.SearchQuery;
import org.postiljon.mailbox.api.SortKey;

/**
 * The searches of one session that asked for RETURN (UPDATE) (RFC 5267 §4.3): after changes to the
 * selected mailbox, each is run again and the difference sent as ADDTO and REMOVEFROM. Removals
 * go before the EXPUNGE that causes them and additions after the EXISTS (§4.3.3, §4.3.4). Updates
 * end with the selection or CANCELUPDATE. Sequence numbers in the search program were turned into
 * UIDs when the command came, so they are not re-evaluated (§4.3).
 */
final class SearchContexts {

    /** §4.3.1: at least one per client; each costs a search per batch of changes. */
    static final int MAX = 5;

    /** {@code sort} is null for SEARCH (results in mailbox order, context position 0). */
    private record Context(String tag, boolean uid, List<SortKey> sort, SearchQuery query, List<Long> told) { }

    private final Map<String, Context> contexts = new LinkedHashMap<>();

    /** §4.3: a tag whose search is still updated cannot start another (BAD). */
    void requireUnused(String tag) {
        if (contexts.containsKey(tag)) throw new org.postiljon.imap.wire.BadSyntax("tag " + tag + " is in use by an updating search");
    }

    /**
     * Starts updates for a search whose result (UIDs in the requested order) was just sent, or
     * tells {@code NO [NOUPDATE "tag"]} when the session has too many (§4.3.1).
     */
    void start(Session s, String tag, boolean uid, List<SortKey> sort, SearchQuery query, List<Long> told) throws IOException {
        if (contexts.size() >= MAX) {
            s.out().raw("* NO [NOUPDATE ").string(tag).raw("] too many updating searches").crlf();
            return;
        }
        contexts.put(tag, new Context(tag, uid, sort, query, new ArrayList<>(told)));
    }

    /** §4.3.5 CANCELUPDATE. */
    void cancel(String tag) {
        contexts.remove(tag);
    }

    void clear() {
        contexts.clear();
    }

    boolean isEmpty() {
        return contexts.isEmpty();
    }

    /** Before pending changes are told: REMOVEFROM for what left a result, while its sequence number is still valid (§4.3.4). */
    void beforeChanges(Session s) throws IOException {
        for (Context c : contexts.values()) removed(s, c, run(s, c));
    }

    /** After pending changes were told: REMOVEFROM for what left since, then ADDTO for what the session may now be told of. */
    void afterChanges(Session s) throws IOException {
        SelectedMailbox view = s.selected;
        for (Context c : contexts.values()) {
            long[] now = run(s, c);
            removed(s, c, now);
            Set<Long> told = new HashSet<>(c.told());
            List<Long> current = new ArrayList<>();
            for (long u : now) if (view.seqOf(u) > 0) current.add(u); // not yet announced: told later
            List<long[]> added = new ArrayList<>(); // {position, uid}
            for (int i = 0; i < current.size(); i++) {
                if (!told.contains(current.get(i))) added.add(new long[] {i + 1, current.get(i)});
            }
            c.told().clear();
            c.told().addAll(current);
            if (added.isEmpty()) continue;
            // §4.3.3: positions ascending, so each insertion finds the earlier results in place; SEARCH uses 0 and a set.
            write(s, c, "ADDTO", added);
        }
    }

    private static long[] run(Session s, Context c) {
        var messages = s.services().messages();
        var name = s.selected.mailbox.name();
        return c.sort() == null ? messages.search(s.account, name, c.query()) : messages.sort(s.account, name, c.sort(), c.query());
    }

    private void removed(Session s, Context c, long[] now) throws IOException {
        Set<Long> still = new HashSet<>();
        for (long u : now) still.add(u);
        List<long[]> gone = new ArrayList<>(); // {position, uid}
        for (int i = c.told().size() - 1; i >= 0; i--) { // §4.3.4: from the end, so earlier positions stay valid
            long u = c.told().get(i);
            if (still.contains(u)) continue;
            c.told().remove(i);
            // A sequence number is only meaningful before its EXPUNGE is told; after it, the client already dropped it.
            if (!c.uid() && s.selected.seqOf(u) == 0) continue;
            gone.add(new long[] {i + 1, u});
        }
        if (!gone.isEmpty()) write(s, c, "REMOVEFROM", gone);
    }

    private static void write(Session s, Context c, String item, List<long[]> changes) throws IOException {
        StringBuilder b = new StringBuilder();
        if (c.sort() == null) {
            List<Long> ids = new ArrayList<>();
            for (long[] p : changes) ids.add(c.uid() ? p[1] : s.selected.seqOf(p[1]));
            ids.sort(null);
            b.append("0 ").append(Copy.compact(ids));
        } else {
            for (long[] p : changes) {
                if (!b.isEmpty()) b.append(' ');
                b.append(p[0]).append(' ').append(c.uid() ? p[1] : s.selected.seqOf(p[1]));
            }
        }
        s.out().raw("* ESEARCH (TAG ").string(c.tag()).raw(")" + (c.uid() ? " UID " : " ") + item + " (" + b + ")").crlf();
    }
}
